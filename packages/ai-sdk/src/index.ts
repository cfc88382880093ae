export { createUIChunkProjector, endingChunkOf, type UIChunkProjector } from './chat/index.ts';
export { aiSdkRoutes } from './chat-endpoints/ai-sdk-routes.ts';
export {
  type AiSdkProviderOptions,
  type CreateAiSdkProviderOptions,
  createAiSdkProvider,
} from './create-ai-sdk-provider.ts';
export { MISSING_TOOL_RESULT, toModelMessages } from './to-model-messages.ts';
export { toProviderError } from './to-provider-error.ts';
export {
  createUIChunkWriter,
  type UIChunkWriter,
  type UIChunkWriterOptions,
  type UIStreamEnding,
} from './ui-message/create-ui-chunk-writer.ts';
export { DENIED_RESULT, toUIMessages, type UIMessageOptions } from './ui-message/to-ui-messages.ts';
export {
  type DataPartEventData,
  dataEventType,
  isDataPartEvent,
  isStepStartEvent,
  STEP_START_EVENT,
  type StepStartEventData,
  type UIPartEvent,
} from './ui-message/ui-part-events.ts';
export {
  createUIStreamTurnRunner,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  type UIStreamTurnRunnerOptions,
} from './ui-stream/create-ui-stream-turn-runner.ts';
export { parseUIMessageChunks } from './ui-stream/parse-ui-message-chunks.ts';
