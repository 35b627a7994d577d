import { ACME_PATHS, startAcmeEmulator, type AcmeEmulator } from '../emulators/acme.js';
import { acmePlatform } from '../custom-platform.js';
import { entryAt, platformCase } from './platform-case.js';

/** The test app's own platform (`platforms: [acmePlatform]`), through the same suite as the built-in ones. */
export const acmeCase = platformCase<AcmeEmulator>({
  id: 'acme-id',
  name: 'Acme ID',
  platform: acmePlatform,
  start: startAcmeEmulator,
  entries: (acme) => [entryAt(acme, 'acme-id', ACME_PATHS)],
  user: ({ user }) => ({ providerUserId: String(user.uid), name: user.nick, email: user.mail, avatarUrl: `https://cdn.acme.example/u/${user.uid}.png` }),
  refusals: { token: { token: 'invalid-grant' }, profile: { me: 'token-expired' } },
  refresh: { rotates: true, refusal: 'invalid-grant' },
});
