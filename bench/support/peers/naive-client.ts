// A naive client per backend: it reads the raw SSE and appends every text delta it gets,
// and after a drop reconnects the way the backend's protocol offers. The peer's resume
// (GET /api/chat/:id/stream) replays the stream from its start; Once's event stream
// resumes after the last event id the client saw (Last-Event-ID).
import { setTimeout as sleep } from 'node:timers/promises';
import { startCuttableProxy } from '@once/testing';
import { generateId } from 'ai';
import { type AnswerSpec, promptFor } from './answer-model.ts';
import type { Backend } from './backends.ts';
import type { Fault } from './fault-schedule.ts';
import { checkText, type TextCheck } from './text-check.ts';

/** What a naive client ended with, and what each reconnect sent again before anything new. */
export interface NaiveResult {
  readonly final: TextCheck;
  /** Per reconnect: bytes received on it before its first word the client had not seen. */
  readonly resentBytes: readonly number[];
}

interface Reading {
  text: string;
  /** The highest word index received so far. */
  highest: number;
  lastEventId: string | undefined;
  done: boolean;
}

/** Reads SSE frames of `response`, handing each frame's bytes, then its id and data on; returns when the body ends. */
async function readFrames(
  response: Response,
  onFrame: (data: string, id: string | undefined) => void,
  onBytes: (bytes: number) => void,
): Promise<void> {
  if (response.body === null) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      // Counted frame by frame, so that what precedes a new word is told apart from it in one chunk.
      onBytes(Buffer.byteLength(frame) + 2);
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (data !== undefined) onFrame(data, /^id: (.*)$/m.exec(frame)?.[1]);
      end = buffer.indexOf('\n\n');
    }
  }
}

/** Appends a delta's words to the reading; true when one of them is new. */
function append(reading: Reading, delta: string): boolean {
  reading.text += delta;
  let fresh = false;
  for (const match of delta.matchAll(/w(\d+)/g)) {
    const index = Number(match[1]);
    if (index > reading.highest) {
      reading.highest = index;
      fresh = true;
    }
  }
  return fresh;
}

/** Runs one naive client through `faults` (each a drop: a naive client keeps its text). */
export async function runNaiveClient(
  backend: Backend,
  spec: AnswerSpec,
  faults: readonly Fault[],
): Promise<NaiveResult> {
  await using proxy = await startCuttableProxy(() => ({ host: '127.0.0.1', port: backend.port }));
  const chatId = await backend.newChatId();
  const reading: Reading = { text: '', highest: -1, lastEventId: undefined, done: false };
  const resentBytes: number[] = [];
  const peer = backend.redisPrefix !== undefined;
  let started = Date.now();
  let timers: NodeJS.Timeout[] = [];
  // The faults' moments count from the answer's start: Once's from the accepted send.
  const scheduleFaults = () => {
    started = Date.now();
    timers = faults.map((fault) => setTimeout(() => proxy.cut(), fault.atMs));
  };
  const assistantIds = new Set<string>();
  const onPeerFrame = (data: string, onFresh: () => void) => {
    if (data === '[DONE]') {
      reading.done = true;
      return;
    }
    const chunk = JSON.parse(data) as { type: string; delta?: string };
    if (chunk.type === 'text-delta' && append(reading, chunk.delta ?? '')) onFresh();
  };
  const onOnceFrame = (data: string, id: string | undefined, onFresh: () => void) => {
    if (id !== undefined) reading.lastEventId = id;
    const event = JSON.parse(data) as { type: string; messageId?: string; data?: { role?: string; text?: string } };
    if (event.type === 'message_open' && event.data?.role === 'assistant') assistantIds.add(event.messageId ?? '');
    if (
      event.type === 'block_delta' &&
      assistantIds.has(event.messageId ?? '') &&
      append(reading, event.data?.text ?? '')
    )
      onFresh();
    if (event.type === 'turn_end') {
      reading.done = true;
      onFresh();
    }
  };
  try {
    const prompt = promptFor(spec);
    if (!peer) {
      await fetch(`${proxy.url}/v1/conversations/${chatId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: prompt }),
      });
    }
    scheduleFaults();
    for (
      let connection = 0;
      !reading.done && Date.now() - started < spec.tokens * spec.delayMs + 20_000;
      connection += 1
    ) {
      let bytes = 0;
      // Once's event stream stays open after the turn: the client lets go once it saw turn_end.
      const reader = new AbortController();
      let counting = connection > 0;
      const onFresh = () => {
        if (reading.done) reader.abort();
        if (counting) resentBytes.push(bytes);
        counting = false;
      };
      try {
        const response = peer
          ? connection === 0
            ? await fetch(`${proxy.url}/api/chat`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({
                  id: chatId,
                  trigger: 'submit-message',
                  messages: [{ id: generateId(), role: 'user', parts: [{ type: 'text', text: prompt }] }],
                }),
              })
            : await fetch(`${proxy.url}/api/chat/${chatId}/stream`)
          : await fetch(`${proxy.url}/v1/conversations/${chatId}/events`, {
              signal: reader.signal,
              headers: {
                accept: 'text/event-stream',
                ...(reading.lastEventId === undefined ? {} : { 'last-event-id': reading.lastEventId }),
              },
            });
        if (response.status === 204) break;
        await readFrames(
          response,
          (data, id) => (peer ? onPeerFrame(data, onFresh) : onOnceFrame(data, id, onFresh)),
          (received) => {
            bytes += received;
          },
        );
      } catch {
        // dropped: reconnect
        await sleep(20);
      }
    }
    return { final: checkText(reading.text, spec.tokens), resentBytes };
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}
