export { openPostgresEventLog, PostgresEventLog, type PostgresEventLogOptions } from './postgres-event-log.ts';
export { DEFAULT_SCHEMA, POSTGRES_LAYOUT_VERSION } from './postgres-schema.ts';
