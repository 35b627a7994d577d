/** A platform's endpoints with the configured overrides on top; an override left undefined keeps the platform's address. */
export function withOverrides<Endpoints extends Record<string, string>>(defaults: Endpoints, overrides: Partial<Endpoints> = {}): Endpoints {
  return Object.fromEntries(Object.entries(defaults).map(([key, url]) => [key, overrides[key] ?? url])) as Endpoints;
}
