/**
 * The Vite dev proxy for /auth and /api (README, "Development with Vite"), added to a Vite config
 * only when it is exactly the shape create-vite writes: `export default defineConfig({` with
 * `plugins: [react()]` as its one property. Anything else is left alone and the snippet printed.
 */

/** The default export, with the comment lines right above it (create-vite's link to the docs). */
const TEMPLATE_EXPORT = /^((?:\/\/[^\n]*\n)*)export default defineConfig\(\{\n([ \t]+)plugins: \[react\(\)\],?\n\}\)(;?)[ \t]*$/m;

/** Whether the config already sends /auth somewhere: a proxy entry for it. */
export const proxiesAuth = (config: string): boolean => /['"]\/auth['"]\s*:/.test(config);

function constLine(semicolon: string): string {
  return [
    "// Where server.ts listens. An object, not a plain string: Vite's string form rewrites the Host",
    '// header, and the BFF must see the address the browser opened (it sends logins on other hosts to baseUrl).',
    `const server = { target: \`http://127.0.0.1:\${process.env.PORT ?? 3000}\` }${semicolon}`,
  ].join('\n');
}

function serverProperty(indent: string, quote: string): string {
  return [
    `${indent}server: {`,
    `${indent}${indent}port: 5173,`,
    `${indent}${indent}strictPort: true, // baseUrl names this port: another one would break the login`,
    `${indent}${indent}proxy: { ${quote}/auth${quote}: server, ${quote}/api${quote}: server },`,
    `${indent}},`,
  ].join('\n');
}

/** The proxy as the README writes it, to paste by hand. */
export const PROXY_SNIPPET = `${constLine(';')}

// In the object passed to defineConfig:
${serverProperty('  ', "'")}`;

/** The config with the proxy added, or null when it is not the template's shape (or names `server` or `proxy` already). */
export function addProxy(config: string): string | null {
  const match = TEMPLATE_EXPORT.exec(config);
  if (!match || /\b(server|proxy)\b/.test(config) || config.includes('\r')) return null;
  const [whole, comments, indent, semicolon] = match as unknown as [string, string, string, string];
  const quote = /from "/.test(config) ? '"' : "'";
  const replaced = [
    constLine(semicolon),
    '',
    `${comments}export default defineConfig({`,
    `${indent}plugins: [react()],`,
    serverProperty(indent, quote),
    `})${semicolon}`,
  ].join('\n');
  return config.replace(whole, replaced);
}
