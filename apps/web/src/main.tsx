import { createClient } from '@once/client';
import { OnceProvider } from '@once/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ErrorBoundary } from 'react-error-boundary';
import { App } from './app.tsx';
import { AttachmentClientProvider } from './attachments/attachment-client.tsx';
import { PageError } from './page-error.tsx';
import { pageSizeOf } from './page-size.ts';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element.');

// The daemon serves this page, so the API is on the same origin.
const client = createClient({ baseUrl: location.origin });

createRoot(container).render(
  <StrictMode>
    <ErrorBoundary FallbackComponent={PageError}>
      <OnceProvider client={client} pageSize={pageSizeOf(location.search)}>
        <AttachmentClientProvider client={client}>
          <App />
        </AttachmentClientProvider>
      </OnceProvider>
    </ErrorBoundary>
  </StrictMode>,
);
