import type { CSSProperties } from 'react';
import { LoginButton, useProviders } from 'bff-auth/client';
import { WeChatQrLogin } from 'bff-auth/client/wechat';
import { describeError } from '../errors.js';

/**
 * The mark and brand colour (on the mark, and on the button's border when hovered) of each
 * built-in platform type; others show their name's first letter on the accent colour.
 */
const PLATFORMS: Record<string, { mark: string; brand: string }> = {
  github: { mark: 'GH', brand: '#24292f' },
  wechat: { mark: '微', brand: '#07c160' },
  'wechat-mp': { mark: '微', brand: '#07c160' },
  wecom: { mark: '企', brand: '#0082ef' },
  qq: { mark: 'QQ', brand: '#12b7f5' },
  weibo: { mark: '博', brand: '#e6162d' },
  dingtalk: { mark: '钉', brand: '#0089ff' },
  feishu: { mark: '飞', brand: '#3370ff' },
  lark: { mark: 'L', brand: '#3370ff' },
  alipay: { mark: '支', brand: '#1677ff' },
  gitee: { mark: 'G', brand: '#c71d23' },
  douyin: { mark: '抖', brand: '#161823' },
  google: { mark: 'G', brand: '#4285f4' },
  microsoft: { mark: '⊞', brand: '#2f2f2f' },
  apple: { mark: 'A', brand: '#000000' },
  gitlab: { mark: 'GL', brand: '#fc6d26' },
  slack: { mark: '#', brand: '#4a154b' },
  linkedin: { mark: 'in', brand: '#0a66c2' },
  discord: { mark: 'D', brand: '#5865f2' },
  facebook: { mark: 'f', brand: '#1877f2' },
  x: { mark: '𝕏', brand: '#000000' },
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
  const embeddable = providers.data.filter((provider) => provider.embeddable);
  return (
    <>
      <ul className="sign-in-options" aria-label="Sign-in options">
        {providers.data.map((provider) => {
          const platform = PLATFORMS[provider.type];
          return (
            <li key={provider.id}>
              <LoginButton
                provider={provider.id}
                returnTo={returnTo}
                className="button button-provider"
                data-provider={provider.id}
                data-type={provider.type}
                style={platform && ({ '--brand': platform.brand } as CSSProperties)}
              >
                <span className="provider-mark" aria-hidden="true">
                  {platform?.mark ?? [...provider.name][0]?.toUpperCase() ?? '?'}
                </span>
                <span>Sign in with {provider.name}</span>
              </LoginButton>
            </li>
          );
        })}
      </ul>
      {embeddable.map((provider) => (
        <details key={provider.id} className="qr-login">
          <summary>Or scan the {provider.name} QR code here</summary>
          <WeChatQrLogin provider={provider.id} returnTo={returnTo} title={`Sign in with ${provider.name}: QR code`} />
        </details>
      ))}
    </>
  );
}
