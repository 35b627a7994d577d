import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Where server.ts listens.
const server = `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true, // baseUrl names this port: another one would break the login
    // Keep the browser's Host header (no changeOrigin): the BFF sends logins on other hosts to baseUrl.
    proxy: { '/auth': server, '/api': server },
  },
});
