/**
 * The one platform emulator. What every OAuth-style platform does alike lives here:
 * the server that records requests (emulator-server.ts), the app's credentials, one
 * user, single-use codes bound to their redirect_uri (and PKCE challenge where the
 * platform has PKCE), access tokens, refresh tokens that rotate or not, and switchable
 * behavior where every route can suffer an outage. A platform is then a table of
 * routes written in its own dialect: parameter names, content types, envelopes and
 * error bodies, as each platform's documents (cited in its emulator file) describe them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { isJsonObject } from '../bff/providers/json-body.js';
import { fail, redirect, send, startEmulatorServer, type EmulatorServer, type Outage, type RecordedRequest } from './emulator-server.js';
import { CHOICE_PARAM, consentPage, labelled } from './emulator-pages.js';
import { switchable, type Switchable } from './switchable.js';

export interface Answer {
  status?: number;
  /** The content type, when not the platform's usual one. */
  type?: string;
  /** A string is sent as is, anything else as JSON. */
  body: unknown;
}

/** A route's handler, given its own switch and all of them: an answer, or where to send the browser (at once, or once a signature is made or checked). */
export type Handler<Behavior = Record<string, string>> = (request: EmulatorRequest, now: string, behavior: Behavior) => Answer | URL | Promise<Answer | URL>;

export interface EmulatorRequest extends RecordedRequest {
  /** The query, a form body and a JSON body's string and number members, merged. */
  params: Record<string, string>;
}

export interface Route<Behavior> {
  /** The switch that governs it: an outage value ('status-500', 'hang', 'stall-body') fails it before the handler runs. */
  behavior: keyof Behavior & string;
  handle: Handler<Behavior>;
}

export interface PlatformDefinition<Behavior extends Record<string, string>, User extends object> {
  /** The platform's name, on the pages a person sees ("GitHub emulator"). */
  name: string;
  behavior: Behavior;
  user: () => User;
  clientId: () => string;
  tokens: TokenFormat;
  /** The access tokens' lifetime in seconds, as the token answers tell it. */
  expiresIn: number;
  /** The content type of every answer that does not name its own. */
  contentType: string;
  /** 'METHOD /path' -> route. */
  routes: (emulator: EmulatorTools<User>) => Record<string, Route<Behavior>>;
  /** The route a request takes, where its method and path do not tell it (one gateway for every call): default 'METHOD /path'. */
  routeOf?: (request: EmulatorRequest) => string;
  /** Any other request. */
  notFound: Answer;
}

/** How a platform's codes and tokens look: a prefix for each, and their alphabet. */
export interface TokenFormat {
  code: string;
  access: string;
  refresh: string;
  encoding: 'hex' | 'base64url';
}

export interface EmulatorTools<User> {
  name: string;
  clientId: string;
  clientSecret: string;
  /** The user who approves; tests change its fields. */
  user: User;
  grants: Grants;
  /** The lifetime the next token answers tell; a test shortens it to make the BFF refresh. `reset()` restores it. */
  expiresIn: number;
  /** Fails the next request governed by the switch `behavior` with a 500, then lets it be (a person's choice on the consent page). */
  failNext: (behavior: string) => void;
}

export interface PlatformEmulator<Behavior, User> extends EmulatorServer, Switchable<Behavior>, EmulatorTools<User> {
  /** Every code, access token and refresh token issued. */
  issued: string[];
}

const OUTAGES: readonly string[] = ['status-500', 'hang', 'stall-body'] satisfies Outage[];

/** Why a code was not redeemed. */
export type CodeRefusal = 'unknown' | 'used' | 'redirect_uri' | 'pkce';

interface PendingCode {
  redirectUri: string;
  codeChallenge?: string;
  scope: string;
  used: boolean;
}

/** An access token and the refresh token that comes with it. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/** Codes and tokens as a platform keeps them. */
export class Grants {
  readonly issued: string[] = [];
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessTokens = new Map<string, string>();
  private readonly refreshTokens = new Map<string, { scope: string; used: boolean }>();

  constructor(private readonly format: TokenFormat) {}

  private mint(prefix: string) {
    const value = `${prefix}${randomBytes(18).toString(this.format.encoding)}`;
    this.issued.push(value);
    return value;
  }

  /** A code for the redirect back; `codeChallenge` only where the platform checks PKCE. */
  code(grant: Omit<PendingCode, 'used'>): string {
    const code = this.mint(this.format.code);
    this.codes.set(code, { ...grant, used: false });
    return code;
  }

  /** Redeems a code once: a second use, another redirect_uri or a wrong PKCE verifier is refused. */
  redeem(code: string | undefined, check: { redirectUri?: string; codeVerifier?: string } = {}): { scope: string } | CodeRefusal {
    const pending = this.codes.get(code ?? '');
    if (!pending) return 'unknown';
    if (pending.used) return 'used';
    pending.used = true;
    if (check.redirectUri !== undefined && check.redirectUri !== pending.redirectUri) return 'redirect_uri';
    const challenge = createHash('sha256').update(check.codeVerifier ?? '').digest('base64url');
    if (pending.codeChallenge !== undefined && challenge !== pending.codeChallenge) return 'pkce';
    return { scope: pending.scope };
  }

  tokens(scope: string): TokenPair {
    return { accessToken: this.accessToken(scope), refreshToken: this.refreshToken(scope) };
  }

  /** The scope an access token was granted, or undefined for a token this platform never issued. */
  scopeOf(accessToken: string | undefined): string | undefined {
    return this.accessTokens.get(accessToken ?? '');
  }

  /** A new access token for a refresh token; with `rotates`, a new refresh token too and the old one dead. */
  refresh(refreshToken: string | undefined, rotates: boolean): TokenPair | undefined {
    const known = this.refreshTokens.get(refreshToken ?? '');
    if (refreshToken === undefined || !known || known.used) return undefined;
    const accessToken = this.accessToken(known.scope);
    if (!rotates) return { accessToken, refreshToken };
    known.used = true;
    return { accessToken, refreshToken: this.refreshToken(known.scope) };
  }

  private accessToken(scope: string) {
    const token = this.mint(this.format.access);
    this.accessTokens.set(token, scope);
    return token;
  }

  private refreshToken(scope: string) {
    const token = this.mint(this.format.refresh);
    this.refreshTokens.set(token, { scope, used: false });
    return token;
  }

  revoke(accessToken: string | undefined) {
    return this.accessTokens.delete(accessToken ?? '');
  }
}

function paramsOf(request: RecordedRequest): Record<string, string> {
  const json = isJsonObject(request.json) ? request.json : {};
  const scalars = Object.entries(json).filter(([, value]) => typeof value === 'string' || typeof value === 'number');
  return { ...request.query, ...request.body, ...Object.fromEntries(scalars.map(([name, value]) => [name, String(value)])) };
}

export async function startPlatformEmulator<Behavior extends Record<string, string>, User extends object>(
  definition: PlatformDefinition<Behavior, User>,
): Promise<PlatformEmulator<Behavior, User>> {
  const user = definition.user();
  const failing = new Set<string>();
  const tools: EmulatorTools<User> = {
    name: definition.name,
    clientId: definition.clientId(),
    clientSecret: randomBytes(16).toString('hex'),
    user,
    grants: new Grants(definition.tokens),
    expiresIn: definition.expiresIn,
    failNext: (behavior) => failing.add(behavior),
  };
  const behavior = switchable(definition.behavior, () => {
    Object.assign(user, definition.user());
    tools.expiresIn = definition.expiresIn;
  });
  const routes = definition.routes(tools);

  const answer = (res: ServerResponse, { status = 200, type = definition.contentType, body }: Answer) =>
    send(res, status, type, typeof body === 'string' ? body : JSON.stringify(body));

  const server = await startEmulatorServer((recorded, res) => {
    const request = { ...recorded, params: paramsOf(recorded) };
    const route = routes[definition.routeOf?.(request) ?? `${recorded.method} ${recorded.path}`];
    if (!route) return answer(res, definition.notFound);
    const now = behavior.now[route.behavior] as string;
    if (failing.delete(route.behavior)) return fail(res, 'status-500');
    if (OUTAGES.includes(now)) return fail(res, now as Outage);
    void Promise.resolve(route.handle(request, now, behavior.now)).then(
      (result) => (result instanceof URL ? redirect(res, result) : answer(res, result)),
      (error: unknown) => answer(res, { status: 500, type: 'text/plain', body: `the emulator failed: ${String(error)}` }),
    );
  });

  // The tools themselves, so that handlers see what a test changes.
  return Object.assign(tools, server, { issued: tools.grants.issued, behave: behavior.behave, reset: behavior.reset });
}

/** A `routeOf` for platforms with one token address for the code and the refresh token: a refresh, told apart by its grant type parameter `param`, takes the route 'METHOD /path refresh'. */
export const refreshByGrantType =
  (param: string) =>
  ({ method, path, params }: EmulatorRequest): string =>
    `${method} ${path}${params[param] === 'refresh_token' ? ' refresh' : ''}`;

/** The consent page's choice, the link's last parameter (emulator-pages.ts). */
const CHOICE_AT_END = new RegExp(`[?&]${CHOICE_PARAM}=[^&]*$`);

/** The authorization step's switch: approve at once, deny at once, or ask the person on a consent page (emulator-pages.ts). */
export type Authorize = 'approve' | 'deny' | 'ask';

/**
 * The authorization step as most platforms do it: a bad link shows an error page; otherwise it approves at once,
 * denies, or (`ask`) shows the consent page, whose choice comes back as the link's last parameter.
 */
export function authorizeRoute<Behavior extends { authorize: string }>(
  { grants, name, failNext }: EmulatorTools<unknown>,
  options: {
    /** Whether the link is one the platform accepts (client id, parameter names and order, scope). */
    valid: (query: Record<string, string>, search: string) => boolean;
    invalid: Answer;
    /** The code's name on the redirect back. */
    codeParam?: string;
    /** Whether the platform checks PKCE at the token step. */
    pkce?: boolean;
    /** What a denial adds to the redirect back (an error parameter, or nothing at all). */
    deny: (back: URL) => void;
    /** What an approval adds to the redirect back beside the code and `state`. */
    approve?: (back: URL, query: Record<string, string>) => void;
  },
): Route<Behavior> {
  return {
    behavior: 'authorize',
    handle: ({ query: asked, search: askedSearch, path }, now) => {
      const { [CHOICE_PARAM]: choice, ...query } = asked;
      const search = choice === undefined ? askedSearch : askedSearch.replace(CHOICE_AT_END, '');
      if (!options.valid(query, search) || !URL.canParse(query.redirect_uri ?? '')) return labelled(name, options.invalid);
      if (now === 'ask' && choice === undefined) return consentPage(name, path, query);
      const decision = choice ?? now;
      const back = new URL(query.redirect_uri ?? '');
      if (decision === 'deny') options.deny(back);
      else {
        const codeChallenge = options.pkce && query.code_challenge_method === 'S256' ? query.code_challenge : undefined;
        const code = grants.code({ redirectUri: back.href, scope: query.scope ?? '', ...(codeChallenge ? { codeChallenge } : {}) });
        back.searchParams.set(options.codeParam ?? 'code', code);
        options.approve?.(back, query);
        if (decision === 'fail-token') failNext('token');
      }
      if (query.state !== undefined) back.searchParams.set('state', query.state);
      return back;
    },
  };
}

/** The client id and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1: each form-urlencoded, then Base64), or undefined. */
export function basicCredentials(headers: Record<string, string>): { clientId: string; clientSecret: string } | undefined {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(headers.authorization ?? '')?.[1];
  const decoded = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * The routes of a token endpoint as RFC 6749 writes it, one address for the code (§4.1.3) and the refresh
 * token (§6, told apart by `refreshByGrantType('grant_type')`): the client checked first, then the code with its
 * redirect URI and PKCE verifier, or the refresh token, single use and rotated. Any switch value but 'ok' refuses.
 */
export function tokenEndpointRoutes<Behavior extends { token: string; refresh: string }>(
  { grants }: EmulatorTools<unknown>,
  path: string,
  dialect: {
    refusedClient: (request: EmulatorRequest) => Answer | undefined;
    answer: (pair: TokenPair, scope: string) => Answer;
    refusedCode: Answer;
    refusedRefresh: Answer;
  },
): Record<string, Route<Behavior>> {
  return {
    [`POST ${path}`]: {
      behavior: 'token',
      handle: (request, now) => {
        const refused = dialect.refusedClient(request);
        if (refused) return refused;
        const { code, redirect_uri: redirectUri, code_verifier: codeVerifier } = request.body;
        const redeemed = grants.redeem(code, { redirectUri, codeVerifier });
        if (now !== 'ok' || typeof redeemed === 'string') return dialect.refusedCode;
        return dialect.answer(grants.tokens(redeemed.scope), redeemed.scope);
      },
    },
    [`POST ${path} refresh`]: {
      behavior: 'refresh',
      handle: (request, now) => {
        const refused = dialect.refusedClient(request);
        if (refused) return refused;
        const refreshed = now === 'ok' ? grants.refresh(request.body.refresh_token, true) : undefined;
        return refreshed ? dialect.answer(refreshed, grants.scopeOf(refreshed.accessToken) ?? '') : dialect.refusedRefresh;
      },
    },
  };
}
