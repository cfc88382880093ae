export {
  type AttachmentDetails,
  type AttachmentStore,
  type OpenedAttachment,
  type PutAttachmentResult,
  type ReferencingConversation,
  readAttachment,
  type SweepResult,
} from './attachment-store.ts';
export { callCommitListener } from './call-commit-listener.ts';
export { checkSnapshotOffset } from './check-snapshot-offset.ts';
export type { ConversationLeases } from './coordination/conversation-leases.ts';
export { createKeyedLock, type KeyedLock } from './coordination/keyed-lock.ts';
export {
  createLocalTurnCommands,
  type TurnCommand,
  type TurnCommandHandler,
  type TurnCommands,
} from './coordination/turn-commands.ts';
export { createLocalTurnCoordination, type TurnCoordination } from './coordination/turn-coordination.ts';
export type {
  AppendOptions,
  CommitListener,
  CommitNotice,
  CompactionResult,
  EventDraft,
  EventLog,
  StoredEntry,
  StoredEvent,
  StreamKey,
} from './event-log.ts';
export {
  type CommitBatch,
  GROUP_COMMIT_DEFAULTS,
  GroupCommit,
  type GroupCommitOptions,
} from './group-commit.ts';
export { type MessageSeqs, mayBeStored, noteStored } from './message-seqs.ts';
export { type CompactionPlan, extendRegion, planCompaction } from './plan-compaction.ts';
export { type EventIdentity, envelopeObject, envelopeText, type PreparedDraft, prepareDraft } from './prepare-draft.ts';
export { type SentMessage, sentMessagesOf, sentTwiceError } from './sent-once.ts';
export type { ConversationHead, SnapshotStore, SnapshotSummary, StoredSnapshot } from './snapshot-store.ts';
export { toStoredEntry } from './stored-entry.ts';
export { type StreamName, streamId, streamIdOf, streamKeyOf, streamName } from './stream-names.ts';
