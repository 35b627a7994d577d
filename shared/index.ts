export * from './errors.js';
export * from './routes.js';
export * from './embed.js';
export type * from './types.js';
