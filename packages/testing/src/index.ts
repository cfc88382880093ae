export {
  accountDraft,
  deltaDraft,
  deltaDrafts,
  newAccountStream,
  newConversationStream,
  newMessageId,
} from './event-drafts.ts';
export {
  type CreateEventLogFixture,
  describeEventLogConformance,
  type EventLogFixture,
  range,
  readAll,
} from './event-log-conformance.ts';
