import type { ReactNode } from 'react';
import { jsonText } from './json-text.ts';
import type { ShownAppEvent } from './shown-app-events.ts';

/** Props of {@link AppEventCard}. */
export interface AppEventCardProps {
  readonly event: ShownAppEvent;
}

/**
 * The fallback card for an app event (a type the protocol does not define, or a data
 * part): its type or part name as the title and its data as indented JSON. Apps that know
 * the type render their own view; this one shows that something happened, and what.
 */
export function AppEventCard({ event }: AppEventCardProps): ReactNode {
  return (
    <section
      className="card app-event-card"
      data-testid="app-event-card"
      data-event-type={event.type}
      aria-label={`${event.title} event`}
    >
      <header className="card-header">
        <span className="card-icon" aria-hidden="true">
          ◆
        </span>
        <span className="card-title">{event.title}</span>
      </header>
      <pre className="card-section card-code">{jsonText(event.data)}</pre>
    </section>
  );
}
