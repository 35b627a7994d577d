/**
 * The page of the WeChat QR end-to-end test (test/e2e/wechat-qr.test.ts), bundled by esbuild:
 * who is signed in, a "Sign in with WeChat" button and the QR code in the page. `?lifetimeMs=`
 * sets the QR's lifetime, so a test sees it expire without waiting minutes.
 */
import { createRoot } from 'react-dom/client';
import { AuthProvider, LoginButton, useAuth } from '../../client/index.js';
import { WeChatQrLogin } from '../../client/wechat/index.js';

function Status() {
  const { status, user, error } = useAuth();
  return (
    <p data-testid="status">
      {status}
      {user ? `: ${user.name ?? ''} (${user.provider})` : ''}
      {error ? ` error ${error.code}` : ''}
    </p>
  );
}

const lifetime = new URLSearchParams(location.search).get('lifetimeMs');
createRoot(document.getElementById('root')!).render(
  <AuthProvider>
    <Status />
    <LoginButton provider="wechat" returnTo="/" />
    <WeChatQrLogin returnTo="/" lifetimeMs={lifetime === null ? undefined : Number(lifetime)} />
  </AuthProvider>,
);
