import { z } from 'zod';
import { endpointUrl } from '../config-fields.js';
import { oidcPlatform } from '../oidc.js';
import { FULL_REDIRECT_URI, LOCAL_DEVELOPMENT } from '../platform-guide.js';

/*
 * Microsoft Entra ID (identity platform v2.0). Documents:
 * - OIDC: https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 * - CLAIMS: https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference
 * - OPTIONAL_CLAIMS: https://learn.microsoft.com/en-us/entra/identity-platform/optional-claims-reference
 * - NOAUTH: https://learn.microsoft.com/en-us/entra/identity-platform/migrate-off-email-claim-authorization
 *
 * The `common` and `organizations` discovery documents name the issuer template
 * `{authority}/{tenantid}/v2.0`, `consumers` the personal accounts' tenant (OIDC); a token's
 * `iss` names the tenant in its `tid` (CLAIMS), so every issuer check expects the template
 * filled with the token's own `tid`, as the oauth4webapi maintainers advise
 * (https://github.com/panva/oauth4webapi/pull/131); a callback `iss` (RFC 9207) may name any tenant
 * of the template, and the ID token must then name that same one. `oid` (the `profile` scope) is the user
 * across the tenant's apps, `sub` is per app (CLAIMS). `email` is not verified (NOAUTH): only
 * the optional claim `xms_edov` (OPTIONAL_CLAIMS) says the domain owner verified it.
 */

const MULTI_TENANT = /\/(common|organizations)\/v2\.0$/;
const CONSUMERS = /\/consumers\/v2\.0$/;
/** CLAIMS: the tenant of personal Microsoft accounts. */
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
/** CLAIMS: `tid` is a GUID. */
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER = '{tenantid}';

export const microsoft = oidcPlatform({
  type: 'microsoft',
  // https://learn.microsoft.com/en-us/entra/identity-platform/reply-url: plain http only for localhost.
  guide: {
    title: 'Microsoft Entra ID',
    ids: '`sub` / `oid`',
    refresh: 'with `offline_access` in `scope`, rotating',
    revocation: 'no',
    console: 'entra.microsoft.com (App registrations → Authentication, Web platform)',
    redirect: FULL_REDIRECT_URI,
    localDevelopment: LOCAL_DEVELOPMENT.localhost,
  },
  issuer: ({ authority, tenant }) => `${authority.replace(/\/+$/, '')}/${tenant}/v2.0`,
  extra: {
    tenant: z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, 'must be common, organizations, consumers, a tenant id or a domain')
      .default('common'),
    authority: endpointUrl.default('https://login.microsoftonline.com'),
    allowedTenants: z.array(z.string().min(1)).min(1).optional(),
  },
  unionIdClaim: 'oid',
  fields: { emailVerified: ['xms_edov'] },
  requiredClaims: ({ allowedTenants }) => ({ tid: allowedTenants }),
  issuerTemplate: {
    discovered: (issuer) => issuer.replace(MULTI_TENANT, '/{tenantid}/v2.0').replace(CONSUMERS, `/${CONSUMERS_TENANT}/v2.0`),
    forToken: (discovered, { tid }) => (typeof tid === 'string' ? discovered.replace(PLACEHOLDER, tid) : discovered),
    fits: (discovered, iss) => {
      const [head = '', tail = ''] = discovered.split(PLACEHOLDER);
      const tid = iss.slice(head.length, iss.length - tail.length);
      return discovered.includes(PLACEHOLDER) && TENANT_ID.test(tid) && discovered.replace(PLACEHOLDER, tid) === iss;
    },
  },
  registration: { console: 'https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade' },
});
