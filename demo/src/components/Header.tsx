import { useState } from 'react';
import { useAuth } from 'bff-auth/client';
import type { AuthClientError } from 'bff-auth/client';
import { Link } from '../router.js';
import { Avatar, displayName } from './Avatar.js';
import { LockIcon } from './LockIcon.js';

export function Header({ onSignOutError }: { onSignOutError: (error: AuthClientError) => void }) {
  const { status, user, logout } = useAuth();
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      await logout();
    } catch (error) {
      onSignOutError(error as AuthClientError);
    } finally {
      // When logout navigates to the provider this page is on its way out anyway.
      setSigningOut(false);
    }
  }

  return (
    <header className="site-header">
      <div className="container header-inner">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            <LockIcon />
          </span>
          <span className="brand-name">bff-auth demo</span>
        </Link>

        <nav className="site-nav" aria-label="Main">
          <Link to="/">Home</Link>
          <Link to="/account">Account</Link>
        </nav>

        <div className="header-session">
          {status === 'loading' && <div className="skeleton skeleton-pill" aria-hidden="true" />}
          {user && (
            <>
              <div className="header-user" data-testid="header-user">
                <Avatar user={user} size={32} />
                <span className="header-user-name">{displayName(user)}</span>
              </div>
              <button type="button" className="button button-secondary button-small" onClick={signOut} disabled={signingOut} aria-busy={signingOut}>
                {signingOut ? 'Signing out…' : 'Sign out'}
              </button>
            </>
          )}
          {status === 'unauthenticated' && <span className="header-status">Not signed in</span>}
        </div>
      </div>
    </header>
  );
}
