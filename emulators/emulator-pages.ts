/**
 * The pages a person sees at an emulator (`npm start -- --emulators`, the end-to-end tests): each
 * carries a banner saying it is an emulator, so nobody takes it for the real platform. With the
 * switch `authorize: 'ask'`, the authorization step shows a consent page whose buttons choose
 * what the platform does: approve, deny, or approve and then fail the token step.
 */
import { escapeHtml } from './emulator-server.js';
import type { Answer } from './platform-emulator.js';

/** The consent page's choice, sent as the last parameter of the link so that the platform's own keep their order. */
export const CHOICE_PARAM = 'emulator_choice';
export const CHOICES = { approve: 'Approve', deny: 'Deny', 'fail-token': 'Approve, then fail the token step (500)' } as const;
export type Choice = keyof typeof CHOICES;

const HTML = 'text/html; charset=utf-8';
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}' +
  '.emulator-banner{background:#fef3c7;border:1px solid #d97706;border-radius:.5rem;padding:.5rem .75rem}' +
  'button{font:inherit;margin:.25rem .5rem .25rem 0;padding:.4rem .9rem}';

export function emulatorBanner(name: string): string {
  return `<p class="emulator-banner" role="note">${escapeHtml(name)} emulator: a stand-in for trying bff-auth without credentials, not the real ${escapeHtml(name)}.</p>`;
}

/** `answer` with the banner at the top of its body when it is a page (HTML); any other answer as it is. */
export function labelled(name: string, answer: Answer): Answer {
  if (!answer.type?.startsWith('text/html') || typeof answer.body !== 'string') return answer;
  return { ...answer, body: answer.body.replace(/<body([^>]*)>/, (tag) => `${tag}${emulatorBanner(name)}`) };
}

/** The consent page: a form back to the same address with the link's parameters in their order, one button per choice. */
export function consentPage(name: string, path: string, query: Record<string, string>): Answer {
  const fields = Object.entries(query).map(([field, value]) => `<input type="hidden" name="${escapeHtml(field)}" value="${escapeHtml(value)}">`);
  const buttons = Object.entries(CHOICES).map(([choice, label]) => `<button name="${CHOICE_PARAM}" value="${choice}">${escapeHtml(label)}</button>`);
  return {
    type: HTML,
    body:
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(name)} (emulator)</title><style>${STYLE}</style></head><body>` +
      `${emulatorBanner(name)}<h1>Sign in with ${escapeHtml(name)}</h1><p>An app asks for your ${escapeHtml(name)} profile.</p>` +
      `<form method="get" action="${escapeHtml(path)}">${fields.join('')}${buttons.join('')}</form></body></html>`,
  };
}
