/**
 * A tiny client-side router: history.pushState to move, popstate to follow the back and
 * forward buttons, useSyncExternalStore to re-render on either.
 */
import { useSyncExternalStore } from 'react';
import type { AnchorHTMLAttributes, MouseEvent } from 'react';

const NAVIGATE_EVENT = 'demo:navigate';

function subscribe(onChange: () => void): () => void {
  addEventListener('popstate', onChange);
  addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    removeEventListener('popstate', onChange);
    removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** The current path, e.g. `/account`. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname, () => '/');
}

export function navigate(to: string): void {
  if (to === location.pathname + location.search + location.hash) return;
  history.pushState(null, '', to);
  scrollTo(0, 0);
  dispatchEvent(new Event(NAVIGATE_EVENT));
}

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
}

/** An ordinary link that navigates in place; modified clicks (new tab, download) stay the browser's. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const current = usePath() === to;
  return (
    <a
      {...rest}
      href={to}
      aria-current={current ? 'page' : undefined}
      onClick={(event: MouseEvent<HTMLAnchorElement>) => {
        onClick?.(event);
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    />
  );
}
