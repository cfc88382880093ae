// A daemon for AI SDK endpoint tests whose model is a local provider that records what it
// was shown: real HTTP, a real SQLite log, attachments kept in a real directory.
import { type ModelProvider, runTurn } from '@once/agent';
import type { MessageSnapshot } from '@once/protocol';
import { DefaultChatTransport, type UIMessage } from 'ai';
import { loadUIMessages, OnceChatTransport } from '../src/chat/index.ts';
import { aiSdkRoutes } from '../src/index.ts';
import { NodeChat } from './node-chat.ts';
import { startOnceServer, stopOnceServers } from './once-server.ts';

/** Stops every daemon {@link startRecordingDaemon} started and deletes its files; for `afterEach`. */
export const stopRecordingDaemons = stopOnceServers;

export { loadUIMessages };

/** A message's text, from Once's blocks or the AI SDK's parts. */
export const textOf = (message: MessageSnapshot | UIMessage) =>
  'blocks' in message
    ? message.blocks.map((block) => ('text' in block ? block.text : '')).join('')
    : message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');

/** A daemon with the AI SDK routes whose model answers "answer N" and keeps each request's history as text. */
export async function startRecordingDaemon(
  options: {
    readonly attachmentMaxBytes?: number;
    /** Awaited by every model call before it answers: a turn runs until it resolves. Default none. */
    readonly hold?: () => Promise<void>;
  } = {},
) {
  const seen: string[][] = [];
  /** The attachment bytes each model request carried, by hash. */
  const seenFiles: ReadonlyMap<string, Uint8Array>[] = [];
  const provider: ModelProvider = {
    name: 'recording',
    async *stream(request) {
      seen.push(request.history.map((message) => `${message.role}: ${textOf(message)}`));
      seenFiles.push(request.attachments ?? new Map());
      await options.hold?.();
      yield { type: 'text', text: `answer ${seen.length}` };
      yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
    },
  };
  const { url, server, directory, conversationId, snapshotNow } = await startOnceServer(
    (turn) => runTurn({ ...turn, provider, tools: [] }).then(() => {}),
    {
      routes: [aiSdkRoutes],
      attachments: options.attachmentMaxBytes === undefined ? true : { maxBytes: options.attachmentMaxBytes },
    },
  );
  const chat = () =>
    new NodeChat({ id: conversationId, transport: new DefaultChatTransport({ api: `${url}/v1/ai-sdk/chat` }) });
  const onceChat = () => new NodeChat({ id: conversationId, transport: new OnceChatTransport({ baseUrl: url }) });
  /** Sweeps unsent uploads as a daemon would a day later: files a message sent must stay. */
  const sweepAsIfLater = () => server.sweepAttachments(new Date(Date.now() + 365 * 86_400_000));
  return { url, conversationId, seen, seenFiles, snapshot: snapshotNow, chat, onceChat, directory, sweepAsIfLater };
}

/** Each message as `role: text`. */
export const texts = (messages: readonly (MessageSnapshot | UIMessage)[]) =>
  messages.map((message) => `${message.role}: ${textOf(message)}`);
