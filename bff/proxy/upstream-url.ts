import { AuthBffError } from '../errors.js';

/**
 * The upstream URL of a proxied request: `target` plus the rest of the path
 * and the query. Dot segments and encoded slashes, plain or percent-encoded,
 * are refused, so a request cannot climb out of the target's path on servers
 * that decode them.
 */
export function upstreamUrl(target: string, rest: string): URL {
  const queryAt = rest.indexOf('?');
  const path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt);
  const climbs = path.split('/').some((segment) => {
    try {
      const decoded = decodeURIComponent(segment);
      return decoded === '.' || decoded === '..' || /[\/\\]/.test(decoded);
    } catch {
      return true;
    }
  });
  if (climbs) throw new AuthBffError('invalid_request', 'The API path is not valid.');
  return new URL(target.replace(/\/$/, '') + (path === '/' ? '' : path) + query);
}
