import type { PageMessages } from './messages.js';

export const en: PageMessages = {
  lang: 'en',
  sentence: '{message} (error {code}).',
  backToApp: 'Back to the app',
  pages: {
    unknown_provider: { title: 'Unknown sign-in provider', message: 'There is no sign-in provider called "{provider}" here' },
    rate_limited: {
      title: 'Too many sign-in attempts',
      message: 'Too many sign-in attempts came from your network; please try again in {seconds} seconds',
    },
  },
};
