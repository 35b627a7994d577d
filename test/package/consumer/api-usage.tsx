/**
 * Compiled against the packed package in strict mode (React 18 and 19 types, skipLibCheck off,
 * exactOptionalPropertyTypes on): the public API, used the way its documentation shows.
 */
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import { AUTH_ERROR_CODES, CSRF_HEADER, ROUTES, type SessionResponse } from 'bff-auth';
import {
  bearer,
  clientSecretField,
  ConfigError,
  createAuthBff,
  definePlatform,
  ERROR_MEMBER,
  silentLogger,
  tokenCall,
  type AuthBff,
  type AuthBffConfig,
  type SessionSummary,
} from 'bff-auth/bff';
import {
  AuthClientError,
  AuthProvider,
  LoginButton,
  RequireAuth,
  authFetch,
  useAuth,
  useAuthFetch,
  useProviders,
  type ClientErrorCode,
  type ProviderInfo,
} from 'bff-auth/client';
import { WeChatQrLogin, type EmbedLang, type WeChatQrLoginProps } from 'bff-auth/client/wechat';

const config: AuthBffConfig = {
  baseUrl: 'http://localhost:5173',
  secrets: ['0123456789abcdef0123456789abcdef'],
  logger: silentLogger,
  session: { store: 'memory', idleTimeoutSeconds: 1800 },
  providers: [
    { id: 'corp', type: 'oidc', name: 'Corp SSO', issuer: 'https://login.example.com', clientId: 'a', clientSecret: 'b' },
    { id: 'gh', type: 'github', clientId: 'a', clientSecret: 'b' },
    { id: 'wechat', type: 'wechat', clientId: 'wx1', clientSecret: 'b', inWeChat: 'wechat-mp' },
    { id: 'wechat-mp', type: 'wechat-mp', clientId: 'wx2', clientSecret: 'b' },
  ],
};

export function server(): AuthBff {
  const auth = createAuthBff(config);
  const frameSources: readonly string[] = auth.embedOrigins;
  const app = express();
  // The app's own CSP lets WeChat's QR page into its frame.
  app.use((_req, res, next) => {
    res.set('Content-Security-Policy', `frame-src ${frameSources.join(' ')}`);
    next();
  });
  app.use(auth.router);
  app.get('/api/me', auth.requireSession(), (req, res) => {
    res.json({ user: req.auth!.user, expiresAt: req.auth!.expiresAt });
  });
  app.post('/api/token', auth.requireSession(), async (req: ExpressRequest, res: ExpressResponse) => {
    const token: string = await req.auth!.accessToken();
    res.json({ length: token.length });
  });
  app.use(auth.proxy({ path: '/api/corp', provider: 'corp', target: 'https://api.example.com', methods: ['GET'] }));
  return auth;
}

const acme = definePlatform({
  type: 'acme-id',
  name: 'Acme ID',
  endpoints: { authorization: 'https://id.acme.example/authorize', token: 'https://id.acme.example/token', userinfo: 'https://id.acme.example/me' },
  scope: 'profile',
  config: { clientSecret: clientSecretField },
  authorization: { params: ({ config, redirectUri, state }) => ({ client_id: config.clientId, response_type: 'code', redirect_uri: redirectUri, state }) },
  token: tokenCall(),
  userinfo: { method: 'GET', headers: bearer },
  refusals: [ERROR_MEMBER],
  user: { idFrom: 'userinfo', id: ['id'], name: ['name'] },
});

export function withOwnPlatform(): AuthBff {
  const auth = createAuthBff({ ...config, platforms: [acme], providers: [{ id: 'acme', type: 'acme-id', clientId: 'a', clientSecret: 'b' }] });
  const app = express();
  app.post('/api/sign-out-others', auth.requireSession(), async (req, res) => {
    const others: SessionSummary[] = (await auth.sessions.list(req.auth!.user.id)).filter(({ handle }) => handle !== req.auth!.handle);
    let ended: number = 0;
    for (const { handle } of others) ended += await auth.sessions.end({ handle });
    res.json({ ended, everywhere: await auth.sessions.end(req.auth!.user.id) });
  });
  return auth;
}

export function describeConfigError(error: unknown): readonly string[] {
  return error instanceof ConfigError ? error.issues : [];
}

const signedIn: SessionResponse = {
  authenticated: true,
  user: { id: 'corp:1', provider: 'corp', providerUserId: '1', name: 'Ada' },
  provider: 'corp',
  expiresAt: 2_000_000_000,
};

export function Root({ session }: { session?: SessionResponse }) {
  return (
    <AuthProvider basePath="/auth" initialSession={session ?? signedIn}>
      <Page />
    </AuthProvider>
  );
}

const lang: EmbedLang = 'en';
const qrProps: WeChatQrLoginProps = { returnTo: '/after', style: 'white', href: 'https://cdn.example.com/qr.css', lang, lifetimeMs: 120_000, title: 'WeChat QR code' };

function Page() {
  const { status, user, error, signedOut, logout, refetch, login } = useAuth();
  const providers = useProviders();
  const fetchApi = useAuthFetch();
  const code: ClientErrorCode | undefined = error?.code;
  const list: ProviderInfo[] = providers.data ?? [];
  return (
    <main data-status={status}>
      {code && <p role="alert">{code}</p>}
      {signedOut && <p>Signed out</p>}
      {user?.name}
      {list.map((provider) =>
        provider.embeddable ? (
          <WeChatQrLogin key={provider.id} {...qrProps} provider={provider.id} />
        ) : (
          <LoginButton key={provider.id} provider={provider.id} returnTo="/after" className="button" onClick={(event) => event.currentTarget.blur()} />
        ),
      )}
      <RequireAuth login="corp" loading={<p>Loading</p>} fallback={<LoginButton provider="corp">Continue</LoginButton>}>
        <button onClick={() => void fetchApi('/api/me', { method: 'GET' })}>Me</button>
      </RequireAuth>
      <button onClick={() => void refetch()}>Refetch</button>
      <button onClick={() => login('corp', { returnTo: '/' })}>Login</button>
      <button
        onClick={() =>
          logout().catch((failure: unknown) => {
            if (failure instanceof AuthClientError && failure.code === 'network_error') console.warn(failure.message);
          })
        }
      >
        Sign out
      </button>
    </main>
  );
}

export const plain: Promise<Response> = authFetch('/api/orders');
export const contract = { codes: AUTH_ERROR_CODES.length, header: CSRF_HEADER, session: ROUTES.session };
