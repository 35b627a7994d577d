import type { PageMessages } from './messages.js';

export const zhCN: PageMessages = {
  lang: 'zh-CN',
  sentence: '{message}（错误码：{code}）。',
  backToApp: '返回应用',
  pages: {
    unknown_provider: { title: '找不到这个登录方式', message: '这里没有名为“{provider}”的登录方式' },
    rate_limited: { title: '登录尝试过于频繁', message: '你所在的网络登录尝试次数过多，请在 {seconds} 秒后重试' },
  },
};
