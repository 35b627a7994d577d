import { useQuery } from '@tanstack/react-query';
import { useAuth, useAuthFetch } from 'bff-auth/client';
import type { AuthClientError, User } from 'bff-auth/client';

/** The answer of the demo server's own `GET /api/me`, a route behind `requireSession()`. */
export interface MeAnswer {
  user: User;
  provider: string;
  /** Epoch seconds. */
  expiresAt: number;
  servedAt: string;
}

export type MeResult = { ok: true; me: MeAnswer } | { ok: false; status: number; error?: string; message?: string };

/** `/api/me` through authFetch (session cookie + CSRF header), cached per signed-in user. */
export function useMe() {
  const { user } = useAuth();
  const authFetch = useAuthFetch();
  // authFetch rejects only with an AuthClientError (network_error when the server is not answering).
  return useQuery<MeResult, AuthClientError>({
    queryKey: ['demo', 'api/me', user?.id],
    enabled: !!user,
    queryFn: async (): Promise<MeResult> => {
      const response = await authFetch('/api/me');
      const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      if (response.ok && body) return { ok: true, me: body as unknown as MeAnswer };
      return {
        ok: false,
        status: response.status,
        error: typeof body?.error === 'string' ? body.error : undefined,
        message: typeof body?.message === 'string' ? body.message : undefined,
      };
    },
  });
}
