import type { AuthLabels } from '../labels.js';

/** The platforms' own Chinese names for the display names the BFF gives by default; any other name is shown as it is. */
const NAMES: Record<string, string> = {
  WeChat: '微信',
  WeCom: '企业微信',
  Weibo: '微博',
  DingTalk: '钉钉',
  Feishu: '飞书',
  Alipay: '支付宝',
  Douyin: '抖音',
};

/** Simplified Chinese: `<LoginButton provider="wechat" labels={zhCN} />` reads "使用微信登录". */
export const zhCN: AuthLabels = {
  loginButton: (name, link) => (link ? `关联${NAMES[name] ?? name}` : name ? `使用${NAMES[name] ?? name}登录` : '登录'),
};

export default zhCN;
