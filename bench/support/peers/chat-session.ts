// One useChat session (the AI SDK's Chat, as @ai-sdk/react runs it) on a backend under its
// faults, through a proxy of its own so that a drop cuts only this chat's connections.
// Reports what its state showed: duplicated and lost characters against the known answer,
// and for each resume the time and the bytes until the chat showed new text again.
import { setTimeout as sleep } from 'node:timers/promises';
import { startCuttableProxy } from '@once/testing';
import type { UIMessage } from 'ai';
import { NodeChat } from '../../../packages/ai-sdk/test/node-chat.ts';
import { type AnswerSpec, promptFor } from './answer-model.ts';
import type { Backend, PageTransport } from './backends.ts';
import type { Fault } from './fault-schedule.ts';
import { checkText, type TextCheck } from './text-check.ts';

/** How one resume went: from the fault to the chat showing more than it showed at the fault. */
export interface ResumeMeasure {
  readonly kind: Fault['kind'];
  /** Milliseconds, or undefined when the chat never showed more (the resume failed). */
  readonly ms: number | undefined;
  /** Bytes the page received over that time. */
  readonly bytes: number;
}

/** What a session ended with. */
export interface SessionResult {
  /** In the chat's final state. */
  readonly final: TextCheck;
  /** The most duplicated characters the state ever showed at once (sampled every 20 ms). */
  readonly peakDuplicated: number;
  readonly resumes: readonly ResumeMeasure[];
  /** The chat's final status and error, if any. */
  readonly status: string;
  readonly error: string | undefined;
}

/** A `fetch` that adds every response body byte it passes on to `counter.bytes`. */
export function countingFetch(counter: { bytes: number }): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.body === null) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          counter.bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** Calls `resumeStream()` until it is accepted (the route may answer 500 while its producer is gone), up to `ms`. */
async function resumeUntilAccepted(chat: NodeChat, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    // Waited for until the deadline only, as in kill-scenario.ts.
    await Promise.race([chat.resumeStream(), sleep(Math.max(0, deadline - Date.now()))]);
    if (chat.status !== 'error' || Date.now() > deadline) return;
    await sleep(100);
  }
}

/** The history a reloaded page loads; a request that met a connection the cut left in the pool is tried again. */
async function loadHistory(backend: Backend, baseUrl: string, chatId: string, fetch: typeof globalThis.fetch) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await backend.loadMessages(baseUrl, chatId, fetch);
    } catch (error) {
      if (attempt === 5) throw error;
      await sleep(50);
    }
  }
}

/** Runs one chat: sends the question, applies `faults` at their moments, waits for the end. */
export async function runChatSession(
  backend: Backend,
  spec: AnswerSpec,
  faults: readonly Fault[],
): Promise<SessionResult> {
  await using proxy = await startCuttableProxy(() => ({ host: '127.0.0.1', port: backend.port }));
  const counter = { bytes: 0 };
  const fetch = countingFetch(counter);
  const chatId = await backend.newChatId();
  const transports: PageTransport[] = [];
  const open = (messages?: UIMessage[]) => {
    const transport = backend.makeTransport(proxy.url, fetch);
    transports.push(transport);
    return new NodeChat({ id: chatId, transport, ...(messages === undefined ? {} : { messages }) });
  };
  let chat = open();
  const answerMs = spec.tokens * spec.delayMs;
  let peakDuplicated = 0;
  const sampler = setInterval(() => {
    peakDuplicated = Math.max(peakDuplicated, checkText(chat.lastAnswerText(), spec.tokens).duplicated);
  }, 20);
  const resumes: ResumeMeasure[] = [];
  try {
    const started = Date.now();
    // The request whose stream the page shows now: a resume's `status` reads `ready` until
    // its transport answered, so the page is done only once this settled too.
    let request = { settled: false };
    const follow = (promise: Promise<unknown>) => {
      const tracked = { settled: false };
      void promise.finally(() => {
        tracked.settled = true;
      });
      request = tracked;
      return promise;
    };
    let current = follow(chat.sendMessage({ text: promptFor(spec) }));
    for (const fault of faults) {
      await sleep(Math.max(0, started + fault.atMs - Date.now()));
      if (request.settled && chat.status === 'ready') break;
      const shown = chat.lastAnswerText().length;
      const bytesBefore = counter.bytes;
      const at = performance.now();
      proxy.cut();
      if (fault.kind === 'reload') {
        // The page goes away: its connections are cut; a new page loads the history and resumes.
        transports.at(-1)?.close?.();
        chat = open(await loadHistory(backend, proxy.url, chatId, fetch));
        // As useChat's resume on mount, retried by the app while it fails (a request may meet a socket the cut left).
        current = follow(resumeUntilAccepted(chat, 5_000));
      } else if (backend.recovery === 'resume') {
        // useChat's stream ends in an error; the app resumes at once (its onError, or useChat's resume on focus).
        await chat.until(() => chat.status === 'error', 'the dropped stream to fail', 10_000).catch(() => {});
        if (chat.status === 'error') current = follow(resumeUntilAccepted(chat, 5_000));
      }
      const resumed = await chat
        .until(() => chat.lastAnswerText().length > shown, 'the chat to show new text', 10_000)
        .then(() => true)
        .catch(() => false);
      resumes.push({
        kind: fault.kind,
        ms: resumed ? performance.now() - at : undefined,
        bytes: counter.bytes - bytesBefore,
      });
    }
    await Promise.race([current.catch(() => {}), sleep(answerMs + 20_000)]);
    await chat
      .until(() => request.settled && (chat.status === 'ready' || chat.status === 'error'), 'the answer to end', 20_000)
      .catch(() => {});
    return {
      final: checkText(chat.lastAnswerText(), spec.tokens),
      peakDuplicated,
      resumes,
      status: chat.status,
      error: chat.error?.message,
    };
  } finally {
    clearInterval(sampler);
    for (const transport of transports) transport.close?.();
  }
}
