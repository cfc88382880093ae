export {
  type AppendDrafts,
  type CompletionDetails,
  createMessageWriter,
  type MessageWriter,
  type MessageWriterOptions,
  type NewMessage,
  resumeMessageWriter,
} from './create-message-writer.ts';
export type { CoalesceWindow } from './delta-coalescer.ts';
export { CANCELLED, SHUTTING_DOWN, type TurnContext, type TurnRunner } from './turn-runner.ts';
export { type UserMessageInput, writeUserMessage } from './write-user-message.ts';
