import type { AuthBffConfig } from '../config/resolve.js';
import type { ProviderType } from '../providers/provider.js';
import { createServerApp, type ServerAppOptions } from './app.js';
import { listen, type RunningServer } from './listen.js';

export type { RunningServer } from './listen.js';

/** The standalone server: the BFF routes and the SPA, listening until `close()`. */
export async function startServer(
  config: AuthBffConfig<readonly ProviderType[]>,
  options: ServerAppOptions & { port?: number; host?: string } = {},
): Promise<RunningServer> {
  const { listener, auth } = await createServerApp(config, options);
  return listen(listener, options, () => auth.close());
}
