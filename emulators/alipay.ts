/**
 * Alipay's website login (openauth.alipay.com + the openapi gateway, on one origin here) on
 * the platform emulator, answering as Alipay's documents say:
 * - https://opendocs.alipay.com/open/289/105656
 * - https://opendocs.alipay.com/apis/api_9/alipay.system.oauth.token
 * - https://opendocs.alipay.com/apis/api_2/alipay.user.info.share
 * - https://opendocs.alipay.com/common/02kf5q and https://opendocs.alipay.com/common/02mse7 (signatures)
 * Every call is a POST to /gateway.do naming its `method`; the emulator verifies its RSA2
 * signature with the app's public key and signs every answer with Alipay's own private
 * key (both key pairs made at start). Answers are HTTP 200 whatever happened.
 */
import { generateKeyPair, randomBytes, sign, verify, type KeyObject, type KeyPairKeyObjectResult } from 'node:crypto';
import { promisify } from 'node:util';
import type { Outage } from './emulator-server.js';
import { authorizeRoute, startPlatformEmulator, type Answer, type EmulatorRequest, type PlatformEmulator, type TokenPair, type Authorize } from './platform-emulator.js';

export interface AlipayBehavior extends Record<string, string> {
  authorize: Authorize;
  /** 'forged': the answer names another user after it was signed; 'unsigned': no `sign` at all. */
  token: 'ok' | 'refuse' | 'forged' | 'unsigned' | Outage;
  /** 'other-user': a genuinely signed answer that names another user. */
  refresh: 'ok' | 'refuse' | 'other-user' | Outage;
  userinfo: 'ok' | 'refuse' | 'forged' | Outage;
}

/** The ids an answer carries are the ones present: new apps get `open_id` only (openid配置管理); a test deletes it to be an older, user_id app. */
export interface AlipayUser {
  open_id?: string;
  user_id?: string;
  nick_name: string;
  avatar: string;
  gender: 'F' | 'M';
  province: string;
  city: string;
}

/** A genuine signed answer in parts, for a test that rebuilds it the way an attacker between the BFF and the gateway would. */
export interface SignedParts {
  member: string;
  /** The member's value exactly as signed. */
  text: string;
  signature: string;
}

export interface AlipayEmulator extends PlatformEmulator<AlipayBehavior, AlipayUser> {
  /** PEM, for the BFF's config. */
  appPrivateKey: string;
  alipayPublicKey: string;
  /** When set, every signed answer's body is what it makes of the genuine one's parts. */
  reshape?: (parts: SignedParts) => string;
}

export const ALIPAY_PATHS = { authorization: '/oauth2/publicAppAuthorize.htm', token: '/gateway.do' };
const TOKEN_METHOD = 'alipay.system.oauth.token';
const USER_INFO_METHOD = 'alipay.user.info.share';

const defaultUser = (): AlipayUser => ({
  open_id: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5',
  user_id: undefined,
  nick_name: '支付宝用户',
  avatar: 'https://tfs.alipayobjects.com/images/partner/T1uIxXXbpXXXXXXXX',
  gender: 'F',
  province: '浙江省',
  city: '杭州市',
});

const pem = (key: KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

/** The gateway's check of a request: every parameter but `sign` and empty ones, sorted, `k=v&...`, SHA256withRSA. */
function signatureHolds({ query, body }: EmulatorRequest, appPublicKey: KeyObject): boolean {
  const params = { ...query, ...body };
  const text = Object.keys(params).filter((name) => name !== 'sign' && params[name] !== '').sort().map((name) => `${name}=${params[name]}`).join('&');
  return verify('RSA-SHA256', Buffer.from(text), appPublicKey, Buffer.from(params.sign ?? '', 'base64'));
}

/** The public parameters as the gateway wants them; `timestamp` in Beijing time, within minutes of now. */
function publicParamsHold({ query }: EmulatorRequest, appId: string): boolean {
  const beijing = Date.parse(`${(query.timestamp ?? '').replace(' ', 'T')}+08:00`);
  return query.app_id === appId && query.format === 'JSON' && query.charset === 'utf-8' && query.sign_type === 'RSA2' && query.version === '1.0'
    && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(query.timestamp ?? '') && Math.abs(beijing - Date.now()) < 10 * 60_000;
}

/**
 * The app's key pair and the gateway's, made once per process and shared by its emulators (each
 * BFF is configured with the keys of its own): a 2048-bit RSA key takes 0.1-0.5 s of CPU to make,
 * so the two are made side by side on libuv's threads while the process goes on with the rest.
 */
let keyPairs: Promise<Record<'app' | 'alipay', KeyPairKeyObjectResult>> | undefined;
const generateKeyPairAsync = promisify(generateKeyPair);
const rsaKeyPair = () => generateKeyPairAsync('rsa', { modulusLength: 2048 });
const sharedKeyPairs = () => (keyPairs ??= Promise.all([rsaKeyPair(), rsaKeyPair()]).then(([app, alipay]) => ({ app, alipay })));

export async function startAlipayEmulator(): Promise<AlipayEmulator> {
  const { app, alipay } = await sharedKeyPairs();

  /**
   * `{"<method>_response":{...},"sign":"..."}`, signed over the member's text as sent. Slashes are
   * escaped (`\/`) in that text, so a verifier that re-serializes the JSON fails.
   */
  const signed = (member: string, content: Record<string, unknown>, options: { forge?: Record<string, unknown>; unsigned?: boolean } = {}): Answer => {
    const text = (value: unknown) => JSON.stringify(value).replaceAll('/', '\\/');
    const signature = sign('RSA-SHA256', Buffer.from(text(content)), alipay.privateKey).toString('base64');
    const sent = text({ ...content, ...options.forge });
    if (self.reshape) return { body: self.reshape({ member, text: text(content), signature }) };
    return { body: options.unsigned ? `{"${member}":${sent}}` : `{"${member}":${sent},"sign":"${signature}"}` };
  };
  const refusal = (member: string, code: string, msg: string, subCode: string, subMsg: string) => signed(member, { code, msg, sub_code: subCode, sub_msg: subMsg });
  const responseOf = (method: string) => `${method.replaceAll('.', '_')}_response`;

  const emulator = await startPlatformEmulator<AlipayBehavior, AlipayUser>({
    name: 'Alipay',
    behavior: { authorize: 'approve', token: 'ok', refresh: 'ok', userinfo: 'ok' },
    user: defaultUser,
    clientId: () => `20210${randomBytes(6).readUIntBE(0, 6).toString().padStart(11, '0')}`,
    tokens: { code: '', access: 'authusrB', refresh: 'authusrB', encoding: 'hex' },
    expiresIn: 1296000,
    contentType: 'text/html;charset=utf-8',
    notFound: { status: 404, type: 'text/html', body: '<html><body>404</body></html>' },
    // One gateway for every call: the route is its `method` (and for the token method, the grant).
    routeOf: ({ method, path, params }) => (path === ALIPAY_PATHS.token ? `${method} ${params.method} ${params.grant_type ?? ''}`.trim() : `${method} ${path}`),
    routes: (tools) => {
      const ids = () => ({ user_id: tools.user.user_id, open_id: tools.user.open_id });
      /** Every gateway call is checked first: its public parameters, then its signature. */
      const gatewayCall = (handle: (request: EmulatorRequest, now: string) => Answer) => (request: EmulatorRequest, now: string) => {
        // `isv.invalid-app-id` is from Alipay's public error codes, not on alipay.system.oauth.token's page (https://opendocs.alipay.com/apis/api_9/alipay.system.oauth.token): not re-verified.
        if (request.query.app_id !== tools.clientId) return refusal('error_response', '40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数');
        if (!publicParamsHold(request, tools.clientId)) return refusal('error_response', '40002', 'Invalid Arguments', 'isv.invalid-parameter', '参数无效');
        if (!signatureHolds(request, app.publicKey)) return refusal('error_response', '40002', 'Invalid Arguments', 'isv.invalid-signature', '验签出错');
        return handle(request, now);
      };
      const tokenAnswer = ({ accessToken, refreshToken }: TokenPair, options?: Parameters<typeof signed>[2] & { ids?: Record<string, string> }) =>
        signed(responseOf(TOKEN_METHOD), { ...ids(), ...options?.ids, access_token: accessToken, expires_in: String(tools.expiresIn), refresh_token: refreshToken, re_expires_in: '2592000', auth_start: '2026-01-01 12:00:00' }, options);
      return {
        [`GET ${ALIPAY_PATHS.authorization}`]: authorizeRoute(tools, {
          valid: (query) => query.app_id === tools.clientId && ['auth_user', 'auth_base'].includes(query.scope ?? ''),
          invalid: { type: 'text/html;charset=utf-8', body: '<html><body><p>错误代码 invalid-app-id</p></body></html>' },
          codeParam: 'auth_code',
          approve: (back, query) => {
            for (const [name, value] of [['app_id', tools.clientId], ['source', 'alipay_wallet'], ['scope', query.scope ?? '']] as const) back.searchParams.set(name, value);
          },
          // A refusal is not documented; this one comes back without a code.
          deny: () => {},
        }),
        [`POST ${TOKEN_METHOD} authorization_code`]: {
          behavior: 'token',
          handle: gatewayCall(({ params }, now) => {
            const redeemed = now === 'refuse' ? 'unknown' : tools.grants.redeem(params.code);
            if (typeof redeemed === 'string') return refusal(responseOf(TOKEN_METHOD), '40002', 'Invalid Arguments', 'isv.code-invalid', '授权码code无效');
            const forge = now === 'forged' ? { open_id: '074aSomeoneElse0000000000000000000000000000000', user_id: undefined } : undefined;
            return tokenAnswer(tools.grants.tokens(redeemed.scope), { forge, unsigned: now === 'unsigned' });
          }),
        },
        // Whether the refresh token rotates is not documented: this one does, the stricter case. (The refusal's sub_code is not in the documents above.)
        [`POST ${TOKEN_METHOD} refresh_token`]: {
          behavior: 'refresh',
          handle: gatewayCall(({ params }, now) => {
            const refreshed = now === 'refuse' ? undefined : tools.grants.refresh(params.refresh_token, true);
            if (refreshed && now === 'other-user') return tokenAnswer(refreshed, { ids: { open_id: '074aSomeoneElse0000000000000000000000000000000' } });
            return refreshed ? tokenAnswer(refreshed) : refusal(responseOf(TOKEN_METHOD), '40002', 'Invalid Arguments', 'isv.refresh-token-invalid', '刷新令牌无效');
          }),
        },
        [`POST ${USER_INFO_METHOD}`]: {
          behavior: 'userinfo',
          handle: gatewayCall(({ query }, now) => {
            if (now === 'refuse' || tools.grants.scopeOf(query.auth_token) === undefined) {
              return refusal(responseOf(USER_INFO_METHOD), '20001', 'Insufficient Token Permissions', 'aop.invalid-auth-token', '无效的访问令牌');
            }
            const forge = now === 'forged' ? { nick_name: '伪造的名字' } : undefined;
            return signed(responseOf(USER_INFO_METHOD), { code: '10000', msg: 'Success', ...tools.user, is_certified: 'T' }, { forge });
          }),
        },
      };
    },
  });
  const self: AlipayEmulator = Object.assign(emulator, { appPrivateKey: pem(app.privateKey), alipayPublicKey: pem(alipay.publicKey) });
  return self;
}
