/** A BFF config entry pointed at an emulator: what the demo (`--emulators`) and the tests configure. */
import { ALIPAY_PATHS, type AlipayEmulator } from './alipay.js';

/** A config entry of `type` (its id too) with the emulator's credentials and each of `paths` on its origin. */
export function entryAt<Type extends string>(emulator: { origin: string; clientId: string; clientSecret: string }, type: Type, paths: Record<string, string>) {
  const endpoints = Object.fromEntries(Object.entries(paths).map(([key, path]) => [key, emulator.origin + path]));
  return { id: type as string, type, clientId: emulator.clientId, clientSecret: emulator.clientSecret, endpoints };
}

/** Alipay signs with a key pair instead of a secret, and has one gateway for the token and the profile. */
export const alipayEntry = (alipay: AlipayEmulator) => ({
  id: 'alipay',
  type: 'alipay' as const,
  clientId: alipay.clientId,
  privateKey: alipay.appPrivateKey,
  alipayPublicKey: alipay.alipayPublicKey,
  // No `userinfo`: alipay.user.info.share goes to the same gateway.
  endpoints: { authorization: alipay.origin + ALIPAY_PATHS.authorization, token: alipay.origin + ALIPAY_PATHS.token },
});
