import type { ReactNode } from 'react';
import type { FallbackProps } from 'react-error-boundary';

/**
 * What the page shows when a part of it failed to render and nothing nearer caught it: what
 * went wrong, and a way back. The conversation itself is safe in the daemon's log, so a
 * reload shows it again.
 */
export function PageError({ error }: FallbackProps): ReactNode {
  return (
    <main className="page-error" role="alert">
      <h1>This page stopped working</h1>
      <p>{error instanceof Error ? error.message : String(error)}</p>
      <p>Your conversations are kept by the daemon; reloading the page shows them again.</p>
      <button type="button" onClick={() => location.reload()}>
        Reload the page
      </button>
    </main>
  );
}
