import { RequireAuth, useProviders } from 'bff-auth/client';
import { useMe } from '../api.js';
import { describeError } from '../errors.js';
import { displayName } from '../components/Avatar.js';
import { SignInOptions } from '../components/SignInOptions.js';
import { LockIcon } from '../components/LockIcon.js';
import { UseItPanel } from '../components/UseItPanel.js';

export function Account() {
  return (
    <>
      <div className="page-intro">
        <h1 tabIndex={-1}>Your account</h1>
        <p className="lead">
          This page is behind <code>RequireAuth</code>, and its data comes from <code>GET /api/me</code>, an app route the
          server protects with <code>requireSession()</code>.
        </p>
      </div>
      <RequireAuth loading={<SessionLoading />} fallback={<SignInRequired />}>
        <ServerAnswer />
      </RequireAuth>
      <UseItPanel page="account" />
    </>
  );
}

function SessionLoading() {
  return (
    <section className="card" aria-busy="true" aria-label="Loading your session">
      <div className="skeleton skeleton-text" />
      <div className="skeleton skeleton-text skeleton-short" />
    </section>
  );
}

function SignInRequired() {
  return (
    <section className="card card-narrow" aria-labelledby="required-title" data-testid="sign-in-required">
      <div className="lock-badge" aria-hidden="true">
        <LockIcon />
      </div>
      <h2 id="required-title">Sign-in required</h2>
      <p className="muted">Your account page is only for you. Sign in and you will come straight back here.</p>
      <SignInOptions returnTo="/account" />
    </section>
  );
}

const servedFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function ServerAnswer() {
  const me = useMe();
  const providers = useProviders();

  if (me.isPending) {
    return (
      <section className="card" aria-busy="true" aria-label="Asking the server">
        <div className="skeleton skeleton-text" />
        <div className="skeleton skeleton-block" />
      </section>
    );
  }
  if (me.isError) {
    return (
      <section className="card" role="status">
        <h2>The server could not be reached</h2>
        <p className="muted">{describeError(me.error)}</p>
        <button type="button" className="button button-primary" onClick={() => void me.refetch()}>
          Try again
        </button>
      </section>
    );
  }
  if (!me.data.ok) {
    return (
      <section className="card" role="status" data-testid="api-unauthorized">
        <h2>{me.data.status === 401 ? 'The server does not know you' : `The server answered ${me.data.status}`}</h2>
        <p className="muted">
          {me.data.status === 401
            ? 'Your session has ended (it may have expired, or you signed out in another tab). Sign in again to continue.'
            : (me.data.message ?? 'Something went wrong.')}
        </p>
      </section>
    );
  }

  const { me: answer } = me.data;
  const providerName = providers.data?.find((p) => p.id === answer.provider)?.name ?? answer.provider;
  const served = new Date(answer.servedAt);
  return (
    <section className="card" aria-labelledby="answer-title" data-testid="api-answer">
      <p className="eyebrow eyebrow-code">GET /api/me · 200</p>
      <h2 id="answer-title">
        The server says you are <span data-testid="api-user-name">{displayName(answer.user)}</span>
      </h2>
      <p className="muted">
        Signed in with <strong>{providerName}</strong> as <code>{answer.user.id}</code>. Answered at{' '}
        <time dateTime={answer.servedAt} data-testid="api-served-at">
          {servedFormat.format(served)}
        </time>
        .
      </p>
      <pre className="json" tabIndex={0} aria-label="The server's answer, as JSON">
        <code>{JSON.stringify(answer, null, 2)}</code>
      </pre>
      <div className="actions">
        <button type="button" className="button button-secondary" onClick={() => void me.refetch()} disabled={me.isFetching}>
          {me.isFetching ? 'Asking…' : 'Ask again'}
        </button>
      </div>
    </section>
  );
}
