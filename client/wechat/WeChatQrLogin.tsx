import { EMBED_PATH, isEmbedStylesheet, RETURN_TO_PARAM, ROUTES } from '../../shared/index.js';
import type { EmbedLang, EmbedResponse, EmbedStyle } from '../../shared/index.js';
import { useAuthContext } from '../context.js';
import { useEffect, useState } from '../react.js';
import type { ReactElement } from '../react.js';
import { requestJson } from '../request.js';

/**
 * How long one code is shown. Each code is a login transaction that lives 10 minutes
 * (docs/design.md); the QR page's own lifetime is not documented (/work/shared/platforms.md,
 * "Embedded QR" says nothing of it: UNCONFIRMED), so a fresh one is offered well within that.
 */
const DEFAULT_LIFETIME_MS = 5 * 60_000;

export interface WeChatQrLoginProps {
  /** The `wechat` entry's id, as configured in the BFF. Default `wechat`. */
  provider?: string | undefined;
  returnTo?: string | undefined;
  /** The QR page's text colour. */
  style?: EmbedStyle | undefined;
  /** A stylesheet for the QR page: an https URL or `data:text/css;base64,...`; any other is refused. */
  href?: string | undefined;
  lang?: EmbedLang | undefined;
  /** After this long the code is replaced by "expired" and a button for a new one. Default 5 minutes. */
  lifetimeMs?: number | undefined;
  /** The accessible name of the QR code's frame. */
  title?: string | undefined;
  className?: string | undefined;
}

type Phase = { at: 'loading' } | { at: 'shown'; url: string; loaded: boolean } | { at: 'expired' } | { at: 'failed'; refused?: true };

/**
 * WeChat's QR code in the page, in an iframe from the BFF's embed route. After the scan WeChat
 * sends the top window to the BFF's callback, which signs the user in as a redirect login would.
 */
export function WeChatQrLogin({
  provider = 'wechat',
  returnTo,
  style,
  href,
  lang,
  lifetimeMs = DEFAULT_LIFETIME_MS,
  title = 'Sign in with WeChat: QR code',
  className,
}: WeChatQrLoginProps): ReactElement {
  const { basePath } = useAuthContext();
  const [phase, setPhase] = useState<Phase>({ at: 'loading' });
  // Each "new code" is a new round: a new login, a new URL.
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (href !== undefined && !isEmbedStylesheet(href)) return setPhase({ at: 'failed', refused: true });
    const options = { [RETURN_TO_PARAM]: returnTo, style, href, lang };
    const query = String(new URLSearchParams(Object.entries(options).filter((option): option is [string, string] => option[1] !== undefined)));
    const controller = new AbortController();
    let expiry: ReturnType<typeof setTimeout> | undefined;
    setPhase({ at: 'loading' });
    requestJson<EmbedResponse>(`${basePath}${ROUTES.login}${encodeURIComponent(provider)}${EMBED_PATH}${query && `?${query}`}`, { signal: controller.signal }).then(
      ({ url }) => {
        setPhase({ at: 'shown', url, loaded: false });
        expiry = setTimeout(() => setPhase({ at: 'expired' }), lifetimeMs);
      },
      () => controller.signal.aborted || setPhase({ at: 'failed' }),
    );
    return () => {
      controller.abort();
      clearTimeout(expiry);
    };
  }, [basePath, provider, returnTo, style, href, lang, lifetimeMs, round]);

  const again = (label: string) => (
    <button type="button" onClick={() => setRound(round + 1)}>
      {label}
    </button>
  );
  return (
    <div role="group" aria-label={title} className={className}>
      {phase.at === 'shown' && (
        <iframe
          src={phase.url}
          title={title}
          width={300}
          height={400}
          // Quick login (微信快捷登录) asks Chrome 142+ for local network access from the frame (platforms.md, Callback).
          allow="local-network-access"
          style={{ border: 0, display: phase.loaded ? 'block' : 'none' }}
          // From the phase as it is now: the expiry may have set it since this render, and stays.
          onLoad={() => setPhase((current) => (current.at === 'shown' ? { ...current, loaded: true } : current))}
        />
      )}
      {(phase.at === 'loading' || (phase.at === 'shown' && !phase.loaded)) && <p role="status">Loading the QR code…</p>}
      {phase.at === 'expired' && (
        <p role="status">
          The QR code has expired. {again('Get a new code')}
        </p>
      )}
      {phase.at === 'failed' && (
        <p role="alert">
          {phase.refused ? 'The QR code page was given a stylesheet that is not https or data:text/css.' : 'The QR code could not be loaded.'}{' '}
          {phase.refused || again('Try again')}
        </p>
      )}
    </div>
  );
}
