import type { Request, Response } from 'express';
import type { PageCode } from './messages.js';
import { pageMessages } from './page-language.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** `{name}` in an escaped template replaced by the (already escaped) value. */
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);

/**
 * A small page for a navigation route that cannot go on: what happened in words, the error
 * code, and a way back, in English or Simplified Chinese as the browser's Accept-Language asks.
 */
export function sendErrorPage(req: Request, res: Response, status: number, code: PageCode, values: Record<string, string>) {
  const messages = pageMessages(req.get('accept-language'));
  const text = messages.pages[code];
  const escaped = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, escapeHtml(value)]));
  const title = escapeHtml(text.title);
  const sentence = fill(escapeHtml(messages.sentence), { message: fill(escapeHtml(text.message), escaped), code: `<code>${code}</code>` });
  res
    .status(status)
    .set('Content-Language', messages.lang)
    .vary('Accept-Language')
    .type('html')
    .send(`<!doctype html>
<html lang="${messages.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}a{color:#2563eb}</style></head>
<body><h1>${title}</h1>
<p>${sentence}</p>
<p><a href="/">${escapeHtml(messages.backToApp)}</a></p></body>
</html>`);
}
