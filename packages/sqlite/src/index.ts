export { CHECKPOINT_DEFAULTS, type CheckpointOptions } from './sqlite-checkpointer.ts';
export { openSqliteEventLog, SqliteEventLog, type SqliteEventLogOptions } from './sqlite-event-log.ts';
export type { SqliteSynchronous } from './sqlite-schema.ts';
export { TAIL_INDEX_DEFAULTS, type TailIndexOptions } from './sqlite-tail-indexer.ts';
