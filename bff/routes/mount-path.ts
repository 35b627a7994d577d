/** A request target as the proxy reads it: the path below the mount path, and the query (`?a=b`, or ""). */
export interface BelowMount {
  pathname: string;
  query: string;
}

/** An absolute-form request target's scheme and authority (RFC 9112 §3.2.2), which name no path. */
const ABSOLUTE_FORM_ORIGIN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;

/**
 * Matches request targets under `mount` as Express mounts a path (`app.use(mount, ...)`):
 * whole segments, in any case, the raw (undecoded) path; an absolute-form target by
 * its path. Answers the rest of the path ("/" for the mount path itself) and the query.
 */
export function mountPathMatcher(mount: string): (url: string) => BelowMount | undefined {
  const lowerMount = mount.toLowerCase();
  return (url) => {
    const queryAt = url.indexOf('?');
    let path = queryAt < 0 ? url : url.slice(0, queryAt);
    if (!path.startsWith('/')) {
      const origin = ABSOLUTE_FORM_ORIGIN.exec(path);
      if (!origin) return undefined;
      path = path.slice(origin[0].length) || '/';
    }
    if (!path.startsWith(mount) && path.slice(0, mount.length).toLowerCase() !== lowerMount) return undefined;
    const rest = path.slice(mount.length);
    if (rest !== '' && !rest.startsWith('/')) return undefined;
    return { pathname: rest || '/', query: queryAt < 0 ? '' : url.slice(queryAt) };
  };
}
