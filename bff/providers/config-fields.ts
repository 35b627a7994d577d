import { z } from 'zod';
import { isAllowedEndpoint } from '../http/provider-fetch.js';

/** An absolute URL that is https, or plain http on a loopback host (docs/design.md, provider endpoints). */
export const endpointUrl = z
  .string()
  .refine((value) => URL.canParse(value), 'must be an absolute URL')
  .refine(
    (value) => !URL.canParse(value) || isAllowedEndpoint(new URL(value)),
    'must be https (plain http is allowed only on localhost, 127.0.0.1 and [::1])',
  );

export const timeoutMs = z.number().int().min(100).max(120_000);

/** The endpoint overrides every built-in provider takes, with the same key names everywhere. */
export const endpointOverrides = z
  .object({
    authorization: endpointUrl,
    token: endpointUrl,
    refresh: endpointUrl,
    identity: endpointUrl,
    userinfo: endpointUrl,
    revocation: endpointUrl,
    endSession: endpointUrl,
  })
  .partial()
  .strict();

export type EndpointOverrides = z.infer<typeof endpointOverrides>;

/** Fields every provider entry has, whatever its type; most add `clientSecret` ({@link providerBase}), a few sign instead. */
export const providerEntry = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 characters of a-z, 0-9, "_" and "-", starting with a letter or digit'),
  type: z.string(),
  /** Shown on login buttons. */
  name: z.string().min(1).max(64).optional(),
  clientId: z.string().min(1, 'is required'),
  scope: z.string().min(1).optional(),
  httpTimeoutMs: timeoutMs.optional(),
});

export const clientSecret = z.string().min(1, 'is required');

/** An entry of a provider that authenticates with a client secret. */
export const providerBase = providerEntry.extend({ clientSecret });
