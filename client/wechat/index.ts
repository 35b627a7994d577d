'use client';
export { WeChatQrLogin } from './WeChatQrLogin.js';
export type { WeChatQrLoginProps } from './WeChatQrLogin.js';
export type { EmbedLang, EmbedStyle } from '../../shared/index.js';
