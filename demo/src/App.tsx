import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useAuth, useProviders } from '../../client/index.js';
import type { AuthClientError } from '../../client/index.js';
import { ErrorBanner } from './components/ErrorBanner.js';
import { isLoginFailure } from './errors.js';
import { Header } from './components/Header.js';
import { Account } from './pages/Account.js';
import { Home } from './pages/Home.js';
import { NotFound } from './pages/NotFound.js';
import { usePath } from './router.js';

const PAGES: Record<string, { title: string; render(): ReactNode }> = {
  '/': { title: 'bff-auth demo', render: () => <Home /> },
  '/account': { title: 'Your account · bff-auth demo', render: () => <Account /> },
};

export function App() {
  const path = usePath();
  const { error } = useAuth();
  // Ask for the sign-in options alongside the session, not after it: the sign-in card then
  // appears with its buttons at once. (One shared query: the buttons below reuse this answer.)
  useProviders();
  const [signOutError, setSignOutError] = useState<AuthClientError | null>(null);
  // useAuth().error stays set until the next failure; dismissing hides this one.
  const [dismissed, setDismissed] = useState<AuthClientError | null>(null);
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

  const banner = signOutError
    ? { title: 'Sign-out failed', error: signOutError, dismiss: () => setSignOutError(null) }
    : error && error !== dismissed
      ? { title: isLoginFailure(error) ? 'Sign-in failed' : 'Something went wrong', error, dismiss: () => setDismissed(error) }
      : null;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header onSignOutError={setSignOutError} />
      <main id="main" ref={main} className="container main">
        {banner && <ErrorBanner title={banner.title} error={banner.error} onDismiss={banner.dismiss} />}
        {page ? page.render() : <NotFound />}
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
