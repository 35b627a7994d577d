import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { WeChatQrLogin } from '../../client/wechat/index.js';
import { SIGNED_OUT, heldReply, json, renderWithAuth, stubBff } from './harness.js';

const QR_URL = 'https://open.weixin.qq.com/connect/qrconnect?appid=wx1&scope=snsapi_login&state=A&login_type=jssdk&self_redirect=false';
const EMBED = '/auth/login/wechat/embed';
const NAME = 'Sign in with WeChat: QR code';
const LIFETIME_MS = 60_000;

describe('WeChatQrLogin', () => {
  it('shows a loading state, then the QR page the BFF names in a frame with an accessible name; asks with x-csrf', async () => {
    const { reply, answer } = heldReply();
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT), [EMBED]: reply });
    renderWithAuth(<WeChatQrLogin />);
    expect(screen.getByRole('status').textContent).toBe('Loading the QR code…');
    expect(screen.getByRole('group', { name: NAME })).toBeTruthy();
    await waitFor(() => expect(bff.requests(EMBED)).toHaveLength(1));
    expect(new Headers(bff.requests(EMBED)[0]?.headers).get('x-csrf')).toBe('1');
    answer(Response.json({ url: QR_URL }));
    const frame = await screen.findByTitle(NAME);
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('src')).toBe(QR_URL);
    // Still loading until the QR page has loaded in the frame.
    expect(screen.getByRole('status').textContent).toBe('Loading the QR code…');
    fireEvent.load(frame);
    expect(screen.queryByRole('status')).toBeNull();
    expect(frame.style.display).toBe('block');
  });

  it('passes returnTo, style, href and lang on to the BFF, under its basePath and for the named entry', async () => {
    const css = 'data:text/css;base64,LmltcG93ZXJCb3gge30=';
    const url = `/bff/login/wechat-cn/embed?returnTo=%2Forders&style=white&href=${encodeURIComponent(css)}&lang=en`;
    stubBff({ '/bff/session': json(SIGNED_OUT), [url]: json({ url: QR_URL }) });
    renderWithAuth(<WeChatQrLogin provider="wechat-cn" returnTo="/orders" style="white" href={css} lang="en" title="微信扫码登录" />, { basePath: '/bff' });
    expect((await screen.findByTitle('微信扫码登录')).getAttribute('src')).toBe(QR_URL);
  });

  it.each([['http://cdn.example.com/qr.css'], ['javascript:alert(1)'], ['data:text/html,<b>x</b>']])('refuses the stylesheet %s: asks nothing, says why', async (href) => {
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT) });
    renderWithAuth(<WeChatQrLogin href={href} />);
    expect((await screen.findByRole('alert')).textContent).toContain('not https or data:text/css');
    expect(screen.queryByRole('button')).toBeNull();
    expect(bff.requests(EMBED)).toHaveLength(0);
  });

  /**
   * The QR code shown, its expiry in the test's hands rather than on a real clock (on which a
   * loaded machine decides what the test sees): `expire` runs the timer the component armed.
   */
  async function shownWithItsExpiry() {
    const expiries: Array<() => void> = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number, ...args: unknown[]) =>
      ms === LIFETIME_MS ? expiries.push(callback) : realSetTimeout(callback, ms, ...args)) as typeof setTimeout);
    onTestFinished(() => spy.mockRestore());
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT), [EMBED]: json({ url: QR_URL }) });
    renderWithAuth(<WeChatQrLogin lifetimeMs={LIFETIME_MS} />);
    const frame = await screen.findByTitle(NAME);
    expect(expiries).toHaveLength(1);
    return { bff, frame, expire: expiries[0]! };
  }

  it('after its lifetime the code is gone: "expired", and a button that fetches a fresh one', async () => {
    const { bff, frame, expire } = await shownWithItsExpiry();
    fireEvent.load(frame);
    expect(screen.getByTitle(NAME)).toBeTruthy();
    act(expire);
    const button = screen.getByRole('button', { name: 'Get a new code' });
    expect(screen.getByRole('status').textContent).toContain('The QR code has expired.');
    expect(screen.queryByTitle(NAME)).toBeNull();

    const fresh = `${QR_URL.replace('state=A', 'state=B')}`;
    bff.routes[EMBED] = json({ url: fresh });
    fireEvent.click(button);
    expect((await screen.findByTitle(NAME)).getAttribute('src')).toBe(fresh);
    expect(bff.requests(EMBED)).toHaveLength(2);
  });

  it('a page that finishes loading as the code expires does not bring the expired code back', async () => {
    const { frame, expire } = await shownWithItsExpiry();
    // The expiry fires, and the frame's load event comes in before React has rendered what it set.
    expire();
    fireEvent.load(frame);
    expect(screen.getByRole('button', { name: 'Get a new code' })).toBeTruthy();
    expect(screen.queryByTitle(NAME)).toBeNull();
  });

  it('a BFF that refuses says so, and "Try again" asks again', async () => {
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT), [EMBED]: json({ error: 'rate_limited', message: 'later' }, 429) });
    renderWithAuth(<WeChatQrLogin />);
    expect((await screen.findByRole('alert')).textContent).toContain('The QR code could not be loaded.');
    bff.routes[EMBED] = json({ url: QR_URL });
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByTitle(NAME);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
