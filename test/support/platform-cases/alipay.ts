import { expect } from 'vitest';
import { ConfigError, resolveConfig } from '../../../bff/index.js';
import { ALIPAY_PATHS, startAlipayEmulator, type AlipayEmulator } from '../../../emulators/alipay.js';
import { alipayEntry } from '../../../emulators/config-entry.js';
import { loginThrough, sessionIn } from '../provider-stack.js';
import { platformCase } from './platform-case.js';

export const alipayCase = platformCase<AlipayEmulator>({
  id: 'alipay',
  name: 'Alipay',
  start: startAlipayEmulator,
  entries: (alipay) => [alipayEntry(alipay)],
  user: ({ user }) => ({ providerUserId: user.open_id ?? '', name: user.nick_name, avatarUrl: user.avatar }),
  refusals: { token: { token: 'refuse' }, profile: { userinfo: 'refuse' } },
  refresh: { rotates: true, refusal: 'refuse', otherUser: 'other-user' },
  quirks: {
    'the code comes back as auth_code, and both gateway calls are RSA2-signed with the public parameters in the query': async ({ stack, emulator }) => {
      const { callbackUrl, location } = await loginThrough(stack, 'alipay');
      expect(location).toBe('/home');
      const callback = new URL(callbackUrl ?? '').searchParams;
      expect(callback.has('auth_code') && !callback.has('code')).toBe(true);
      const [token, userinfo] = emulator.requests.filter((request) => request.path === ALIPAY_PATHS.token).slice(-2);
      expect(token?.query).toMatchObject({ method: 'alipay.system.oauth.token', sign_type: 'RSA2', sign: expect.any(String) });
      expect(token?.body).toEqual({ grant_type: 'authorization_code', code: callback.get('auth_code') });
      expect(userinfo?.query).toMatchObject({ method: 'alipay.user.info.share', auth_token: expect.stringMatching(/^authusrB/), sign: expect.any(String) });
    },

    'an answer that does not match its signature ends the login with no session': async ({ emulator, failsWith }) => {
      emulator.behave({ token: 'forged' });
      await failsWith('token_exchange_failed');
      emulator.behave({ token: 'ok', userinfo: 'forged' });
      await failsWith('profile_failed');
    },

    'an unsigned answer fails its step, even one that refuses': async ({ emulator, failsWith }) => {
      emulator.behave({ token: 'unsigned' });
      await failsWith('token_exchange_failed');
      emulator.reshape = ({ member, text }) => `{"${member}":${text.replace('{', '{"code":"40002","sub_code":"isv.code-invalid",')}}`;
      try {
        await failsWith('token_exchange_failed');
      } finally {
        emulator.reshape = undefined;
      }
    },

    'an app on user_id (not open_id) signs the user in by user_id': async ({ stack, emulator }) => {
      delete emulator.user.open_id;
      emulator.user.user_id = '2088102104794936';
      const { browser } = await loginThrough(stack, 'alipay');
      expect(await sessionIn(stack, browser)).toMatchObject({ user: { id: 'alipay:2088102104794936', providerUserId: '2088102104794936' } });
    },

    'keys that are not RSA keys in PEM fail the config, naming the field': async ({ emulator }) => {
      // A public key cut short: its last line of base64 gone. (A private key would do as a public one: node derives it.)
      const truncated = emulator.alipayPublicKey.replace(/[^\n]+\n(?=-----END)/, '');
      expect(truncated.length).toBeLessThan(emulator.alipayPublicKey.length);
      const config = { baseUrl: 'http://127.0.0.1:3000', secrets: ['x'.repeat(32)], providers: [{ ...alipayEntry(emulator), privateKey: 'not a key', alipayPublicKey: truncated }] };
      let thrown: unknown;
      try {
        resolveConfig(config);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).issues).toEqual([
        'providers.0.privateKey: must be an RSA private key in PEM',
        'providers.0.alipayPublicKey: must be an RSA public key in PEM',
      ]);
    },
  },
});
