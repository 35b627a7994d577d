import { GITHUB_PATHS, startGitHubEmulator, type GitHubEmulator } from '../../../emulators/github.js';
import { entryAt, platformCase } from './platform-case.js';

export const githubCase = platformCase<GitHubEmulator>({
  id: 'github',
  name: 'GitHub',
  start: startGitHubEmulator,
  entries: (github) => [entryAt(github, 'github', GITHUB_PATHS)],
  user: ({ user }) => ({
    providerUserId: String(user.id),
    name: user.name ?? undefined,
    username: user.login,
    email: 'octocat@example.test',
    emailVerified: true,
    avatarUrl: user.avatar_url,
  }),
  refusals: { token: { token: 'bad_verification_code' }, profile: { user: 'bad-credentials' } },
});
