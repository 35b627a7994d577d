import { useProviders } from 'bff-auth/client';
import type { User } from 'bff-auth/client';
import { useMe } from '../api.js';
import { Avatar, displayName } from './Avatar.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

function expiryText(expiresAt: number): { short: string; full: string } {
  const date = new Date(expiresAt * 1000);
  const minutes = Math.round((date.getTime() - Date.now()) / 60_000);
  const relative = Math.abs(minutes) < 90 ? relativeFormat.format(minutes, 'minute') : relativeFormat.format(Math.round(minutes / 60), 'hour');
  const sameDay = date.toDateString() === new Date().toDateString();
  return { short: `${sameDay ? timeFormat.format(date) : dateTimeFormat.format(date)} (${relative})`, full: date.toISOString() };
}

export function UserCard({ user }: { user: User }) {
  const providerName = useProviders().data?.find((p) => p.id === user.provider)?.name ?? user.provider;
  const me = useMe();
  const expiresAt = me.data?.ok ? me.data.me.expiresAt : undefined;

  return (
    <section className="card user-card" aria-labelledby="user-card-title" data-testid="user-card">
      <div className="user-card-head">
        <Avatar user={user} size={72} />
        <div className="user-card-identity">
          <p className="eyebrow">Signed in</p>
          <h2 id="user-card-title" className="user-name" data-testid="user-name">
            {displayName(user)}
          </h2>
          {user.username && <p className="muted user-username">@{user.username}</p>}
        </div>
      </div>

      <dl className="details">
        {user.email && (
          <div>
            <dt>Email</dt>
            <dd>
              <span data-testid="user-email">{user.email}</span>
              {user.emailVerified && <span className="badge badge-success">Verified</span>}
            </dd>
          </div>
        )}
        <div>
          <dt>Provider</dt>
          <dd data-testid="user-provider">{providerName}</dd>
        </div>
        <div>
          <dt>User id</dt>
          <dd>
            <code>{user.id}</code>
          </dd>
        </div>
        <div>
          <dt>Session expires</dt>
          <dd data-testid="session-expiry">
            {expiresAt ? (
              <time dateTime={expiryText(expiresAt).full}>{expiryText(expiresAt).short}</time>
            ) : me.isError || me.data?.ok === false ? (
              <span className="muted">unknown</span>
            ) : (
              <span className="skeleton skeleton-text" aria-label="Loading" />
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
