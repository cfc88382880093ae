export {
  BATCHES_IN_FLIGHT,
  openPostgresEventLog,
  type PostgresEventLogOptions,
} from './open-postgres-event-log.ts';
export {
  DEFAULT_LEASE_MS,
  openPostgresTurnCoordination,
  type PostgresTurnCoordinationOptions,
} from './open-postgres-turn-coordination.ts';
export { openPostgresAttachmentStore, type PostgresAttachmentStoreOptions } from './postgres-attachment-store.ts';
export { PostgresConversationLeases } from './postgres-conversation-leases.ts';
export { PostgresEventLog } from './postgres-event-log.ts';
export { DEFAULT_SCHEMA, POSTGRES_LAYOUT_VERSION } from './postgres-schema.ts';
export { createPostgresSendLock } from './postgres-send-lock.ts';
