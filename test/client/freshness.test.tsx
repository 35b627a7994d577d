import { focusManager, notifyManager } from '@tanstack/react-query';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BROADCAST_READ_INTERVAL_MS } from '../../client/session.js';
import { SIGNED_OUT, heldReply, json, nowSeconds, renderWithAuth, signedIn, stubBff } from './harness.js';

const POLL = '/auth/session?slide=false';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the expiry timer', () => {
  it('re-reads the session when expiresAt passes, without sliding it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const bff = stubBff({ '/auth/session': json(signedIn('Ada', 'github:1', nowSeconds() + 3600)), [POLL]: json(SIGNED_OUT) });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    await vi.advanceTimersByTimeAsync(3_590_000);
    expect(bff.requests(POLL)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(15_000);
    await screen.findByText('unauthenticated');
    expect(bff.requests(POLL)).toHaveLength(1);
    expect(bff.requests('/auth/session')).toHaveLength(1);
  });

  it('does not fire at once for an expiry beyond what setTimeout can hold', async () => {
    const bff = stubBff({ '/auth/session': json(signedIn('Ada', 'github:1', nowSeconds() + 60 * 86_400)), [POLL]: json(SIGNED_OUT) });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    await wait(50);
    expect(bff.requests(POLL)).toHaveLength(0);
    expect(screen.getByRole('status').textContent).toBe('authenticated: Ada');
  });
});

describe('window focus', () => {
  afterEach(() => focusManager.setFocused(undefined));

  it('re-reads the session the ordinary way, which keeps an active user signed in', async () => {
    const bff = stubBff({ '/auth/session': json(signedIn('Ada')) });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    bff.routes['/auth/session'] = json(signedIn('Ada Byron'));
    focusManager.setFocused(false);
    focusManager.setFocused(true);
    await screen.findByText('authenticated: Ada Byron');
    expect(bff.requests('/auth/session')).toHaveLength(2);
    expect(bff.requests(POLL)).toHaveLength(0);
  });
});

describe('other tabs', () => {
  let otherTab: BroadcastChannel;
  const messagesFromThisTab: unknown[] = [];
  beforeEach(() => {
    messagesFromThisTab.length = 0;
    otherTab = new BroadcastChannel('bff-auth');
    otherTab.onmessage = (event) => messagesFromThisTab.push(event.data);
  });
  afterEach(() => otherTab.close());

  it('a message from another tab makes this one re-read the session at once, without sliding it', async () => {
    const bff = stubBff({ '/auth/session': json(signedIn('Ada')), [POLL]: json(SIGNED_OUT) });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    otherTab.postMessage(0);
    await screen.findByText('unauthenticated');
    expect(bff.requests(POLL)).toHaveLength(1);
    expect(bff.requests('/auth/session')).toHaveLength(1);
  });

  it('logging out tells the other tabs', async () => {
    stubBff({ '/auth/session': json(SIGNED_OUT), [POLL]: json(signedIn('Ada')), '/auth/logout': json({ redirectTo: null }) });
    renderWithAuth();
    await screen.findByText('unauthenticated');
    expect(messagesFromThisTab).toHaveLength(0);
    otherTab.postMessage(0); // the other tab logged in: this one catches up...
    await screen.findByText('authenticated: Ada');
    await waitFor(() => expect(messagesFromThisTab).toHaveLength(1)); // ...and says its user changed
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    await screen.findByText('unauthenticated');
    await waitFor(() => expect(messagesFromThisTab).toHaveLength(2));
  });

  it('a login landing in this tab tells the other tabs', async () => {
    stubBff({ '/auth/session': json(signedIn('Ada')) });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    await waitFor(() => expect(messagesFromThisTab).toHaveLength(1));
  });

  it('a read that changes nothing tells nobody, so tabs do not ping-pong', async () => {
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT), [POLL]: json(SIGNED_OUT) });
    renderWithAuth();
    await screen.findByText('unauthenticated');
    otherTab.postMessage(0);
    await waitFor(() => expect(bff.requests(POLL)).toHaveLength(1));
    await wait(50);
    expect(messagesFromThisTab).toHaveLength(0);
  });

  it('a background read still in flight when the user logs out does not bring the session back', async () => {
    const { reply: heldPoll, answer: answerPoll } = heldReply();
    const bff = stubBff({
      '/auth/session': json(signedIn('Ada')),
      [POLL]: heldPoll,
      '/auth/logout': json({ redirectTo: null }),
    });
    renderWithAuth();
    await screen.findByText('authenticated: Ada');
    otherTab.postMessage(0);
    await waitFor(() => expect(bff.requests(POLL)).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    await screen.findByText('unauthenticated');
    answerPoll(Response.json(signedIn('Ada')));
    await wait(50);
    expect(screen.getByRole('status').textContent).toBe('unauthenticated');
  });

  // #8: another tab (or a script in one) posting in a loop must not turn into a request loop.
  describe('a flood of messages', () => {
    const realSetTimeout = globalThis.setTimeout;
    /** Lets fetch stubs, promise chains and message delivery run; never advances the faked clock. */
    const settle = async () => {
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    /** Signed in as Ada; then a controlled clock for the throttle only. */
    async function signedInWithAClock() {
        const bff = stubBff({ '/auth/session': json(signedIn('Ada')), [POLL]: json(signedIn('Ada')) });
      renderWithAuth();
      await screen.findByText('authenticated: Ada');
      // react-query's notifications go through microtasks meanwhile.
      notifyManager.setScheduler(queueMicrotask);
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      return bff;
    }
    afterEach(() => {
      vi.useRealTimers();
      notifyManager.setScheduler((callback) => realSetTimeout(callback, 0));
    });

    it('makes one read at once and one trailing read per interval, not one per message', async () => {
      const bff = await signedInWithAClock();

      // A third tab hears the same posts: once it has all of them, so has this one.
      const witness = new BroadcastChannel('bff-auth');
      let witnessed = 0;
      witness.onmessage = () => witnessed++;
      for (let i = 0; i < 50; i++) otherTab.postMessage(0);
      while (witnessed < 50) await settle();
      await settle();
      witness.close();
      expect(bff.requests(POLL)).toHaveLength(1);

      await vi.advanceTimersByTimeAsync(BROADCAST_READ_INTERVAL_MS);
      await settle();
      expect(bff.requests(POLL)).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(10 * BROADCAST_READ_INTERVAL_MS);
      await settle();
      expect(bff.requests(POLL)).toHaveLength(2);

      // Quiet again: the next message is read at once.
      otherTab.postMessage(0);
      while (bff.requests(POLL).length < 3) await settle();
      expect(screen.getByRole('status').textContent).toBe('authenticated: Ada');
    });

    it("still shows the other tab's latest word: a logout arriving mid-flood", async () => {
      const bff = await signedInWithAClock();

      otherTab.postMessage(0);
      while (bff.requests(POLL).length < 1) await settle();
      bff.routes[POLL] = json(SIGNED_OUT); // the other tab signs out while this one is throttled
      otherTab.postMessage(0);
      await settle();
      expect(screen.getByRole('status').textContent).toBe('authenticated: Ada');
      await vi.advanceTimersByTimeAsync(BROADCAST_READ_INTERVAL_MS);
      while (bff.requests(POLL).length < 2) await settle();
      await settle();
      expect(screen.getByRole('status').textContent).toBe('unauthenticated');
    });
  });

  it('an unmounted provider no longer listens', async () => {
    const bff = stubBff({ '/auth/session': json(SIGNED_OUT), [POLL]: json(SIGNED_OUT) });
    const view = renderWithAuth();
    await screen.findByText('unauthenticated');
    view.unmount();
    otherTab.postMessage(0);
    await wait(50);
    expect(bff.requests(POLL)).toHaveLength(0);
  });
});
