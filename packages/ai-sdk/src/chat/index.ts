export { createUIChunkProjector, type UIChunkProjector } from './create-ui-chunk-projector.ts';
export { endingChunkOf } from './ending-chunk.ts';
export { type LoadUIMessagesOptions, loadUIMessages } from './load-ui-messages.ts';
export { OnceChatTransport, type OnceChatTransportOptions } from './once-chat-transport.ts';
export { MessageRebuildError } from './stream-assistant-message.ts';
