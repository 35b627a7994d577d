import type { z } from 'zod';
import { oidcProviderType } from './oidc.js';
import { alipay } from './platforms/alipay.js';
import { apple } from './platforms/apple.js';
import { dingtalk } from './platforms/dingtalk.js';
import { discord } from './platforms/discord.js';
import { douyin } from './platforms/douyin.js';
import { facebook } from './platforms/facebook.js';
import { feishu, lark } from './platforms/feishu.js';
import { gitee } from './platforms/gitee.js';
import { github } from './platforms/github.js';
import { gitlab } from './platforms/gitlab.js';
import { google } from './platforms/google.js';
import { linkedin } from './platforms/linkedin.js';
import { microsoft } from './platforms/microsoft.js';
import { oauth2 } from './platforms/oauth2.js';
import { qq } from './platforms/qq.js';
import { slack } from './platforms/slack.js';
import { wechat } from './platforms/wechat.js';
import { wecom } from './platforms/wecom.js';
import { weibo } from './platforms/weibo.js';
import { wechatMp } from './platforms/wechat-mp.js';
import { x } from './platforms/x.js';
import type { ProviderType } from './provider.js';

/** Every built-in provider type. A new platform is its file in platforms/ and one line here. */
const BUILT_IN = [
  oidcProviderType,
  oauth2,
  github,
  wechat,
  wechatMp,
  wecom,
  qq,
  weibo,
  gitee,
  douyin,
  dingtalk,
  feishu,
  lark,
  alipay,
  google,
  microsoft,
  apple,
  gitlab,
  slack,
  linkedin,
  discord,
  facebook,
  x,
] as const;

/** A provider entry of the config, of any built-in type. */
export type ProviderConfig = z.input<(typeof BUILT_IN)[number]['configSchema']>;

/** Every built-in provider type, by its `type` in the config. */
export const PROVIDER_TYPES: ReadonlyMap<string, ProviderType> = new Map(
  BUILT_IN.map((providerType) => [providerType.type, providerType as ProviderType]),
);

/**
 * The provider types a config may name: the built-in ones and the app's own
 * (`platforms`), with an issue for each of the app's that takes a type already named.
 */
export function providerTypesWith(platforms: readonly ProviderType[]): { types: ReadonlyMap<string, ProviderType>; issues: string[] } {
  const types = new Map(PROVIDER_TYPES);
  const issues: string[] = [];
  platforms.forEach(({ type }, index) => {
    if (types.has(type)) issues.push(`platforms.${index}.type: "${type}" is ${PROVIDER_TYPES.has(type) ? 'a built-in provider type' : 'the type of another platform'}`);
    else types.set(type, platforms[index]!);
  });
  return { types, issues };
}
