import type { Logger } from '../log.js';
import type { Provider } from '../providers/provider.js';
import type { Sessions } from '../session/sessions.js';
import type { SessionStore } from '../session/store.js';
import type { EmitEvent } from '../users/events.js';
import type { OnLogin } from '../users/login-hook.js';
import type { Transactions } from './transactions.js';

/** What the login and logout flows work with, built once by `createAuthBff`. */
export interface FlowContext {
  providers: ReadonlyMap<string, Provider>;
  baseUrl: URL;
  basePath: string;
  postLogoutRedirectUri: string;
  store: SessionStore;
  sessions: Sessions;
  transactions: Transactions;
  logger: Logger;
  /** The app's login hook, run within `httpTimeoutMs`. */
  onLogin: OnLogin | undefined;
  httpTimeoutMs: number;
  emit: EmitEvent;
}
