import { acmeCase } from './acme.js';
import { alipayCase } from './alipay.js';
import { appleCase } from './apple.js';
import { dingtalkCase } from './dingtalk.js';
import { discordCase } from './discord.js';
import { douyinCase } from './douyin.js';
import { facebookCase } from './facebook.js';
import { feishuCase, larkCase } from './feishu.js';
import { giteeCase } from './gitee.js';
import { githubCase } from './github.js';
import type { PlatformCase } from './platform-case.js';
import { qqCase } from './qq.js';
import { wechatCase } from './wechat.js';
import { wechatMpCase } from './wechat-mp.js';
import { wecomCase } from './wecom.js';
import { weiboCase } from './weibo.js';
import { xCase } from './x.js';

export type { AnyEmulator, PlatformCase } from './platform-case.js';

/** Every built-in platform the suite runs, one file each, and a platform of the test app's own. */
export const PLATFORM_CASES: PlatformCase[] = [
  githubCase,
  wechatCase,
  wechatMpCase,
  wecomCase,
  qqCase,
  weiboCase,
  giteeCase,
  douyinCase,
  dingtalkCase,
  feishuCase,
  larkCase,
  alipayCase,
  discordCase,
  facebookCase,
  xCase,
  appleCase,
  acmeCase,
];
