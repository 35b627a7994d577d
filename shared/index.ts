export * from './errors.js';
export * from './routes.js';
export type * from './types.js';
