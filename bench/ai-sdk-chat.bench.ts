// useChat on Once (packages/ai-sdk/src/chat). (a) How fast a turn's events reach the AI
// SDK Chat's state (what useChat renders from) through OnceChatTransport, beside Once's
// own client store fed the same events over the same in-process fetch: the transport's
// cost is the store, the projector and the Chat's own chunk processing. (b) What a resume
// sends: a turn cut at its middle and resumed, through Once's event stream (from the
// cursor), through the daemon's AI SDK endpoint (the message rebuilt from its start, then
// live), beside a replay of the whole UI message stream from its start (what
// `resumable-stream` sends to DefaultChatTransport), on a real daemon process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OnceChatTransport } from '@once/ai-sdk/chat';
import { createClient } from '@once/client';
import type { ChatTransport, UIMessage, UIMessageChunk } from 'ai';
import { NodeChat } from '../packages/ai-sdk/test/node-chat.ts';
import type { Bench } from './bench-report.ts';
import { startDaemon, stop } from './support/child-process.ts';

const TOKENS = 2_000;
const ROUNDS = 5;

interface StoredEvent {
  readonly offset: number;
  readonly type: string;
}

/** A recorded turn: the snapshot a client got while it ran, and every event after it. */
interface RecordedTurn {
  readonly conversationId: string;
  readonly snapshotText: string;
  readonly snapshotOffset: number;
  readonly events: readonly StoredEvent[];
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function post(url: string, body: object): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function newConversation(url: string): Promise<string> {
  const { conversation } = await json<{ conversation: { id: string } }>(await post(`${url}/v1/conversations`, {}));
  return conversation.id;
}

interface SnapshotView {
  readonly offset: number;
  readonly activeTurn?: object;
  readonly messages: readonly { role: string; status: string }[];
}

/** Polls the snapshot until `check` holds; returns it with its raw text. */
async function snapshotWhen(
  url: string,
  conversationId: string,
  check: (snapshot: SnapshotView) => boolean,
): Promise<{ text: string; snapshot: SnapshotView }> {
  for (let attempt = 0; attempt < 6_000; attempt += 1) {
    const text = await (await fetch(`${url}/v1/conversations/${conversationId}`)).text();
    const snapshot = JSON.parse(text) as SnapshotView;
    if (check(snapshot)) return { text, snapshot };
    await sleep(5);
  }
  throw new Error('the conversation never reached the awaited state');
}

const answering = (snapshot: SnapshotView) =>
  snapshot.activeTurn !== undefined && snapshot.messages.at(-1)?.role === 'assistant';
const idle = (snapshot: SnapshotView) => snapshot.activeTurn === undefined;

/** Every stored event of the conversation after `after`, read in JSON pages. */
async function eventsAfter(url: string, conversationId: string, after: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let cursor = after; ; ) {
    const page = await json<{ events: StoredEvent[]; nextOffset: number; upToDate: boolean }>(
      await fetch(`${url}/v1/conversations/${conversationId}/events?after=${cursor}&limit=1000`),
    );
    events.push(...page.events);
    cursor = page.nextOffset;
    if (page.upToDate) return events;
  }
}

/** Runs one turn on the daemon, taking the snapshot a client would get just after the answer opened. */
async function recordTurn(url: string): Promise<RecordedTurn> {
  const conversationId = await newConversation(url);
  await post(`${url}/v1/conversations/${conversationId}/messages`, { content: 'Tell me about durable streams.' });
  const { text, snapshot } = await snapshotWhen(url, conversationId, answering);
  await snapshotWhen(url, conversationId, idle);
  const events = await eventsAfter(url, conversationId, snapshot.offset);
  return { conversationId, snapshotText: text, snapshotOffset: snapshot.offset, events };
}

/**
 * A `fetch` that answers as the daemon did, from memory: the recorded snapshot, and an
 * event stream of the recorded events after the request's cursor that then stays open
 * (live and quiet) until the client lets go. Both clients read the same bytes.
 */
function replayFetch(turn: RecordedTurn): typeof fetch {
  const encoder = new TextEncoder();
  const frames = turn.events.map((event) => ({
    offset: event.offset,
    bytes: encoder.encode(`id: ${event.offset}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
  }));
  const head = turn.events.at(-1)?.offset ?? turn.snapshotOffset;
  const ready = encoder.encode(`event: ready\ndata: {"offset":${head}}\n\n`);
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.pathname.endsWith('/events')) {
      const after = Number(request.headers.get('last-event-id') ?? url.searchParams.get('after') ?? 0);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const frame of frames) if (frame.offset > after) controller.enqueue(frame.bytes);
          controller.enqueue(ready);
          init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }
    if (url.pathname === `/v1/conversations/${turn.conversationId}`) {
      return new Response(turn.snapshotText, { headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ error: { code: 'not_found', message: url.pathname } }), { status: 404 });
  };
}

const REPLAY_URL = 'http://once.invalid';

/** Once's client store: from opening the conversation until the answer is final in the store. */
async function intoClientStore(turn: RecordedTurn): Promise<number> {
  const client = createClient({ baseUrl: REPLAY_URL, fetch: replayFetch(turn) });
  const started = performance.now();
  const conversation = client.conversation(turn.conversationId);
  await new Promise<void>((resolve) => {
    const check = () => {
      const answer = conversation.store.getSnapshot().messages.at(-1);
      if (answer?.role === 'assistant' && answer.status !== 'streaming') {
        unsubscribe();
        resolve();
      }
    };
    const unsubscribe = conversation.store.subscribe(check);
    check();
  });
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return seconds;
}

/** useChat's state: from `resumeStream()` until the Chat is ready with the whole answer. */
async function intoChatState(turn: RecordedTurn): Promise<{ seconds: number; chunks: UIMessageChunk[] }> {
  const transport = new OnceChatTransport({ baseUrl: REPLAY_URL, fetch: replayFetch(turn) });
  const chunks: UIMessageChunk[] = [];
  const counting = {
    resumeStreamIsReplay: true,
    sendMessages: transport.sendMessages.bind(transport),
    reconnectToStream: async (options: Parameters<typeof transport.reconnectToStream>[0]) => {
      const stream = await transport.reconnectToStream(options);
      return (
        stream?.pipeThrough(
          new TransformStream({
            transform(chunk, controller) {
              chunks.push(chunk);
              controller.enqueue(chunk);
            },
          }),
        ) ?? null
      );
    },
  };
  const chat = new NodeChat({ id: turn.conversationId, transport: counting });
  const started = performance.now();
  await chat.resumeStream();
  await chat.until(() => chat.status === 'ready', 'the chat to finish the answer', 120_000);
  const seconds = (performance.now() - started) / 1000;
  if (chat.lastAnswerText().length === 0) throw new Error('the Chat showed no answer');
  transport.close();
  return { seconds, chunks };
}

/** The AI SDK alone: the same chunks handed to a Chat from memory, until it is ready. */
async function chunksIntoChat(chunks: readonly UIMessageChunk[]): Promise<number> {
  const transport: ChatTransport<UIMessage> = {
    resumeStreamIsReplay: true,
    sendMessages: () => Promise.reject(new Error('this Chat only resumes')),
    reconnectToStream: async () =>
      new ReadableStream<UIMessageChunk>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
  };
  const chat = new NodeChat({ id: 'from-memory', transport });
  const started = performance.now();
  await chat.resumeStream();
  await chat.until(() => chat.status === 'ready', 'the chat to finish the answer', 120_000);
  return (performance.now() - started) / 1000;
}

async function best<T extends number | { seconds: number }>(run: () => Promise<T>): Promise<T> {
  let fastest: T | undefined;
  const secondsOf = (value: T) => (typeof value === 'number' ? value : value.seconds);
  for (let round = 0; round < ROUNDS; round += 1) {
    (globalThis as { gc?: () => void }).gc?.();
    const result = await run();
    if (fastest === undefined || secondsOf(result) < secondsOf(fastest)) fastest = result;
  }
  return fastest as T;
}

/** Reads a response body to its end, counting bytes. */
async function bytesOf(response: Response, until?: (text: string) => boolean): Promise<number> {
  const reader = response.body?.getReader();
  if (reader === undefined) return 0;
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    bytes += next.value.byteLength;
    if (until === undefined) continue;
    text += decoder.decode(next.value, { stream: true });
    if (until(text)) {
      await reader.cancel();
      break;
    }
  }
  return bytes;
}

interface ResumeBytes {
  /** The whole UI message stream of the turn, as a replay from its start sends it again. */
  readonly replayFromStart: number;
  /** The AI SDK endpoint's resume at mid-turn: the message rebuilt from its start, then live. */
  readonly rebuild: number;
  /** Once's event stream resumed from the cursor a client held at mid-turn. */
  readonly fromCursor: number;
  /** The answer's text, in bytes. */
  readonly text: number;
}

/** A turn sent through the AI SDK endpoint and read whole, resumed at its middle both ways meanwhile. */
async function resumeBytes(url: string): Promise<ResumeBytes> {
  const chatId = await newConversation(url);
  const whole = post(`${url}/v1/ai-sdk/chat`, {
    id: chatId,
    trigger: 'submit-message',
    messages: [{ id: 'resume-1', role: 'user', parts: [{ type: 'text', text: 'Tell me about durable streams.' }] }],
  }).then((response) => bytesOf(response));
  // Mid-turn: half the answer's tokens are in.
  const { snapshot } = await snapshotWhen(url, chatId, (view) => {
    const answer = view.messages.at(-1) as { role: string; blocks?: { text?: string }[] } | undefined;
    const words =
      answer?.blocks
        ?.map((block) => block.text ?? '')
        .join('')
        .split(' ').length ?? 0;
    return answering(view) && words >= TOKENS / 2;
  });
  const [rebuild, fromCursor] = await Promise.all([
    fetch(`${url}/v1/ai-sdk/chat/${chatId}/stream`).then((response) => bytesOf(response)),
    fetch(`${url}/v1/conversations/${chatId}/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': String(snapshot.offset) },
    }).then((response) => bytesOf(response, (text) => text.includes('event: turn_end'))),
  ]);
  const replayFromStart = await whole;
  const final = JSON.parse((await snapshotWhen(url, chatId, idle)).text) as {
    messages: { blocks: { type: string; text?: string }[] }[];
  };
  const text = new TextEncoder().encode(
    final.messages
      .at(-1)
      ?.blocks.map((block) => block.text ?? '')
      .join('') ?? '',
  ).byteLength;
  return { replayFromStart, rebuild, fromCursor, text };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const bench: Bench = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'once-bench-chat-'));
  // Paced like a model (2 ms a token), so that each token is an event of its own.
  const daemon = await startDaemon(dataDir, ['--demo-delay-ms', '2', '--demo-tokens', String(TOKENS)]);
  let turn: RecordedTurn;
  let resume: ResumeBytes;
  try {
    turn = await recordTurn(daemon.url);
    resume = await resumeBytes(daemon.url);
  } finally {
    await stop(daemon.child);
    await rm(dataDir, { recursive: true, force: true });
  }

  const store = await best(() => intoClientStore(turn));
  const chat = await best(() => intoChatState(turn));
  const chatAlone = await best(() => chunksIntoChat(chat.chunks));
  const events = turn.events.length;
  const limit = { what: "Once's client store, same events", value: events / store };
  return {
    title: 'useChat on Once (packages/ai-sdk/src/chat)',
    method: `(a) A ${TOKENS.toLocaleString('en-US')}-token demo answer (2 ms a token) recorded from a real daemon (${events.toLocaleString('en-US')} events after the snapshot a client got as the answer opened), served again from memory by one in-process fetch: the AI SDK Chat (AbstractChat, as @ai-sdk/react builds it, cloning the message on every update as its React state does) resuming through OnceChatTransport until it shows the whole answer, beside Once's client store opening the same conversation until the answer is final. Best of ${ROUNDS} rounds. (b) The same answer through the daemon's POST /v1/ai-sdk/chat, read whole; at mid-answer a resume through GET /v1/ai-sdk/chat/:id/stream (the message rebuilt from its start, then live) and one through Once's event stream from the cursor a client held then, each read to the turn's end. A replay from the start (resumable-stream behind DefaultChatTransport) resends the whole UI message stream, so its bytes on a resume are the whole stream's.`,
    rows: [
      {
        what: "a turn's events into useChat's state through OnceChatTransport",
        value: events / chat.seconds,
        unit: 'events/s',
        limit,
      },
      {
        what: 'the same chunks into the Chat from memory (the AI SDK alone, no Once)',
        value: events / chatAlone,
        unit: 'events/s',
        limit,
      },
      {
        what: 'bytes sent on a mid-answer resume: AI SDK endpoint (rebuild from start, then live)',
        value: resume.rebuild,
        unit: 'bytes',
        limit: { what: 'replay of the whole UI message stream from its start', value: resume.replayFromStart },
      },
      {
        what: "bytes sent on a mid-answer resume: Once's event stream from the cursor",
        value: resume.fromCursor,
        unit: 'bytes',
        limit: { what: 'replay of the whole UI message stream from its start', value: resume.replayFromStart },
      },
    ],
    notes: [
      `(a) The Chat took ${chat.chunks.length.toLocaleString('en-US')} UI message chunks for the ${events.toLocaleString('en-US')} events: the projector emits what the store newly applied each time it is asked, so events the store applied together leave as one chunk. The Chat's own processing (a job per chunk, the message cloned on every update) is the second row: the transport's share is the difference.`,
      `(b) The answer's text is ${kib(resume.text)}; the whole UI message stream ${kib(resume.replayFromStart)}. A resume at mid-answer: ${kib(resume.rebuild)} through the AI SDK endpoint (half the text again in one chunk, then the second half's deltas), ${kib(resume.fromCursor)} through Once's event stream (only the second half, as full envelopes), against ${kib(resume.replayFromStart)} replayed from the start, half of it already shown.`,
    ],
  };
};

export default bench;
