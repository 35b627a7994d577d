import type { Params } from './messages.js';

/** One thing the doctor found, good or bad; its `code` is stable (docs/design.md, `bff-auth doctor`). */
export interface Finding {
  code: string;
  ok: boolean;
  /** The provider entry's id, for a finding about one provider. */
  provider?: string;
  /** The config field at fault, where there is one (`secrets.0`, `providers.2.alipayPublicKey`). */
  field?: string;
  params: Params;
}

export const problem = (code: string, params: Params = {}, where: { provider?: string; field?: string } = {}): Finding => ({ code, ok: false, ...where, params });

export const passed = (code: string, params: Params, provider: string): Finding => ({ code, ok: true, provider, params });
