/**
 * The embedded login page (WeChat's QR code in an iframe of the app's own page):
 * `GET /auth/login/:provider/embed` answers {@link EmbedResponse}. Its query options,
 * which the client component and the BFF both check (docs/design.md, the HTTP contract).
 */

/** The path after `/login/:provider` of the embed route. */
export const EMBED_PATH = '/embed';

/** The QR page's text colour (wxLogin.js `style`). */
export const EMBED_STYLES = ['black', 'white'] as const;
export type EmbedStyle = (typeof EMBED_STYLES)[number];

/** The QR page's language (qrconnect `lang`: `cn`, the default, or `en`). */
export const EMBED_LANGS = ['cn', 'en'] as const;
export type EmbedLang = (typeof EMBED_LANGS)[number];

/**
 * A stylesheet the QR page may load (wxLogin.js `href`): an https URL or a
 * `data:text/css` URL, nothing else (no http, no script-bearing scheme).
 */
export function isEmbedStylesheet(href: string): boolean {
  if (/^data:text\/css[;,]/i.test(href)) return true;
  return URL.canParse(href) && new URL(href).protocol === 'https:';
}

/** The body of the embed route. */
export interface EmbedResponse {
  /** The page to load in the iframe; after the scan it sends the top window to the callback. */
  url: string;
}
