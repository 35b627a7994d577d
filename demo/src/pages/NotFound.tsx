import { Link } from '../router.js';

export function NotFound() {
  return (
    <div className="page-intro">
      <h1 tabIndex={-1}>Page not found</h1>
      <p className="lead">There is nothing at this address.</p>
      <Link to="/" className="button button-primary">
        Go home
      </Link>
    </div>
  );
}
