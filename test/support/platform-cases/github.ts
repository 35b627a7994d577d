import { GITHUB_PATHS, startGitHubEmulator, type GitHubEmulator } from '../emulators/github.js';
import { platformCase } from './platform-case.js';

export const githubCase = platformCase<GitHubEmulator>({
  id: 'github',
  name: 'GitHub',
  start: startGitHubEmulator,
  entries: (github) => [
    {
      id: 'github',
      type: 'github',
      clientId: github.clientId,
      clientSecret: github.clientSecret,
      endpoints: { authorization: github.origin + GITHUB_PATHS.authorization, token: github.origin + GITHUB_PATHS.token, userinfo: github.origin + GITHUB_PATHS.userinfo },
    },
  ],
  user: ({ user }) => ({
    providerUserId: String(user.id),
    name: user.name ?? undefined,
    username: user.login,
    email: 'octocat@example.test',
    emailVerified: true,
    avatarUrl: user.avatar_url,
  }),
  refusals: { token: { token: 'bad_verification_code' }, profile: { user: 'bad-credentials' }, profileKey: 'user' },
});
