import { useQuery } from './react.js';
import type { UseQueryResult } from './react.js';
import { PROVIDERS_ROUTE } from '../shared/index.js';
import type { ProviderInfo } from '../shared/index.js';
import { useAuthContext } from './context.js';
import type { AuthClientError } from './errors.js';
import { requestJson } from './request.js';

/** The providers the BFF offers; they change only when it is reconfigured, so they are read once. */
export function useProviders(): UseQueryResult<ProviderInfo[], AuthClientError> {
  const { client, basePath } = useAuthContext();
  return useQuery(
    {
      queryKey: ['bff-auth', basePath, 'providers'],
      queryFn: () => requestJson<ProviderInfo[]>(basePath + PROVIDERS_ROUTE),
      staleTime: Infinity,
    },
    client,
  );
}
