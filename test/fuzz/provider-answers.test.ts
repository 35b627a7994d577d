/**
 * Property-based fuzzing of what a provider answers: discovery, JWKS, token and
 * userinfo answers that are truncated, of the wrong type or shape, empty, with
 * the wrong status or content type. Properties: the login ends in a 302 on the
 * BFF's origin (never a 5xx), and a session, if any, is only ever for the user
 * the genuine, signed ID token names. Each case uses a fresh BFF, so nothing
 * cached from an earlier case hides the answer.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHeaders } from '../support/dev-stack.js';
import { runs, truncated } from '../support/fuzz.js';
import { HOSTILE_SUBJECT, startHostileProvider, type Endpoint, type HostileProvider, type RawAnswer } from '../support/hostile-provider.js';
import { startBffInFrontOf } from '../support/hostile-stack.js';
import { loginThrough, sessionIn } from '../support/provider-stack.js';

let idp: HostileProvider;
const genuine: Partial<Record<Endpoint, Record<string, unknown>>> = {};
beforeAll(async () => {
  idp = await startHostileProvider();
  genuine.discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  genuine.jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as Record<string, unknown>;
  genuine.token = { access_token: 'at-x', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-x', id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' };
  genuine.userinfo = { sub: HOSTILE_SUBJECT, name: 'Hostile User', email: 'hostile@example.test' };
});
afterAll(() => idp.close());

/** A JSON object like `base`, some of its fields dropped or replaced by any JSON value. */
const mutated = (base: Record<string, unknown>) =>
  fc
    .array(fc.tuple(fc.constantFrom(...Object.keys(base), 'extra'), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })), { maxLength: 4 })
    .map((changes) => {
      const copy: Record<string, unknown> = { ...base };
      for (const [key, value] of changes) {
        if (value === undefined) delete copy[key];
        else copy[key] = value;
      }
      return JSON.stringify(copy);
    });

const body = (endpoint: Endpoint) =>
  fc.oneof(
    { weight: 4, arbitrary: mutated(genuine[endpoint]!) },
    { weight: 1, arbitrary: truncated(mutated(genuine[endpoint]!)) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '<html><body>Service Unavailable</body></html>', '{"error":"invalid_grant"}') },
  );

const answer = (endpoint: Endpoint): fc.Arbitrary<RawAnswer> =>
  fc.record({
    status: fc.constantFrom(200, 200, 200, 200, 201, 204, 302, 400, 401, 404, 429, 500, 503),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'text/html', 'application/jwk-set+json', 'application/octet-stream'),
    body: body(endpoint),
  });

const ENDPOINTS: Endpoint[] = ['discovery', 'jwks', 'token', 'userinfo'];

describe("fuzzing the provider's answers", () => {
  it('property: any malformed answer ends the login in a 302 on the origin, never a 5xx, and never a session for someone else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS).chain((endpoint) => answer(endpoint).map((raw) => ({ endpoint, raw }))),
        async ({ endpoint, raw }) => {
          idp.reset();
          idp.behave({ raw: { [endpoint]: raw } });
          const stack = await startBffInFrontOf(idp, { httpTimeoutMs: 2000 });
          const { bff } = stack;
          try {
            const result = await loginThrough(stack, 'bad');
            expect(result.status).toBe(302);
            expect(new URL(result.location, stack.origin).origin).toBe(stack.origin);
            const session = await sessionIn(stack, result.browser);
            // No token answer made up here carries an ID token the provider signed.
            if (endpoint === 'token') expect(session).toEqual({ authenticated: false });
            if (session.authenticated) expect(session.user.id).toBe(`bad:${HOSTILE_SUBJECT}`);
            expect(bff.logs.lines.filter((line) => line.level === 'error')).toEqual([]);
          } finally {
            await bff.close();
          }
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('property: a userinfo answer nested or sized past any real profile ends the login as profile_failed, not as a store failure', async () => {
    const nested = fc.integer({ min: 17, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
    const large = fc.integer({ min: 65 * 1024, max: 512 * 1024 }).map((size) => JSON.stringify('x'.repeat(size)));
    await fc.assert(
      fc.asyncProperty(fc.oneof(nested, large), fc.constantFrom('name', 'extra'), async (value, key) => {
        idp.reset();
        const userinfo = JSON.stringify({ ...genuine.userinfo, [key]: 0 }).replace(`"${key}":0`, `"${key}":${value}`);
        idp.behave({ raw: { userinfo: { status: 200, contentType: 'application/json', body: userinfo } } });
        const stack = await startBffInFrontOf(idp, { httpTimeoutMs: 2000 });
        try {
          const result = await loginThrough(stack, 'bad');
          expect(result.location).toBe('/home?auth_error=profile_failed');
          expect(await sessionIn(stack, result.browser)).toEqual({ authenticated: false });
        } finally {
          await stack.bff.close();
        }
      }),
      { numRuns: runs(6) },
    );
  });

  it('the provider, put right, signs the user in again', async () => {
    idp.reset();
    const stack = await startBffInFrontOf(idp);
    try {
      const result = await loginThrough(stack, 'bad');
      expect(result.location).toBe('/home');
      expect((await fetch(`${stack.origin}/auth/providers`, { headers: fetchHeaders })).status).toBe(200);
    } finally {
      await stack.close();
    }
  });
});
