export { createAuthBff, type AuthBff } from './create-auth-bff.js';
export { resolveConfig, loadConfigFile, type AuthBffConfig, type ProviderConfig } from './config/resolve.js';
export { AuthBffError, ConfigError } from './errors.js';
export { consoleLogger, silentLogger, type Logger } from './log.js';
export type { SessionRecord, SessionStore } from './session/store.js';
export { MemorySessionStore, type MemoryStoreOptions } from './session/memory-store.js';
export { RedisSessionStore, type RedisStoreOptions } from './session/redis-store.js';
export type { RequestAuth } from './routes/request-auth.js';
export type { ApiProxyOptions } from './config/api-proxy-schema.js';
