import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useAuth, useProviders } from 'bff-auth/client';
import type { AuthClientError } from 'bff-auth/client';
import { displayName } from './components/Avatar.js';
import { Banner, type BannerProps } from './components/Banner.js';
import { describeError, isLoginFailure } from './errors.js';
import { Header } from './components/Header.js';
import { Account } from './pages/Account.js';
import { Home } from './pages/Home.js';
import { NotFound } from './pages/NotFound.js';
import { usePath } from './router.js';

const PAGES: Record<string, { title: string; render: () => ReactNode }> = {
  '/': { title: 'bff-auth demo', render: () => <Home /> },
  '/account': { title: 'Your account · bff-auth demo', render: () => <Account /> },
};

type BannerMessage = Omit<BannerProps, 'children'> & { text: string };

export function App() {
  const path = usePath();
  const { status, user, error, signedOut } = useAuth();
  // Ask for the sign-in options alongside the session, not after it: the sign-in card then
  // appears with its buttons at once. (One shared query: the buttons below reuse this answer.)
  useProviders();
  const [signOutError, setSignOutError] = useState<AuthClientError | null>(null);
  // useAuth().error stays set until the next failure; dismissing hides this one.
  const [dismissed, setDismissed] = useState<AuthClientError | null>(null);
  const [signedOutSeen, setSignedOutSeen] = useState(false);
  const page = PAGES[path];

  useEffect(() => {
    document.title = page?.title ?? 'Not found · bff-auth demo';
  }, [page]);

  // After an in-app navigation, move focus to the new page's heading, as a page load would.
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(path);
  useEffect(() => {
    if (path === firstPath.current) return;
    firstPath.current = '';
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path]);

  const banner: BannerMessage | null = signOutError
    ? errorBanner('Sign-out failed', signOutError, () => setSignOutError(null))
    : error && error !== dismissed && status !== 'loading'
      ? sessionErrorBanner(error, user && displayName(user), () => setDismissed(error))
      : signedOut && !user && !signedOutSeen
        ? {
            tone: 'info',
            title: 'You are signed out',
            text:
              'Your session in this app has ended. If you pressed “Stay signed in” at the provider, you are still signed in there, ' +
              'but not here: the app had already ended its session.',
            onDismiss: () => setSignedOutSeen(true),
          }
        : null;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header onSignOutError={setSignOutError} />
      <main id="main" ref={main} className="container main">
        {banner && (
          <Banner tone={banner.tone} title={banner.title} code={banner.code} onDismiss={banner.onDismiss}>
            {banner.text}
          </Banner>
        )}
        {page ? page.render() : <NotFound path={path} />}
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>
            bff-auth · the browser never sees a token. Sessions live on the server; this page only holds an{' '}
            <code>HttpOnly</code> cookie.
          </p>
        </div>
      </footer>
    </>
  );
}

/** A failed login shown over a signed-in page (a replayed callback, a second account) must not read as if the user were signed out. */
function sessionErrorBanner(error: AuthClientError, signedInAs: string | null, onDismiss: () => void): BannerMessage {
  if (!isLoginFailure(error)) return errorBanner('Something went wrong', error, onDismiss);
  if (!signedInAs) return errorBanner('Sign-in failed', error, onDismiss);
  return errorBanner('That second sign-in failed', error, onDismiss, ` You are still signed in as ${signedInAs}.`);
}

/** An error's banner: the sentence for its code, then `more`, and the code itself. */
function errorBanner(title: string, error: AuthClientError, onDismiss: () => void, more = ''): BannerMessage {
  return { tone: 'error', title, text: describeError(error) + more, code: error.code, onDismiss };
}
