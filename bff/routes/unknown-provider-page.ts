const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The 404 page of a login link naming no configured provider: a page, not a redirect anywhere. */
export function unknownProviderPage(provider: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unknown sign-in provider</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}a{color:#2563eb}</style></head>
<body><h1>Unknown sign-in provider</h1>
<p>There is no sign-in provider called <code>${escapeHtml(provider.slice(0, 64))}</code> here (error <code>unknown_provider</code>).</p>
<p><a href="/">Back to the app</a></p></body>
</html>`;
}
