const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A small page for a navigation route that cannot go on: what happened in words, the error code, and a way back. */
export function navigationErrorPage(title: string, message: string, code: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}a{color:#2563eb}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)} (error <code>${escapeHtml(code)}</code>).</p>
<p><a href="/">Back to the app</a></p></body>
</html>`;
}

/** The 404 page of a login link naming no configured provider: a page, not a redirect anywhere. */
export function unknownProviderPage(provider: string): string {
  return navigationErrorPage(
    'Unknown sign-in provider',
    `There is no sign-in provider called "${provider.slice(0, 64)}" here`,
    'unknown_provider',
  );
}
