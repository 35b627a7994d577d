import express from 'express';
import { createAuthBff } from 'bff-auth/bff';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set the environment variable ${name}`);
  return value;
}

/** GitHub to connect ("Connect GitHub"), when configured; GITHUB_SERVER_URL for GitHub Enterprise Server. */
const githubServer = process.env.GITHUB_SERVER_URL;
const github = process.env.GITHUB_CLIENT_ID
  ? [
      {
        id: 'github', // the callback is baseUrl + /auth/callback/github
        type: 'github' as const,
        clientId: process.env.GITHUB_CLIENT_ID,
        clientSecret: required('GITHUB_CLIENT_SECRET'),
        ...(githubServer
          ? {
              endpoints: {
                authorization: `${githubServer}/login/oauth/authorize`,
                token: `${githubServer}/login/oauth/access_token`,
                userinfo: `${githubServer}/api/v3/user`,
              },
            }
          : {}),
      },
    ]
  : [];

/** Your users table, in memory here: each platform identity ("<provider>:<id>") to your user id. */
const users = new Map<string, string>();

const auth = createAuthBff({
  // The address in the browser's address bar: Vite's in development, this server's in production.
  baseUrl: process.env.BASE_URL ?? 'http://localhost:5173',
  secrets: [required('SESSION_SECRET')], // openssl rand -base64 32
  providers: [
    {
      id: 'corp', // the callback is baseUrl + /auth/callback/corp
      type: 'oidc',
      name: 'Corp SSO',
      issuer: required('OIDC_ISSUER'),
      clientId: required('OIDC_CLIENT_ID'),
      clientSecret: required('OIDC_CLIENT_SECRET'),
    },
    ...github,
  ],
  // The browser calls GitHub's API through the BFF, with the session's GitHub token: /api/github/user ...
  apis: github.length > 0 ? [{ path: '/api/github', provider: 'github', target: githubServer ? `${githubServer}/api/v3` : 'https://api.github.com' }] : [],
  onLogin({ provider, user, current }) {
    const identity = `${provider}:${user.providerUserId}`;
    // A link login ("Connect GitHub") records the new identity for the user already signed in.
    const userId = current ? current.user.id : (users.get(identity) ?? `user-${users.size + 1}`);
    users.set(identity, userId);
    return { userId };
  },
});

const app = express();
app.use(auth.router); // GET /auth/login/corp, /auth/callback/corp, /auth/session, POST /auth/logout ...

app.get('/api/me', auth.requireSession(), (req, res) => {
  res.json({ user: req.auth!.user }); // req.auth: { user, provider, linked, expiresAt, profile, accessToken(provider?) }
});

// In production this server also serves the built app (npm run build).
app.use(express.static('dist'));

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`API and auth on http://127.0.0.1:${port}`));
