import { alipayCase } from './alipay.js';
import { dingtalkCase } from './dingtalk.js';
import { feishuCase, larkCase } from './feishu.js';
import { githubCase } from './github.js';
import type { PlatformCase } from './platform-case.js';
import { wechatCase } from './wechat.js';

export type { AnyEmulator, PlatformCase } from './platform-case.js';

/** Every built-in platform the suite runs, one file each. */
export const PLATFORM_CASES: PlatformCase[] = [githubCase, wechatCase, dingtalkCase, feishuCase, larkCase, alipayCase];
