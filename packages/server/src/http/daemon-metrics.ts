import type { EventLog } from '@once/log';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SseConnections } from '../event-stream/sse-connections.ts';

/** The daemon's Prometheus metrics, in a registry of its own (several daemons may share a process in tests). */
export interface DaemonMetrics {
  readonly registry: Registry;
  readonly eventsSent: Counter;
  /** Event streams opened, by `transport`: `socket` (a fresh connection, served raw) or `http` (through node:http). */
  readonly streamsOpened: Counter<'transport'>;
  /** Wraps a log so its appends are counted and timed. */
  instrument(log: EventLog): EventLog;
}

/**
 * @param connections The open event streams, counted by `once_sse_connections`.
 * @param feedBytes The event feed's retained bytes (`EventFeed.retainedBytes`), shown as
 *   `once_feed_retained_bytes`; absent, the gauge stays 0.
 */
export function createDaemonMetrics(connections: SseConnections, feedBytes: () => number = () => 0): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const eventsSent = new Counter({
    name: 'once_sse_events_sent_total',
    help: 'Events written to SSE connections.',
    registers: [registry],
  });
  const streamsOpened = new Counter({
    name: 'once_sse_streams_opened_total',
    help: 'Event streams opened, by transport: socket (served on the raw socket of a fresh connection) or http (through node:http).',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'once_sse_connections',
    help: 'Open SSE connections.',
    registers: [registry],
    collect() {
      this.set(connections.size);
    },
  });
  new Gauge({
    name: 'once_feed_retained_bytes',
    help: 'Bytes of recent events the event feed holds in memory for live readers (bounded by its budgets).',
    registers: [registry],
    collect() {
      this.set(feedBytes());
    },
  });
  const appended = new Counter({
    name: 'once_events_appended_total',
    help: 'Events appended to the log.',
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'once_append_commit_seconds',
    help: 'Time from append to durable commit.',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  return {
    registry,
    eventsSent,
    streamsOpened,
    instrument(log) {
      return {
        // One `then` rather than an async function: this runs once per token.
        append: (stream, drafts, options) => {
          const started = performance.now();
          return log.append(stream, drafts, options).then((stored) => {
            commitSeconds.observe((performance.now() - started) / 1000);
            appended.inc(drafts.length);
            return stored;
          });
        },
        read: (stream, after, limit) => log.read(stream, after, limit),
        readEntries: (stream, after, limit) => log.readEntries(stream, after, limit),
        compact: (stream, messageIds) => log.compact(stream, messageIds),
        removeStream: (stream) => log.removeStream(stream),
        head: (stream) => log.head(stream),
        onCommit: (listener) => log.onCommit(listener),
        close: () => log.close(),
      };
    },
  };
}
