import { useAuthContext } from './context.js';
import { useState } from './react.js';
import type { ButtonHTMLAttributes, MouseEvent, ReactElement, ReactNode } from './react.js';
import type { AuthLabels } from './labels.js';
import { useProviders } from './useProviders.js';

export interface LoginButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> {
  /** The provider id, as configured in the BFF. */
  provider: string;
  returnTo?: string | undefined;
  /** Link this provider to the session open now (`login(provider, { link: true })`); the default label becomes "Connect {provider name}". */
  link?: boolean | undefined;
  /**
   * The label; defaults to "Sign in with {provider name}" once the provider list has answered
   * ("Sign in" until then, the id when the list does not name it); with `link`, "Connect {provider name}" ("Connect").
   */
  children?: ReactNode;
  /** The built-in label's language: a locale such as `zhCN` from `bff-auth/client/locales/zh-CN` (default English). */
  labels?: Pick<AuthLabels, 'loginButton'> | undefined;
}

export function LoginButton({ provider, returnTo, link, children, labels, disabled, onClick, ...rest }: LoginButtonProps): ReactElement {
  const { login } = useAuthContext().auth;
  const providers = useProviders();
  const name = providers.data?.find((p) => p.id === provider)?.name ?? (providers.isPending ? '' : provider);
  const [starting, setStarting] = useState(false);
  return (
    <button
      {...rest}
      type="button"
      disabled={disabled || starting}
      aria-busy={starting}
      onClick={(event: MouseEvent<HTMLButtonElement>) => {
        onClick?.(event);
        if (event.defaultPrevented) return;
        setStarting(true);
        // Back from the provider, the browser may restore this page as it was left: disabled.
        addEventListener('pageshow', () => setStarting(false), { once: true });
        login(provider, { returnTo, link });
      }}
    >
      {children ?? labels?.loginButton(name, link) ?? (name ? `${link ? 'Connect' : 'Sign in with'} ${name}` : link ? 'Connect' : 'Sign in')}
    </button>
  );
}
