/**
 * A scripted browser for HTTP-level tests: a cookie jar in front of fetch, redirects
 * followed only when asked. No JavaScript, no SameSite enforcement (SameSite is recorded).
 */

export interface JarCookie {
  name: string;
  value: string;
  /** The host it was set by, or the Domain attribute when not host-only. */
  domain: string;
  hostOnly: boolean;
  path: string;
  /** Epoch milliseconds; undefined for a session cookie. */
  expires?: number;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string;
}

export interface FollowResult {
  /** The last response received (a redirect when stopped). */
  response: Response;
  /** The URL that response came from. */
  url: string;
  /** The redirect target that matched `stopAt`, not requested. */
  stoppedAt?: string;
}

/** Whether fetch failed because a connection that had carried an earlier answer closed before this one came. */
function closedWhileIdle(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; socket?: { bytesRead?: number } } }).cause;
  return cause?.code === 'UND_ERR_SOCKET' && (cause.socket?.bytesRead ?? 0) > 0;
}

export class TestBrowser {
  /** Every raw Set-Cookie header received, in order. */
  readonly setCookieLog: string[] = [];
  #jar: JarCookie[] = [];

  get(url: string | URL, init: RequestInit = {}): Promise<Response> {
    return this.request(url, { ...init, method: 'GET' });
  }

  post(url: string | URL, init: RequestInit = {}): Promise<Response> {
    return this.request(url, { ...init, method: 'POST' });
  }

  async request(url: string | URL, init: RequestInit): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookieHeader = [this.#cookieHeader(target), headers.get('cookie')].filter(Boolean).join('; ');
    if (cookieHeader) headers.set('cookie', cookieHeader);
    else headers.delete('cookie');

    const send = () => fetch(target, { ...init, headers, redirect: 'manual' });
    const response = await send().catch((error: unknown) => {
      // As a browser does, a GET goes out again once when the server closed the reused connection as idle just as it was sent.
      if (init.method === 'GET' && closedWhileIdle(error)) return send();
      throw error;
    });
    for (const header of response.headers.getSetCookie()) {
      this.setCookieLog.push(header);
      this.#store(target, header);
    }
    return response;
  }

  /** The live jar entries, all of them or those that would be sent to `url`. */
  cookies(url?: string | URL): JarCookie[] {
    this.#dropExpired();
    const entries = url === undefined ? this.#jar : this.#jar.filter((cookie) => sendsTo(cookie, new URL(url)));
    return entries.map((cookie) => ({ ...cookie }));
  }

  /** Plants a host-only session cookie for `url`'s host at Path=/, e.g. a tampered value. */
  setCookie(url: string | URL, name: string, value: string): void {
    const { hostname } = new URL(url);
    this.#put({ name, value, domain: hostname, hostOnly: true, path: '/', secure: false, httpOnly: false });
  }

  /** GETs `url` and follows 3xx Location hops until a non-redirect, or until the next location matches `stopAt`. */
  async follow(
    url: string | URL,
    options: { stopAt?: (url: URL) => boolean; maxHops?: number; signal?: AbortSignal } = {},
  ): Promise<FollowResult> {
    const maxHops = options.maxHops ?? 20;
    let current = new URL(url);
    for (let hop = 0; hop <= maxHops; hop++) {
      const response = await this.get(current, options.signal ? { signal: options.signal } : {});
      const location = response.headers.get('location');
      if (!isRedirect(response.status) || location === null) return { response, url: current.href };

      const next = new URL(location, current);
      if (options.stopAt?.(next)) return { response, url: current.href, stoppedAt: next.href };
      await response.arrayBuffer();
      current = next;
    }
    throw new Error(`more than ${maxHops} redirects, the last to ${current.href}`);
  }

  #cookieHeader(url: URL): string {
    return this.cookies(url)
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  #store(url: URL, header: string): void {
    const cookie = parseSetCookie(url, header);
    if (cookie) this.#put(cookie);
  }

  #put(cookie: JarCookie): void {
    this.#jar = this.#jar.filter(
      (old) => !(old.name === cookie.name && old.domain === cookie.domain && old.path === cookie.path),
    );
    if (cookie.expires === undefined || cookie.expires > Date.now()) this.#jar.push(cookie);
  }

  #dropExpired(): void {
    const now = Date.now();
    this.#jar = this.#jar.filter((cookie) => cookie.expires === undefined || cookie.expires > now);
  }
}

/**
 * Drives the development provider's login: follows `authorizationUrl` to its login page,
 * submits `username`, follows the redirects (consent is automatic) and returns the first
 * location for which `redirectBack` is true, without requesting it.
 */
export async function loginAtDevProvider(
  browser: TestBrowser,
  authorizationUrl: string,
  username: string,
  redirectBack: (url: URL) => boolean,
): Promise<string> {
  const toLogin = await browser.follow(authorizationUrl, { stopAt: redirectBack });
  const loginUrl = new URL(toLogin.url);
  if (toLogin.stoppedAt !== undefined) {
    throw new Error(
      `the provider redirected back to ${toLogin.stoppedAt} without a login page: the browser already has a session there`,
    );
  }
  if (toLogin.response.status !== 200 || !/^\/interaction\/[^/]+$/.test(loginUrl.pathname)) {
    throw new Error(`expected the dev provider's login page, got ${await describe(toLogin.response, toLogin.url)}`);
  }
  await toLogin.response.arrayBuffer();

  const submitted = await browser.post(new URL(`${loginUrl.pathname}/login`, loginUrl), {
    body: new URLSearchParams({ username }),
  });
  const location = submitted.headers.get('location');
  if (!isRedirect(submitted.status) || location === null) {
    throw new Error(`the login form was not accepted: ${await describe(submitted, loginUrl.href)}`);
  }
  await submitted.arrayBuffer();
  const next = new URL(location, loginUrl);
  if (redirectBack(next)) return next.href;

  const back = await browser.follow(next, { stopAt: redirectBack });
  if (back.stoppedAt === undefined) {
    throw new Error(`the login did not redirect back: ended at ${await describe(back.response, back.url)}`);
  }
  return back.stoppedAt;
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

async function describe(response: Response, url: string): Promise<string> {
  const body = (await response.text()).replace(/\s+/g, ' ').slice(0, 300);
  return `${response.status} from ${url} (location: ${response.headers.get('location') ?? 'none'}): ${body}`;
}

function parseSetCookie(url: URL, header: string): JarCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const equals = pair.indexOf('=');
  if (equals < 0) return undefined;
  const name = pair.slice(0, equals).trim();
  const value = pair.slice(equals + 1).trim();
  if (!name) return undefined;

  const cookie: JarCookie = {
    name,
    value,
    domain: url.hostname,
    hostOnly: true,
    path: defaultPath(url),
    secure: false,
    httpOnly: false,
  };
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const attributeValue = rest.join('=').trim();
    if (key === 'path' && attributeValue.startsWith('/')) cookie.path = attributeValue;
    else if (key === 'domain' && attributeValue) {
      const domain = attributeValue.replace(/^\./, '').toLowerCase();
      if (!domainMatches(url.hostname, domain)) return undefined;
      cookie.domain = domain;
      cookie.hostOnly = false;
    } else if (key === 'max-age' && /^-?\d+$/.test(attributeValue)) maxAge = Number(attributeValue);
    else if (key === 'expires' && !Number.isNaN(Date.parse(attributeValue))) expires = Date.parse(attributeValue);
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'samesite') cookie.sameSite = attributeValue;
  }
  // Max-Age wins over Expires; zero or negative means "delete now".
  if (maxAge !== undefined) cookie.expires = maxAge <= 0 ? 0 : Date.now() + maxAge * 1000;
  else if (expires !== undefined) cookie.expires = expires;

  if (name.startsWith('__Secure-') && !cookie.secure) return undefined;
  if (name.startsWith('__Host-') && (!cookie.secure || !cookie.hostOnly || cookie.path !== '/')) return undefined;
  return cookie;
}

/** RFC 6265 5.1.4: the request path up to, not including, its last '/'. */
function defaultPath(url: URL): string {
  const last = url.pathname.lastIndexOf('/');
  return last <= 0 ? '/' : url.pathname.slice(0, last);
}

function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !/^[\d.]+$/.test(host));
}

/** RFC 6265 5.1.3 and 5.4: domain, path prefix on a '/' boundary, Secure only over https. */
function sendsTo(cookie: JarCookie, url: URL): boolean {
  const hostOk = cookie.hostOnly ? url.hostname === cookie.domain : domainMatches(url.hostname, cookie.domain);
  const path = url.pathname;
  const pathOk =
    path === cookie.path ||
    (path.startsWith(cookie.path) && (cookie.path.endsWith('/') || path.charAt(cookie.path.length) === '/'));
  return hostOk && pathOk && (!cookie.secure || url.protocol === 'https:');
}

/**
 * Confirms the development provider's sign-out page (OIDC RP-initiated
 * logout): loads `endSessionUrl`, submits its form with "Sign out", and
 * resolves with the response that ends the redirects.
 */
export async function logoutAtDevProvider(browser: TestBrowser, endSessionUrl: string): Promise<FollowResult> {
  const page = await browser.follow(endSessionUrl);
  const html = await page.response.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const xsrf = /name="xsrf"[^>]*value="([^"]+)"/.exec(html)?.[1];
  if (!action || !xsrf) throw new Error(`expected the dev provider's sign-out form, got ${page.response.status} from ${page.url}`);
  const confirmed = await browser.post(new URL(action.replaceAll('&amp;', '&'), page.url), {
    body: new URLSearchParams({ xsrf, logout: 'yes' }),
  });
  const location = confirmed.headers.get('location');
  return location === null ? { response: confirmed, url: page.url } : browser.follow(new URL(location, page.url));
}
