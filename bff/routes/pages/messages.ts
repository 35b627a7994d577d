/** The words of the BFF's own HTML pages in one language; each language is one file of this shape (en.ts, zh-CN.ts). */
export interface PageMessages {
  /** The BCP 47 tag of `<html lang>` and `Content-Language`. */
  lang: string;
  /** `{message}` and `{code}` (shown as `<code>`) make the page's one sentence. */
  sentence: string;
  backToApp: string;
  pages: {
    /** `{provider}`: the id from the login link, cut to 64 characters. */
    unknown_provider: PageText;
    /** `{seconds}`: the Retry-After. */
    rate_limited: PageText;
  };
}

export interface PageText {
  title: string;
  message: string;
}

export type PageCode = keyof PageMessages['pages'];
