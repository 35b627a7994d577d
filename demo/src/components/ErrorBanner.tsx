import type { AuthClientError } from '../../../client/index.js';
import { describeError } from '../errors.js';

export function ErrorBanner({ title, error, onDismiss }: { title: string; error: AuthClientError; onDismiss(): void }) {
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <svg className="banner-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M10 1.5a8.5 8.5 0 1 1 0 17 8.5 8.5 0 0 1 0-17Zm0 11.75a1.1 1.1 0 1 0 0 2.2 1.1 1.1 0 0 0 0-2.2ZM10 5a1 1 0 0 0-1 1v5a1 1 0 1 0 2 0V6a1 1 0 0 0-1-1Z"
        />
      </svg>
      <div className="banner-body">
        <p className="banner-title">{title}</p>
        <p className="banner-text" data-testid="error-text">
          {describeError(error)}
        </p>
        <p className="banner-code">
          Code: <code>{error.code}</code>
        </p>
      </div>
      <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss">
        <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <path fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" d="m5 5 10 10M15 5 5 15" />
        </svg>
      </button>
    </div>
  );
}
