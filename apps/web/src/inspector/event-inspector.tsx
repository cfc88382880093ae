import { useDeliveries } from '@once/react';
import { type ReactNode, useLayoutEffect, useRef } from 'react';
import { DeliveryRow } from './delivery-row.tsx';
import './inspector.css';

/** Props of {@link EventInspector}. */
export interface EventInspectorProps {
  readonly conversationId: string;
  /** The panel's element id, for the toggle's `aria-controls`. */
  readonly id?: string;
}

/**
 * The conversation's events as they arrive on the wire, newest at the bottom (the last
 * 500, saying how many earlier ones are not shown), where each (re)connect resumed, and
 * how many deliveries the store applied or ignored as duplicates — the exactly-once
 * guarantee made visible.
 */
export function EventInspector({ conversationId, id }: EventInspectorProps): ReactNode {
  const log = useDeliveries(conversationId);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  // Follow new rows while the reader is at the bottom; leave them be when they scrolled up.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element !== null && pinned.current) element.scrollTop = element.scrollHeight;
  });

  return (
    <aside className="inspector" id={id} aria-label="Event inspector">
      <h2>Events</h2>
      <dl className="inspector-counters">
        <div>
          <dt>Received</dt>
          <dd data-testid="inspector-received">{log.received}</dd>
        </div>
        <div>
          <dt>Applied</dt>
          <dd data-testid="inspector-applied">{log.applied}</dd>
        </div>
        <div>
          <dt>Duplicates ignored</dt>
          <dd data-testid="inspector-duplicates">{log.duplicates}</dd>
        </div>
        {log.refused === 0 ? null : (
          <div>
            <dt>Refused (gap)</dt>
            <dd data-testid="inspector-refused">{log.refused}</dd>
          </div>
        )}
      </dl>
      <h3 id="inspector-resumes-title">Connection attempts, each asking for the events after</h3>
      <ol className="inspector-resumes" data-testid="inspector-resumes" aria-labelledby="inspector-resumes-title">
        {log.earlierResumes === 0 ? null : <li className="inspector-note">{log.earlierResumes} earlier not shown</li>}
        {log.resumes.map((resume, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: counted from the first attempt, the position is the attempt's identity
          <li key={log.earlierResumes + index} data-offset={resume.afterOffset}>
            offset {resume.afterOffset}
            {resume.snapshot ? ' (after a fresh snapshot)' : ''}
          </li>
        ))}
      </ol>
      <div
        className="inspector-scroller"
        ref={scroller}
        onScroll={(event) => {
          const element = event.currentTarget;
          pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 8;
        }}
      >
        <table className="inspector-events">
          <caption className="inspector-note">
            {log.earlier === 0
              ? 'Every event received'
              : `${log.earlier} earlier not shown (the last ${log.recent.length} are)`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Offset</th>
              <th scope="col">Type</th>
              <th scope="col">Message</th>
              <th scope="col">Block</th>
              <th scope="col">Seq</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {log.recent.map((delivery, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: counted from the first delivery, the position is the delivery's identity
              <DeliveryRow key={log.earlier + index} delivery={delivery} />
            ))}
          </tbody>
        </table>
      </div>
    </aside>
  );
}
