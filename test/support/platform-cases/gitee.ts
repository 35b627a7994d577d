import { expect } from 'vitest';
import { GITEE_PATHS, startGiteeEmulator, type GiteeEmulator } from '../../../emulators/gitee.js';
import { loginThrough, sessionIn } from '../provider-stack.js';
import { entryAt, platformCase } from './platform-case.js';

export const giteeCase = platformCase<GiteeEmulator>({
  id: 'gitee',
  name: 'Gitee',
  start: startGiteeEmulator,
  entries: (gitee) => [entryAt(gitee, 'gitee', GITEE_PATHS)],
  // The numeric id as its decimal string; a null email leaves no email.
  user: ({ user }) => ({ providerUserId: String(user.id), name: user.name, username: user.login, avatarUrl: user.avatar_url }),
  refusals: { token: { token: 'invalid-grant' }, profile: { user: 'unauthorized' } },
  refresh: { rotates: true, refusal: 'invalid-grant' },
  quirks: {
    'takes a public email, with no claim that it is verified': async ({ stack, emulator }) => {
      emulator.user.email = 'user@example.test';
      const { browser } = await loginThrough(stack, 'gitee');
      const session = await sessionIn(stack, browser);
      expect(session.authenticated && session.user).toMatchObject({ email: 'user@example.test' });
      expect(session.authenticated && session.user.emailVerified).toBeUndefined();
    },
    'sends the client secret in the body only, the rest in the query': async ({ stack, emulator }) => {
      await loginThrough(stack, 'gitee');
      const token = emulator.requests.findLast((request) => request.path === GITEE_PATHS.token);
      expect(token?.body).toEqual({ client_secret: emulator.clientSecret });
      expect(Object.keys(token?.query ?? {})).toEqual(['grant_type', 'code', 'client_id', 'redirect_uri']);
    },
  },
});
