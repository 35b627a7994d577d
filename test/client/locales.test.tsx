/**
 * LoginButton's built-in label in both languages: English by default, Simplified Chinese with
 * the labels of `bff-auth/client/locales/zh-CN` (the file behind that export).
 */
import { QueryClient } from '@tanstack/react-query';
import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LoginButton } from '../../client/index.js';
import zhCNDefault, { zhCN } from '../../client/locales/zh-CN.js';
import packageJson from '../../package.json' with { type: 'json' };
import { SIGNED_OUT, heldReply, json, renderWithAuth, stubBff, stubNavigation } from './harness.js';

/** Display names as the BFF gives them by default (each platform's `name`), and one an app chose. */
const PROVIDERS = [
  { id: 'wechat', name: 'WeChat', type: 'wechat' },
  { id: 'wecom', name: 'WeCom', type: 'wecom' },
  { id: 'weibo', name: 'Weibo', type: 'weibo' },
  { id: 'dingtalk', name: 'DingTalk', type: 'dingtalk' },
  { id: 'feishu', name: 'Feishu', type: 'feishu' },
  { id: 'alipay', name: 'Alipay', type: 'alipay' },
  { id: 'douyin', name: 'Douyin', type: 'douyin' },
  { id: 'qq', name: 'QQ', type: 'qq' },
  { id: 'gitee', name: 'Gitee', type: 'gitee' },
  { id: 'corp', name: '公司统一登录', type: 'oidc' },
];

const CHINESE: Array<[string, string]> = [
  ['wechat', '使用微信登录'],
  ['wecom', '使用企业微信登录'],
  ['weibo', '使用微博登录'],
  ['dingtalk', '使用钉钉登录'],
  ['feishu', '使用飞书登录'],
  ['alipay', '使用支付宝登录'],
  ['douyin', '使用抖音登录'],
  ['qq', '使用QQ登录'],
  ['gitee', '使用Gitee登录'],
  ['corp', '使用公司统一登录登录'],
];

describe('LoginButton in Simplified Chinese (labels={zhCN})', () => {
  it.each(CHINESE)('%s reads %s', async (provider, label) => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    renderWithAuth(<LoginButton provider={provider} labels={zhCN} />);
    await screen.findByRole('button', { name: label }, { timeout: 5000 });
  });

  it('reads 登录 until the provider list answers, then names the platform, never the English name', async () => {
    const { reply, answer } = heldReply();
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': reply });
    const seen = new Set<string>();
    const observer = new MutationObserver(() => document.querySelectorAll('button').forEach((b) => seen.add(b.textContent ?? '')));
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    renderWithAuth(<LoginButton provider="wechat" labels={zhCN} />);
    expect(screen.getByRole('button', { name: '登录' })).toBeTruthy();
    answer(Response.json(PROVIDERS));
    await screen.findByRole('button', { name: '使用微信登录' });
    observer.disconnect();
    expect([...seen].filter((text) => /Sign in|WeChat/.test(text))).toEqual([]);
  });

  it('reads 关联微信 on a button that connects WeChat to the session open (link)', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    renderWithAuth(<LoginButton provider="wechat" link labels={zhCN} />);
    await screen.findByRole('button', { name: '关联微信' }, { timeout: 5000 });
  });

  it('names the provider by its id when the list cannot be read', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json({ error: 'rate_limited', message: 'slow down' }, 429) });
    renderWithAuth(<LoginButton provider="wechat" labels={zhCN} />, { queryClient: new QueryClient({ defaultOptions: { queries: { retry: false } } }) });
    await screen.findByRole('button', { name: '使用wechat登录' });
  });

  it('still starts the login, and children still win over the built-in label', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    const assign = stubNavigation();
    renderWithAuth(
      <>
        <LoginButton provider="wechat" labels={zhCN} returnTo="/订单" />
        <LoginButton provider="weibo" labels={zhCN}>
          微博账号登录
        </LoginButton>
      </>,
    );
    fireEvent.click(await screen.findByRole('button', { name: '使用微信登录' }));
    expect(assign).toHaveBeenCalledExactlyOnceWith(`/auth/login/wechat?returnTo=${encodeURIComponent('/订单')}`);
    expect(screen.getByRole('button', { name: '微博账号登录' })).toBeTruthy();
  });

  it('is the default export too', () => {
    expect(zhCNDefault).toBe(zhCN);
  });
});

describe('LoginButton in English (no labels)', () => {
  it.each([
    ['wechat', 'Sign in with WeChat'],
    ['weibo', 'Sign in with Weibo'],
    ['corp', 'Sign in with 公司统一登录'],
  ])('%s reads %s', async (provider, label) => {
    stubBff({ '/auth/session': json(SIGNED_OUT), '/auth/providers': json(PROVIDERS) });
    renderWithAuth(<LoginButton provider={provider} />);
    await screen.findByRole('button', { name: label }, { timeout: 5000 });
  });
});

describe('the zh-CN subpath export', () => {
  it('points at the built locale file, so `bff-auth/client/locales/zh-CN` resolves in the package', () => {
    expect(packageJson.exports['./client/locales/zh-CN']).toEqual({
      types: './dist/client/locales/zh-CN.d.ts',
      default: './dist/client/locales/zh-CN.js',
    });
  });
});
