/**
 * `npm start -- --emulators`: the platform emulators (emulators/) standing in for every built-in
 * Chinese platform and GitHub, so that a newcomer sees each one's flow without credentials. Each
 * asks on a consent page labelled "emulator" (approve, deny, or approve and then fail the token
 * step); WeChat comes as website login (redirect, and the QR code in the page) and as the official
 * account's login the BFF switches to inside WeChat's browser.
 */
import type { ProviderConfig } from '../bff/index.js';
import { startAlipayEmulator } from '../emulators/alipay.js';
import { alipayEntry, entryAt } from '../emulators/config-entry.js';
import { DINGTALK_PATHS, startDingTalkEmulator } from '../emulators/dingtalk.js';
import { DOUYIN_PATHS, startDouyinEmulator } from '../emulators/douyin.js';
import { FEISHU_PATHS, startFeishuEmulator } from '../emulators/feishu.js';
import { GITEE_PATHS, startGiteeEmulator } from '../emulators/gitee.js';
import { GITHUB_PATHS, startGitHubEmulator } from '../emulators/github.js';
import type { Authorize } from '../emulators/platform-emulator.js';
import { QQ_PATHS, startQqEmulator } from '../emulators/qq.js';
import { startWeChatEmulator, WECHAT_PATHS } from '../emulators/wechat.js';
import { startWeComEmulator, WECOM_PATHS } from '../emulators/wecom.js';
import { startWeiboEmulator, WEIBO_PATHS } from '../emulators/weibo.js';

/** One emulated platform as the demo's page lists it. */
export interface EmulatedPlatform {
  /** The provider id of its (first) config entry. */
  id: string;
  name: string;
  origin: string;
}

export interface EmulatedPlatforms {
  platforms: EmulatedPlatform[];
  providers: ProviderConfig[];
  close: () => Promise<void>;
}

interface Emulator {
  name: string;
  origin: string;
  behave: (behavior: { authorize: Authorize }) => void;
  close: () => Promise<void>;
}

const named = <Entry extends { id: string }>(entry: Entry, name: string) => ({ ...entry, name: `${name} (emulator)` });

export async function startEmulatedPlatforms(): Promise<EmulatedPlatforms> {
  const [wechat, wecom, qq, weibo, dingtalk, feishu, alipay, gitee, douyin, github] = await Promise.all([
    startWeChatEmulator(),
    startWeComEmulator(),
    startQqEmulator(),
    startWeiboEmulator(),
    startDingTalkEmulator(),
    startFeishuEmulator(),
    startAlipayEmulator(),
    startGiteeEmulator(),
    startDouyinEmulator(),
    startGitHubEmulator(),
  ]);
  const { officialAccountAuthorization, authorization: websiteAuthorization, ...wechatPaths } = WECHAT_PATHS;
  const emulated: Array<{ emulator: Emulator; entries: ProviderConfig[] }> = [
    {
      emulator: wechat,
      entries: [
        // Opened in WeChat's browser (its user agent says MicroMessenger), the BFF starts wechat-mp's login instead.
        { ...named(entryAt(wechat, 'wechat', { authorization: websiteAuthorization, ...wechatPaths }), 'WeChat'), inWeChat: 'wechat-mp' },
        named(entryAt(wechat, 'wechat-mp', { authorization: officialAccountAuthorization, ...wechatPaths }), 'WeChat official account'),
      ],
    },
    { emulator: wecom, entries: [{ ...named(entryAt(wecom, 'wecom', WECOM_PATHS), 'WeCom'), agentId: wecom.agentId }] },
    { emulator: qq, entries: [{ ...named(entryAt(qq, 'qq', QQ_PATHS), 'QQ'), unionId: true }] },
    { emulator: weibo, entries: [named(entryAt(weibo, 'weibo', WEIBO_PATHS), 'Weibo')] },
    { emulator: dingtalk, entries: [named(entryAt(dingtalk, 'dingtalk', DINGTALK_PATHS), 'DingTalk')] },
    { emulator: feishu, entries: [named(entryAt(feishu, 'feishu', FEISHU_PATHS), 'Feishu')] },
    { emulator: alipay, entries: [named(alipayEntry(alipay), 'Alipay')] },
    { emulator: gitee, entries: [named(entryAt(gitee, 'gitee', GITEE_PATHS), 'Gitee')] },
    { emulator: douyin, entries: [named(entryAt(douyin, 'douyin', DOUYIN_PATHS), 'Douyin')] },
    { emulator: github, entries: [named(entryAt(github, 'github', GITHUB_PATHS), 'GitHub')] },
  ];
  for (const { emulator } of emulated) emulator.behave({ authorize: 'ask' });
  return {
    platforms: emulated.map(({ emulator, entries }) => ({ id: entries[0]!.id, name: emulator.name, origin: emulator.origin })),
    providers: emulated.flatMap(({ entries }) => entries),
    close: async () => {
      await Promise.all(emulated.map(({ emulator }) => emulator.close()));
    },
  };
}
