export { createAuthBff, type AuthBff } from './create-auth-bff.js';
export { resolveConfig, type AuthBffConfig, type ProviderConfig } from './config/resolve.js';
export { loadConfigFile } from './config/config-file.js';
export { AuthBffError, ConfigError } from './errors.js';
export { consoleLogger, silentLogger, type Logger } from './log.js';
export type { SessionData, SessionRecord, SessionStore, StoreLock, UserSession } from './session/store.js';
export type { SessionDataPatch, SessionSummary, UserSessions } from './session/sessions.js';
export type { AuthEvent, OnEvent } from './users/events.js';
export type { LoginAttempt, LoginDecision, OnLogin } from './users/login-hook.js';
export { MemorySessionStore, type MemoryStoreOptions } from './session/memory-store.js';
export { RedisSessionStore, type RedisStoreOptions } from './session/redis-store.js';
export type { RedisConnection } from './session/redis-connection.js';
export type { RequestAuth } from './routes/request-auth.js';
export { sessionResponse, type SessionBodyParts } from './routes/session-response.js';
export type { ApiProxyOptions } from './config/api-proxy-schema.js';
export { definePlatform } from './providers/engine/define-platform.js';
export type {
  AuthorizationContext,
  CallSpec,
  CodeContext,
  EndpointKey,
  Params,
  PlatformConfig,
  PlatformEntry,
  PlatformRequest,
  PlatformSpec,
  ProfileTools,
  TokenContext,
  UserPaths,
} from './providers/engine/platform-spec.js';
export type { AnswerFormat, RefusalRule } from './providers/engine/answers.js';
export { authorizationParams, bearer, ERROR_MEMBER, refreshCall, TOKEN_PROBE, tokenCall } from './providers/engine/rfc6749.js';
export type { EntryProblem, Registration, TokenProbe } from './providers/registration.js';
export { clientSecret as clientSecretField } from './providers/config-fields.js';
export type { CallbackParameters, ProviderType, TokenSet } from './providers/provider.js';
export type { PlatformGuide } from './providers/platform-guide.js';
