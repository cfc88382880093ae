export { type DirectoryAttachmentStoreOptions, openDirectoryAttachmentStore } from './directory-attachment-store.ts';
export { CHECKPOINT_DEFAULTS, type CheckpointOptions } from './sqlite-checkpointer.ts';
export { openSqliteEventLog, SqliteEventLog, type SqliteEventLogOptions } from './sqlite-event-log.ts';
export type { SqliteSynchronous } from './sqlite-schema.ts';
export { TAIL_INDEX_DEFAULTS, type TailIndexOptions } from './sqlite-tail-indexer.ts';
export { type StorageProblem, storageProblem, toStorageError } from './storage-error.ts';
