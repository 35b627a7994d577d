import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { AuthProvider } from 'bff-auth/client';
import { App } from './App.js';
import './styles.css';

// One QueryClient for the app: the auth hooks and the demo's own /api/me query share it.
const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AuthProvider queryClient={queryClient}>
        <App />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
