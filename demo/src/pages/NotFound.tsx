import { Link } from '../router.js';

/** Nothing at this address; or, for `/auth/login/ID` (the demo server sends those here), no such sign-in option. */
export function NotFound({ path }: { path: string }) {
  const provider = /^\/auth\/login\/([^/]+)/.exec(path)?.[1];
  return (
    <div className="page-intro" data-testid="not-found">
      <h1 tabIndex={-1}>{provider ? 'No such sign-in option' : 'Page not found'}</h1>
      <p className="lead">
        {provider ? (
          <>
            This app has no sign-in option called <code>{decodeURIComponent(provider)}</code>. Choose one of the options on the
            home page.
          </>
        ) : (
          'There is nothing at this address.'
        )}
      </p>
      <Link to="/" className="button button-primary">
        Go home
      </Link>
    </div>
  );
}
