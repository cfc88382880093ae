import type { Offset } from '@once/protocol';
import type { ConnectionState, ConnectionStateSource } from '../connection-state.ts';
import { createDomainDispatcher, type DomainDispatcher } from './create-domain-dispatcher.ts';

/** The connection domain and the function that stops it following the connection. */
export interface ConnectionDomain {
  readonly dispatcher: DomainDispatcher<ConnectionState, ConnectionState>;
  close(): void;
}

/**
 * The connection's status as a domain: each change is an event carrying the new state,
 * so folding is taking the latest; a resync carries the state now.
 * @param offset The stream offset held now, reported with each resync.
 */
export function createConnectionDomain(source: ConnectionStateSource, offset: () => Offset): ConnectionDomain {
  const dispatcher = createDomainDispatcher<ConnectionState, ConnectionState>({
    name: 'connection',
    current: () => ({ state: source.getSnapshot(), offset: offset() }),
    fold: (_, next) => next,
  });
  const close = source.subscribe(() => dispatcher.offer({ kind: 'event', event: source.getSnapshot() }));
  return { dispatcher, close };
}
