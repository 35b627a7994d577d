import { useAuthContext } from './context.js';
import { createElement, useState } from './react.js';
import type { ButtonHTMLAttributes, MouseEvent, ReactNode } from './react.js';
import { useProviders } from './useProviders.js';

export interface LoginButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> {
  /** The provider id, as configured in the BFF. */
  provider: string;
  returnTo?: string;
  /** The label; defaults to "Sign in with {provider name}". */
  children?: ReactNode;
}

export function LoginButton({ provider, returnTo, children, disabled, onClick, ...rest }: LoginButtonProps) {
  const { login } = useAuthContext().auth;
  const name = useProviders().data?.find((p) => p.id === provider)?.name ?? provider;
  const [starting, setStarting] = useState(false);
  return createElement(
    'button',
    {
      ...rest,
      type: 'button',
      disabled: disabled || starting,
      'aria-busy': starting,
      onClick(event: MouseEvent<HTMLButtonElement>) {
        onClick?.(event);
        if (event.defaultPrevented) return;
        setStarting(true);
        // Back from the provider, the browser may restore this page as it was left: disabled.
        addEventListener('pageshow', () => setStarting(false), { once: true });
        login(provider, { returnTo });
      },
    },
    children ?? `Sign in with ${name}`,
  );
}
