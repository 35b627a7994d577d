import { LoginButton, useProviders } from '../../../client/index.js';
import { describeError } from '../errors.js';

/** The mark each built-in platform type shows, beside its brand colour (styles.css); others show their name's first letter. */
const PLATFORM_MARKS: Record<string, string> = {
  github: 'GH',
  wechat: '微',
  'wechat-mp': '微',
  qq: 'QQ',
  weibo: '博',
  dingtalk: '钉',
  feishu: '飞',
  lark: 'L',
  alipay: '支',
  gitee: 'G',
  douyin: '抖',
};

/** One LoginButton per provider the BFF offers, with a skeleton while the list loads. */
export function SignInOptions({ returnTo }: { returnTo?: string }) {
  const providers = useProviders();

  if (providers.isPending) {
    return (
      <div className="sign-in-options" aria-busy="true" data-testid="providers-loading">
        <span className="visually-hidden">Loading sign-in options…</span>
        <div className="skeleton skeleton-button" aria-hidden="true" />
        <div className="skeleton skeleton-button" aria-hidden="true" />
      </div>
    );
  }
  if (providers.isError) {
    return (
      <div className="inline-message" role="status">
        <p>The sign-in options could not be loaded. {describeError(providers.error)}</p>
        <button type="button" className="button button-secondary" onClick={() => void providers.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (providers.data.length === 0) {
    return <p className="muted">No sign-in providers are configured on this server.</p>;
  }
  return (
    <ul className="sign-in-options" aria-label="Sign-in options">
      {providers.data.map((provider) => (
        <li key={provider.id}>
          <LoginButton
            provider={provider.id}
            returnTo={returnTo}
            className="button button-provider"
            data-provider={provider.id}
            data-type={provider.type}
          >
            <span className="provider-mark" aria-hidden="true">
              {PLATFORM_MARKS[provider.type] ?? [...provider.name][0]?.toUpperCase() ?? '?'}
            </span>
            <span>Sign in with {provider.name}</span>
          </LoginButton>
        </li>
      ))}
    </ul>
  );
}
