import type { BffOptions } from './bff.js';
import type { ExpressSessionOptions } from './express-session.js';
import type { HpmOptions } from './hpm.js';
import type { BareAnswerOptions, BarePipeOptions } from './limit.js';
import type { MemoryFillOptions } from './memory-fill.js';
import type { PlainExpressOptions } from './plain-express.js';

/** What a role started in its child process: where it listens, and commands the parent may call over IPC. */
export interface Served {
  url: string;
  commands?: Record<string, (argument: never) => unknown>;
  close?: () => Promise<void>;
}

export interface RoleOptionsMap {
  bff: BffOptions;
  'plain-express': PlainExpressOptions;
  'express-session': ExpressSessionOptions;
  hpm: HpmOptions;
  'bare-answer': BareAnswerOptions;
  'bare-pipe': BarePipeOptions;
  upstream: Record<string, never>;
  'memory-fill': MemoryFillOptions;
}

export type RoleName = keyof RoleOptionsMap;
export type RoleOptions<R extends RoleName> = RoleOptionsMap[R];

/** Loaded lazily, so each child holds only its own role's modules. */
export const ROLE_LOADERS: { [R in RoleName]: () => Promise<(options: RoleOptionsMap[R]) => Promise<Served>> } = {
  bff: async () => (await import('./bff.js')).startBff,
  'plain-express': async () => (await import('./plain-express.js')).startPlainExpress,
  'express-session': async () => (await import('./express-session.js')).startExpressSession,
  hpm: async () => (await import('./hpm.js')).startHpm,
  'bare-answer': async () => (await import('./limit.js')).startBareAnswer,
  'bare-pipe': async () => (await import('./limit.js')).startBarePipe,
  upstream: async () => (await import('./upstream.js')).startUpstream,
  'memory-fill': async () => (await import('./memory-fill.js')).startMemoryFill,
};
