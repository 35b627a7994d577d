import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

/** `GET /demo/emulators`, answered by the demo server started with `--emulators` (demo/emulator-routes.ts). */
interface EmulatorsAnswer {
  platforms: Array<{ id: string; name: string; origin: string }>;
  inWeChatCookie: string;
}

const readCookie = (name: string) => document.cookie.split('; ').includes(`${name}=1`);

/**
 * With `npm start -- --emulators`: which platforms are emulated, and the switch that makes the
 * BFF see WeChat's in-app browser, where it starts the official account's login instead of the QR page.
 */
export function EmulatorPanel() {
  const emulators = useQuery({
    queryKey: ['demo', 'emulators'],
    queryFn: async () => {
      const response = await fetch('/demo/emulators');
      return response.ok ? ((await response.json()) as EmulatorsAnswer) : null;
    },
    staleTime: Infinity,
  });
  const answer = emulators.data;
  if (!answer) return null;
  return (
    <aside className="card card-muted" aria-labelledby="emulators-title" data-testid="emulator-panel">
      <h2 id="emulators-title">Emulated platforms</h2>
      <p className="muted">
        These sign-in options go to bff-auth's platform emulators, not the real platforms: each asks on a page marked
        "emulator", where you can approve, deny, or make the token step fail.
      </p>
      <ul className="emulator-list">
        {answer.platforms.map((platform) => (
          <li key={platform.id}>
            {platform.name} <code>{platform.origin}</code>
          </li>
        ))}
      </ul>
      <InWeChatSwitch cookie={answer.inWeChatCookie} />
    </aside>
  );
}

function InWeChatSwitch({ cookie }: { cookie: string }) {
  const [on, setOn] = useState(() => readCookie(cookie));
  const toggle = (checked: boolean) => {
    document.cookie = `${cookie}=${checked ? '1' : ''}; path=/; SameSite=Lax${checked ? '' : '; max-age=0'}`;
    setOn(checked);
  };
  return (
    <label className="switch">
      <input type="checkbox" checked={on} onChange={(event) => toggle(event.target.checked)} />
      Sign in as if inside WeChat's browser (the demo adds <code>MicroMessenger</code> to the user agent the BFF sees)
    </label>
  );
}
