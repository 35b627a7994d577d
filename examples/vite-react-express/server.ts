import express from 'express';
import { createAuthBff } from 'bff-auth/bff';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set the environment variable ${name}`);
  return value;
}

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
  ],
});

const app = express();
app.use(auth.router); // GET /auth/login/corp, /auth/callback/corp, /auth/session, POST /auth/logout ...

app.get('/api/me', auth.requireSession(), (req, res) => {
  res.json({ user: req.auth!.user }); // req.auth: { user, provider, expiresAt, profile, accessToken() }
});

// In production this server also serves the built app (npm run build).
app.use(express.static('dist'));

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`API and auth on http://127.0.0.1:${port}`));
