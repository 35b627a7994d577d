import { AuthBffError } from '../errors.js';

/** Decoding rounds a segment is checked through: "%252e" is "%2e" after one and "." after two. */
const DECODE_ROUNDS = 3;
// A slash or backslash climbs out of a segment; ";" opens path parameters some servers strip ("..;/"); NUL and controls end strings.
// eslint-disable-next-line no-control-regex -- matching the C0 controls and DEL is this pattern's job
const UNSAFE_IN_SEGMENT = /[/\\;\u0000-\u001f\u007f]/;

/** Whether a path segment, in any of its decodings, is a dot segment or smuggles a separator, a path parameter or a NUL. */
function isUnsafeSegment(segment: string): boolean {
  let current = segment;
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (current === '.' || current === '..' || UNSAFE_IN_SEGMENT.test(current)) return true;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return true;
    }
    if (decoded === current) return false;
    current = decoded;
  }
  return true;
}

/**
 * The upstream URL of a proxied request: `target` plus the request's parsed
 * pathname (below the proxy's mount path) and its query. Dot segments,
 * encoded slashes, `;` path parameters and NULs are refused, plain or
 * percent-encoded any number of times, so a request cannot climb out of the
 * target's path on servers that decode them.
 */
export function upstreamUrl(target: string, pathname: string, query: string): URL {
  if (!pathname.startsWith('/') || pathname.split('/').slice(1).some(isUnsafeSegment)) {
    throw new AuthBffError('invalid_request', 'The API path is not valid.', { reason: 'proxy_path_refused' });
  }
  return new URL(target.replace(/\/$/, '') + (pathname === '/' ? '' : pathname) + query);
}
