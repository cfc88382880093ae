export type {
  AccountEvent,
  ConversationCreatedEvent,
  ConversationDeletedEvent,
  ConversationUpdatedEvent,
} from './account-events.ts';
export {
  conversationCreatedEventSchema,
  conversationDeletedEventSchema,
  conversationUpdatedEventSchema,
} from './account-events.ts';
export { type AppEventRecord, appEventRecordSchema } from './app-event-record.ts';
export {
  type Attachment,
  attachmentHashSchema,
  attachmentNameSchema,
  attachmentSchema,
  MAX_MESSAGE_ATTACHMENTS,
  mediaTypeSchema,
  messageAttachmentsSchema,
} from './attachment.ts';
export { type BranchSelectedEvent, branchSelectedEventSchema } from './branch-events.ts';
export { compactDelta, expandCompactDelta, isCompactDelta, type RawEnvelope } from './compact-frame.ts';
export { type Conversation, conversationSchema } from './conversation.ts';
export {
  type ConversationSnapshot,
  conversationSnapshotSchema,
  type OlderMessages,
  olderMessagesSchema,
  type PendingApproval,
  pendingApprovalSchema,
} from './conversation-snapshot.ts';
export { describeZodError } from './describe-zod-error.ts';
export { ERROR_STATUS, type ErrorBody, type ErrorCode, isOnceError, OnceError } from './errors.ts';
export {
  type ConversationEvent,
  EVENT_TYPES,
  type EventType,
  type IncomingEvent,
  isKnownEvent,
  type OnceEvent,
  onceEventSchema,
  parseEvent,
  parseIncomingEvent,
  type SafeParseEventResult,
  safeParseEvent,
  type UnknownEvent,
} from './event.ts';
export type { ConversationEventDraft, EventDraft } from './event-draft.ts';
export { type AnyEventEnvelope, anyEventEnvelopeSchema } from './event-envelope.ts';
export { EXPORT_FORMATS, type ExportFormat, exportFormatSchema } from './export-format.ts';
export {
  type ClientMessageId,
  type ConversationId,
  chatIdSchema,
  clientMessageIdSchema,
  conversationIdSchema,
  createIdGenerator,
  type IdGenerator,
  type IdGeneratorOptions,
  type MessageId,
  messageIdSchema,
  newId,
  type TurnId,
  turnIdSchema,
} from './ids.ts';
export {
  type BlockCloseData,
  type BlockCloseEvent,
  type BlockDeltaData,
  type BlockDeltaEvent,
  type BlockOpenData,
  type BlockOpenEvent,
  blockCloseEventSchema,
  blockDeltaEventSchema,
  blockOpenEventSchema,
  type MessageCompleteEvent,
  type MessageEvent,
  type MessageOpenEvent,
  messageCompleteEventSchema,
  messageOpenEventSchema,
} from './message-events.ts';
export { type MessagePage, messagePageSchema } from './message-page.ts';
export { type Offset, offsetSchema, parseCursor, START_OFFSET, toOffset } from './offset.ts';
export {
  type JsonSchemaDocument,
  PROTOCOL_JSON_SCHEMA_ID,
  protocolJsonSchema,
  protocolJsonSchemaText,
} from './protocol-json-schema.ts';
export {
  type BlockSnapshot,
  type BlockStatus,
  type BlockType,
  blockSnapshotSchema,
  type FinalMessageStatus,
  type JsonObject,
  type JsonValue,
  MESSAGE_LEVEL,
  type MessageError,
  type MessageSnapshot,
  type MessageStatus,
  messageSnapshotSchema,
  type Role,
  type SurfaceBlock,
  type TextBlock,
  type ThinkingBlock,
  type ToolResultBlock,
  type ToolUseBlock,
  type Usage,
  type Watermarks,
} from './snapshots.ts';
export {
  type ActivityEvent,
  type ActivityPhase,
  type ApprovalDecision,
  type ApprovalRequestEvent,
  type ApprovalResolvedEvent,
  activityEventSchema,
  approvalDecisionSchema,
  approvalRequestEventSchema,
  approvalResolvedEventSchema,
  type StartedTurn,
  startedTurnSchema,
  type TurnEndEvent,
  type TurnEndReason,
  type TurnEvent,
  type TurnStartEvent,
  turnEndEventSchema,
  turnStartEventSchema,
  type UsageEvent,
  usageEventSchema,
} from './turn-events.ts';
