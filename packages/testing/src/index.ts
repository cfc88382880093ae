export { describeConversationLeasesConformance, type LeaseTableFixture } from './conversation-leases-conformance.ts';
export {
  type DaemonExit,
  type DaemonProcess,
  freePort,
  type StartDaemonOptions,
  startDaemon,
  stopLeftoverDaemons,
} from './daemon-process.ts';
export {
  accountDraft,
  deltaDraft,
  deltaDrafts,
  newAccountStream,
  newConversationStream,
  newMessageId,
} from './event-drafts.ts';
export {
  appendEvents,
  type CreateEventLogFixture,
  describeEventLogConformance,
  type EventLogFixture,
  range,
  readAll,
} from './event-log-conformance.ts';
export { createInMemoryLeaseTable, type InMemoryLeaseTable } from './in-memory-lease-table.ts';
export { createPostgresTestSchema, type PostgresTestSchema, TEST_DATABASE_URL } from './postgres-test-schema.ts';
export { spawnProcess, stopLeftoverProcesses } from './spawn-process.ts';
export {
  type EventSourceWatch,
  type ListenableEventSource,
  type SourceMessage,
  watchEventSource,
} from './watch-event-source.ts';
