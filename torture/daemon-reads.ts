import type { IncomingEvent } from '@once/protocol';
import type { DaemonProcess, SnapshotResponse } from '@once/testing';

/**
 * How long one read of a daemon may take before it counts as hung, in ms. Without it a
 * hung read fails only at undici's 300 s `HeadersTimeoutError`, which names nothing.
 */
export const READ_TIMEOUT_MS = 60_000;

/** Where a daemon listens. */
type Daemon = Pick<DaemonProcess, 'url' | 'port'>;

/**
 * `GET path` on the daemon as JSON, failing after `timeoutMs` (headers and body alike)
 * or on a status other than 200, with an error naming `what` was read.
 */
async function readJson<T>(daemon: Daemon, path: string, what: string, timeoutMs: number): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(`${daemon.url}${path}`, { signal });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${what} from :${daemon.port} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  } catch (error) {
    if (!signal.aborted) throw error;
    throw new Error(`${what} from :${daemon.port} (GET ${path}) hung: no answer within ${timeoutMs / 1000} s.`, {
      cause: error,
    });
  }
}

/** `GET /v1/conversations/:id`: the daemon's snapshot of the conversation. */
export function readSnapshot(
  daemon: Daemon,
  conversationId: string,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<SnapshotResponse> {
  const what = `the snapshot of conversation ${conversationId}`;
  return readJson(daemon, `/v1/conversations/${conversationId}`, what, timeoutMs);
}

/** Every event of a conversation, read as JSON pages from offset 0. */
export async function readAllEvents(
  daemon: Daemon,
  conversationId: string,
  timeoutMs = READ_TIMEOUT_MS,
): Promise<IncomingEvent[]> {
  const events: IncomingEvent[] = [];
  for (;;) {
    const page = await readJson<{ events: IncomingEvent[]; upToDate: boolean }>(
      daemon,
      `/v1/conversations/${conversationId}/events?after=${events.length}&limit=1000`,
      `the events of conversation ${conversationId} after offset ${events.length}`,
      timeoutMs,
    );
    events.push(...page.events);
    if (page.upToDate || page.events.length === 0) return events;
  }
}
