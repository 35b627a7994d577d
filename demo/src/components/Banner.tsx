import type { ReactNode } from 'react';

const ICONS = {
  error:
    'M10 1.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 0 1 0-17Zm0 11.75a1.1 1.1 0 1 0 0 2.2 1.1 1.1 0 0 0 0-2.2ZM10 5a1 1 0 0 0-1 1v5a1 1 0 1 0 2 0V6a1 1 0 0 0-1-1Z',
  info: 'M10 1.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 0 1 0-17Zm3.7 5.3a1 1 0 0 0-1.4 0L9 10.1 7.7 8.8a1 1 0 1 0-1.4 1.4l2 2a1 1 0 0 0 1.4 0l4-4a1 1 0 0 0 0-1.4Z',
};

export interface BannerProps {
  tone: 'error' | 'info';
  title: string;
  children: ReactNode;
  /** The error code, shown small for whoever reports the problem. */
  code?: string;
  onDismiss: () => void;
}

/** A dismissable message above the page: an alert for failures, a status for news. */
export function Banner({ tone, title, children, code, onDismiss }: BannerProps) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={`${tone}-banner`}>
      <svg className="banner-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" d={ICONS[tone]} />
      </svg>
      <div className="banner-body">
        <p className="banner-title">{title}</p>
        <p className="banner-text" data-testid="banner-text">
          {children}
        </p>
        {code && (
          <p className="banner-code">
            Code: <code>{code}</code>
          </p>
        )}
      </div>
      <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss">
        <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" d="m5 5 10 10M15 5 5 15" />
        </svg>
      </button>
    </div>
  );
}
