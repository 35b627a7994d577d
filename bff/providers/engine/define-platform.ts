import { z } from 'zod';
import { endpointOverrides, providerEntry } from '../config-fields.js';
import type { ProviderType } from '../provider.js';
import { endpointKeysOf, PlatformProvider } from './platform-provider.js';
import type { EndpointKey, PlatformConfig, PlatformSpec } from './platform-spec.js';

/**
 * A provider type from a platform spec: its config entry is the common fields,
 * the platform's own (`spec.config`), and overrides for exactly the endpoints it calls.
 */
export function definePlatform<const Type extends string, Shape extends z.ZodRawShape>(spec: PlatformSpec<Shape, Type>) {
  const endpointMask: { [Key in EndpointKey]?: true } = Object.fromEntries(endpointKeysOf(spec).map((key) => [key, true]));
  const configSchema = providerEntry
    .extend({
      type: z.literal(spec.type),
      scope: z.string().min(1).default(spec.scope),
      endpoints: endpointOverrides.pick(endpointMask).optional(),
      ...spec.config,
    })
    .strict();
  const providerType: ProviderType<typeof configSchema> = {
    type: spec.type,
    configSchema,
    registration: spec.registration,
    create: (config, context) => new PlatformProvider(spec, config as PlatformConfig<Shape>, context),
    guide: spec.guide,
  };
  return providerType;
}
