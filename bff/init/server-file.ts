import type { InitProvider } from './providers.js';

/** The address Vite's dev server opens (its `server.port`, strict): the development baseUrl. */
export const DEV_BASE_URL = 'http://localhost:5173';

function entry({ id, fields }: InitProvider): string {
  const lines = [`id: '${id}', // the callback is baseUrl + /auth/callback/${id}`];
  for (const [key, field] of Object.entries(fields)) {
    lines.push(`${key}: ${'env' in field ? `required('${field.env}')` : `'${field.literal}'`},`);
  }
  return ['    {', ...lines.map((line) => `      ${line}`), '    },'].join('\n');
}

/** server.ts: the README's Express server ("Use it"), with the chosen providers. */
export function serverFile(providers: InitProvider[]): string {
  return `import express from 'express';
import { createAuthBff } from 'bff-auth/bff';

// \`npm run server\` loads .env; in production, set the variables in the environment.
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(\`Set the environment variable \${name} (in .env for development)\`);
  return value;
}

const auth = createAuthBff({
  // The address in the browser's address bar: Vite's in development, this server's in production.
  baseUrl: process.env.BASE_URL ?? '${DEV_BASE_URL}',
  secrets: [required('SESSION_SECRET')],
  providers: [
${providers.map(entry).join('\n')}
  ],
});

const app = express();
app.use(auth.router); // GET /auth/login/:id, /auth/callback/:id, /auth/session, POST /auth/logout ...

app.get('/api/me', auth.requireSession(), (req, res) => {
  res.json({ user: req.auth!.user }); // req.auth: { user, provider, expiresAt, profile, accessToken() }
});

// In production this server also serves the built app (npm run build).
app.use(express.static('dist'));

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(\`API and auth on http://127.0.0.1:\${port}\`));
`;
}
