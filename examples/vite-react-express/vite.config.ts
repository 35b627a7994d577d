import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Where server.ts listens. An object, not a plain string: Vite's string form rewrites the Host
// header, and the BFF must see the address the browser opened (it sends logins on other hosts to baseUrl).
const server = { target: `http://127.0.0.1:${process.env.PORT ?? 3000}` };

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true, // baseUrl names this port: another one would break the login
    proxy: { '/auth': server, '/api': server },
  },
});
