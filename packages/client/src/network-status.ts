/** Where `online` and `offline` events come from: `window` in a browser. */
export interface NetworkEvents {
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/** Follows the platform's network status, so a connection waits instead of retrying in vain. */
export interface NetworkStatus {
  readonly online: boolean;
  stop(): void;
}

/**
 * Listens to `online`/`offline` on `events`, or on `globalThis` when it has
 * `addEventListener` (browsers, workers). Without such events (Node) it always says online.
 */
export function watchNetworkStatus(onChange: (online: boolean) => void, events?: NetworkEvents): NetworkStatus {
  const target = events ?? defaultNetworkEvents();
  let online = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false;
  if (target === undefined) return { online: true, stop: () => {} };
  const goOnline = () => {
    online = true;
    onChange(true);
  };
  const goOffline = () => {
    online = false;
    onChange(false);
  };
  target.addEventListener('online', goOnline);
  target.addEventListener('offline', goOffline);
  return {
    get online() {
      return online;
    },
    stop() {
      target.removeEventListener('online', goOnline);
      target.removeEventListener('offline', goOffline);
    },
  };
}

function defaultNetworkEvents(): NetworkEvents | undefined {
  const candidate = globalThis as Partial<NetworkEvents>;
  return typeof candidate.addEventListener === 'function' ? (candidate as NetworkEvents) : undefined;
}
