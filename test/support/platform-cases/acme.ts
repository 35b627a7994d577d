import fc from 'fast-check';
import { ACME_PATHS, startAcmeEmulator, type AcmeEmulator } from '../../../emulators/acme.js';
import { acmePlatform } from '../custom-platform.js';
import { runs } from '../fuzz.js';
import { entryAt, platformCase, signsInOnlyAs } from './platform-case.js';

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
  quirks: {
    "the user is the profile's (`idFrom`), never the token answer's: a token answer naming another `user_id` signs no one in": async ({ stack, emulator }) => {
      const own = String(emulator.user.uid);
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.constant(own), fc.stringMatching(/^[1-9][0-9]{0,15}$/)), async (tokenUserId) => {
          emulator.user.tokenUserId = tokenUserId;
          await signsInOnlyAs(stack, 'acme-id', own, tokenUserId === own);
        }),
        { numRuns: runs(15), examples: [['1'], [own]] },
      );
    },
  },
});
