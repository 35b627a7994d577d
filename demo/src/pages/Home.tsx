import { useAuth } from 'bff-auth/client';
import { EmulatorPanel } from '../components/EmulatorPanel.js';
import { SignInOptions } from '../components/SignInOptions.js';
import { UserCard } from '../components/UserCard.js';
import { UseItPanel } from '../components/UseItPanel.js';
import { Link } from '../router.js';

export function Home() {
  const { status, user, refetch } = useAuth();

  return (
    <>
      <div className="page-intro">
        <h1 tabIndex={-1}>{user ? 'Welcome back' : 'Sign in, the safe way'}</h1>
        <p className="lead">
          This single-page app signs you in through a backend-for-frontend. The server keeps the tokens; the browser only
          holds an httpOnly session cookie that JavaScript cannot read.
        </p>
      </div>

      <div className="grid">
        {status === 'loading' && <LoadingCard />}

        {status === 'error' && (
          <section className="card" aria-labelledby="session-error-title">
            <h2 id="session-error-title">The session could not be read</h2>
            <p className="muted">The server did not answer as expected. Check that it is running, then try again.</p>
            <button type="button" className="button button-primary" onClick={() => void refetch()}>
              Try again
            </button>
          </section>
        )}

        {status === 'unauthenticated' && (
          <section className="card sign-in-card" aria-labelledby="sign-in-title" data-testid="sign-in-card">
            <h2 id="sign-in-title">Sign in</h2>
            <p className="muted">Choose an account to continue. You will come straight back here.</p>
            <SignInOptions />
          </section>
        )}

        {user && (
          <>
            <UserCard user={user} />
            <section className="card next-card" aria-labelledby="next-title">
              <h2 id="next-title">Call a protected API</h2>
              <p className="muted">
                The account page asks the server's <code>/api/me</code> route who you are. The request carries the session
                cookie and a CSRF header; no token ever reaches this page.
              </p>
              <Link to="/account" className="button button-primary" data-testid="account-link">
                Open your account page
                <span aria-hidden="true"> →</span>
              </Link>
            </section>
          </>
        )}

        <UseItPanel page="home" />

        <EmulatorPanel />

        <aside className="card card-muted how-card" aria-labelledby="how-title">
          <h2 id="how-title">How it works</h2>
          <ol className="steps">
            <li>
              <strong>Sign in</strong> sends you to the provider, which sends you back to the server with a one-time code.
            </li>
            <li>
              <strong>The server</strong> trades the code for tokens using its secret and keeps them to itself.
            </li>
            <li>
              <strong>Your browser</strong> gets a session cookie marked <code>HttpOnly</code> and <code>SameSite</code>: nothing
              a script could steal.
            </li>
          </ol>
        </aside>
      </div>
    </>
  );
}

function LoadingCard() {
  return (
    <section className="card" aria-busy="true" aria-label="Loading your session">
      <div className="loading-head">
        <div className="skeleton skeleton-avatar" />
        <div className="loading-lines">
          <div className="skeleton skeleton-text" />
          <div className="skeleton skeleton-text skeleton-short" />
        </div>
      </div>
      <div className="skeleton skeleton-button" />
    </section>
  );
}
