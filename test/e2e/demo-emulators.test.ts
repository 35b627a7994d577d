/**
 * `npm start -- --emulators` in Chromium (issue #17, section 5): the demo lists every emulated
 * platform, and a person signs in through each one's consent page, marked "emulator"; denying
 * and a failing token step come back as the demo's readable errors; WeChat's QR code works inside
 * the page, and with the "inside WeChat" switch the BFF starts the official account's login.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WECHAT_PATHS } from '../../emulators/wechat.js';
import type { Demo } from '../../demo/server.js';
import { CHROMIUM_SKIP_NOTICE, hasChromium, pagePerTest } from '../support/chromium.js';
import { startDemoInChromium, type DemoInChromium } from '../support/demo-in-chromium.js';

if (!hasChromium) console.warn(CHROMIUM_SKIP_NOTICE);

const SOON = { timeout: 15_000 };
/** The platforms the demo emulates, as its sign-in buttons name them. */
const EMULATED = ['WeChat', 'WeCom', 'QQ', 'Weibo', 'DingTalk', 'Feishu', 'Alipay', 'Gitee', 'Douyin', 'GitHub'];

describe.skipIf(!hasChromium)('the demo on emulated platforms (npm start -- --emulators)', () => {
  let stage: DemoInChromium | undefined;
  let demo: Demo;
  let origin: string;

  beforeAll(async () => {
    stage = await startDemoInChromium({ emulators: true });
    ({ demo, origin } = stage);
  });

  afterAll(() => stage?.close());
  const openPage = pagePerTest(() => stage!.browser);

  async function newPage(): Promise<Page> {
    const page = await openPage();
    await page.goto(origin);
    return page;
  }

  const emulatorOf = (name: string) => demo.emulated!.find((platform) => platform.name.startsWith(name))!;

  /** From the demo's button to the emulator's consent page, marked as an emulator's. */
  async function toConsentPage(page: Page, button: string, emulatorOrigin: string): Promise<void> {
    await page.getByRole('button', { name: `Sign in with ${button}` }).click(SOON);
    await page.waitForURL((url) => url.origin === emulatorOrigin, SOON);
    await expect.poll(() => page.getByRole('note').textContent(), SOON).toContain('emulator');
  }

  async function choose(page: Page, choice: string): Promise<void> {
    await page.getByRole('button', { name: choice, exact: true }).click();
    await page.waitForURL((url) => url.origin === origin, SOON);
  }

  const signedInThrough = (page: Page) => page.getByTestId('user-provider').textContent(SOON);

  it('lists every emulated platform, with its address, and a sign-in button for each', async () => {
    const page = await newPage();
    const panel = page.getByTestId('emulator-panel');
    await panel.waitFor({ state: 'visible', ...SOON });
    for (const name of EMULATED) {
      expect(await panel.textContent()).toContain(name);
      await page.getByRole('button', { name: `Sign in with ${name} (emulator)` }).waitFor({ state: 'visible', ...SOON });
    }
    expect(demo.emulated!.map(({ name }) => name.split(' ')[0])).toEqual(EMULATED);
  });

  it.each(EMULATED)('signs in through %s on its emulator', async (name) => {
    const page = await newPage();
    await toConsentPage(page, `${name} (emulator)`, emulatorOf(name).origin);
    await choose(page, 'Approve');
    expect(await signedInThrough(page)).toBe(`${name} (emulator)`);
  });

  it('a denial comes back as a declined sign-in, and a failing token step as an error, signed out both times', async () => {
    const page = await newPage();
    await toConsentPage(page, 'Gitee (emulator)', emulatorOf('Gitee').origin);
    await choose(page, 'Deny');
    await expect.poll(() => page.getByRole('alert').textContent(), SOON).toContain('You declined the sign-in at the provider.');
    await page.getByTestId('sign-in-card').waitFor({ state: 'visible', ...SOON });

    await toConsentPage(page, 'DingTalk (emulator)', emulatorOf('DingTalk').origin);
    await choose(page, 'Approve, then fail the token step (500)');
    await expect.poll(() => page.getByRole('alert').textContent(), SOON).toContain('The sign-in service is not responding right now.');
    await page.getByTestId('sign-in-card').waitFor({ state: 'visible', ...SOON });
  });

  it("signs in with WeChat's QR code inside the page", async () => {
    const page = await newPage();
    await page.getByText('Or scan the WeChat (emulator) QR code here').click();
    const frame = page.frameLocator('iframe[title="Sign in with WeChat (emulator): QR code"]');
    await expect.poll(() => frame.getByRole('note').textContent(), SOON).toContain('emulator');
    await frame.getByRole('button', { name: 'scan' }).click();
    await page.waitForURL((url) => url.origin === emulatorOf('WeChat').origin, SOON);
    await choose(page, 'Approve');
    expect(await signedInThrough(page)).toBe('WeChat (emulator)');
  });

  it("with the inside-WeChat switch on, WeChat's button starts the official account's login", async () => {
    const page = await newPage();
    await page.getByLabel(/inside WeChat's browser/).check();
    await toConsentPage(page, 'WeChat (emulator)', emulatorOf('WeChat').origin);
    expect(new URL(page.url()).pathname).toBe(WECHAT_PATHS.officialAccountAuthorization);
    await choose(page, 'Approve');
    expect(await signedInThrough(page)).toBe('WeChat official account (emulator)');
  });
});
