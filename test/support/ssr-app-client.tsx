/**
 * The browser script of the server-rendering end-to-end test, bundled by esbuild: a server-rendered
 * page (it carries its session) is hydrated as the README's example does it; any other page is the
 * test's control, rendered in the browser alone with no `initialSession`.
 */
import { createRoot } from 'react-dom/client';
import { hydratePage } from '../../examples/vite-react-express/users/hydrate.js';
import { AuthProvider } from '../../client/index.js';
import { Greeting } from './ssr-app.js';

if (document.getElementById('initial-session')) hydratePage(<Greeting />);
else {
  createRoot(document.getElementById('root')!).render(
    <AuthProvider>
      <Greeting />
    </AuthProvider>,
  );
}
