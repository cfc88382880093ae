/**
 * Where a connection stands:
 * - `connecting`: fetching the snapshot or opening the stream, never live yet;
 * - `live`: the stream has replayed everything and follows new events;
 * - `reconnecting`: it was live (or tried), lost the stream, and is coming back;
 * - `offline`: the platform says the network is down; it waits for `online`;
 * - `closed`: `close()` was called, or the server refused for good (see `lastError`).
 */
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'closed';

/** The observable state of a connection. A new object on every change. */
export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** The most recent failure (an `OnceError` when the daemon said why); kept after recovery. */
  readonly lastError?: unknown;
  /** Consecutive attempts that made no progress; 0 once live. */
  readonly failures: number;
}

/** Read-only view of a connection's state, shaped for React's `useSyncExternalStore`. */
export interface ConnectionStateSource {
  getSnapshot(): ConnectionState;
  /** Registers a listener called after each change; returns the function that removes it. */
  subscribe(listener: () => void): () => void;
}

/** The writable side, kept by the connection loop. */
export interface ConnectionStateStore extends ConnectionStateSource {
  update(change: Partial<ConnectionState>): void;
}

export function createConnectionStateStore(): ConnectionStateStore {
  let state: ConnectionState = { status: 'connecting', failures: 0 };
  const listeners = new Set<() => void>();
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    update(change) {
      const next = { ...state, ...change };
      if (next.status === state.status && next.lastError === state.lastError && next.failures === state.failures) {
        return;
      }
      state = next;
      for (const listener of listeners) listener();
    },
  };
}
