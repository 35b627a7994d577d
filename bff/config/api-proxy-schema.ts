import { z } from 'zod';
import { endpointUrl } from '../providers/config-fields.js';

export const PROXY_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** One upstream API the BFF calls for the browser with the session's access token (docs/design.md, `apis`). */
export const apiProxySchema = z
  .object({
    /** Where the browser calls it, e.g. "/api/github". */
    path: z.string().regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'must be a path such as "/api/github"'),
    /** The provider whose access token is sent. */
    provider: z.string().min(1, 'is required'),
    /** The upstream base URL; the rest of the request path is appended to it. */
    target: endpointUrl,
    methods: z.array(z.enum(PROXY_METHODS)).min(1).default(['GET']),
  })
  .strict();

export type ApiProxyOptions = z.input<typeof apiProxySchema>;
export type ApiProxyConfig = z.output<typeof apiProxySchema>;
