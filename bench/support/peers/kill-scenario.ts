// What the user sees after the server is killed with SIGKILL mid-answer: the peer's route
// process (its in-flight generation and resumable-stream's buffer go with it) or Once's
// daemon (restarted on the same data dir), each started again at once. The page first
// reacts as useChat would (the app's resumeStream() on error, or the transport by itself),
// then the user reloads.
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeChat } from '../../../packages/ai-sdk/test/node-chat.ts';
import { type AnswerSpec, promptFor } from './answer-model.ts';
import type { Backend } from './backends.ts';

/** One chat's view: the text it showed, as characters, and how much of the text shown before the kill it still shows. */
export interface KillView {
  readonly characters: number;
  /** Characters of the text shown just before the kill that this view no longer shows. */
  readonly lostFromBefore: number;
  readonly status: string;
  /** The last message's role: `user` when the answer is gone. */
  readonly lastRole: string | undefined;
}

/** One chat through the kill. */
export interface KillResult {
  readonly beforeKill: number;
  readonly samePage: KillView;
  readonly afterReload: KillView;
}

const commonPrefix = (a: string, b: string) => {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index += 1;
  return index;
};

function viewOf(chat: NodeChat, before: string): KillView {
  const text = chat.lastAnswerText();
  return {
    characters: text.length,
    lostFromBefore: before.length - commonPrefix(before, text),
    status: chat.status,
    lastRole: chat.messages.at(-1)?.role,
  };
}

/**
 * Resumes until accepted or `ms` passed, as an app's onError handler retrying would. Each
 * resume is waited for only until the deadline (one peer run once waited for minutes after
 * the route was killed; resumable-stream's own wait for a gone producer fails after 1 s
 * when probed alone, so the cause was not pinned down); the page then shows whatever
 * state that left it in.
 */
async function resumeFor(chat: NodeChat, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await Promise.race([chat.resumeStream().catch(() => {}), sleep(Math.max(0, deadline - Date.now()))]);
    if (chat.status !== 'error') return;
    await sleep(200);
  }
}

/** Runs `chats` chats to 40 % of their answer, kills and restarts the server, then resumes and reloads each. */
export async function runKillScenario(backend: Backend, spec: AnswerSpec, chats: number): Promise<KillResult[]> {
  const baseUrl = `http://127.0.0.1:${backend.port}`;
  const ids = await Promise.all(Array.from({ length: chats }, () => backend.newChatId()));
  const transports = ids.map(() => backend.makeTransport(baseUrl, fetch));
  const pages = ids.map((id, index) => new NodeChat({ id, transport: transports[index] as never }));
  try {
    for (const page of pages) void page.sendMessage({ text: promptFor(spec) });
    const words = Math.round(spec.tokens * 0.4);
    await Promise.all(
      pages.map((page) => page.until(() => page.lastAnswerText().includes(`w${words} `), '40 % of the answer', 30_000)),
    );
    const befores = pages.map((page) => page.lastAnswerText());
    await backend.killAndRestart();
    // The kill's effect reaches each page on its own: give them the rest of the answer's time to show it.
    await sleep(spec.tokens * spec.delayMs * 0.6 + 1_000);
    await Promise.all(
      pages.map(async (page) => {
        if (backend.recovery === 'resume' && page.status === 'error') await resumeFor(page, 5_000);
        await page.until(() => page.status === 'ready' || page.status === 'error', 'the page to settle', 15_000);
      }),
    ).catch(() => {});
    const samePage = pages.map((page, index) => viewOf(page, befores[index] ?? ''));
    const reloaded = await Promise.all(
      ids.map(async (id, index) => {
        const transport = backend.makeTransport(baseUrl, fetch);
        transports.push(transport);
        const page = new NodeChat({ id, transport, messages: await backend.loadMessages(baseUrl, id, fetch) });
        await resumeFor(page, 3_000);
        await page
          .until(() => page.status === 'ready' || page.status === 'error', 'the reloaded page to settle', 15_000)
          .catch(() => {});
        return viewOf(page, befores[index] ?? '');
      }),
    );
    return ids.map((_, index) => ({
      beforeKill: befores[index]?.length ?? 0,
      samePage: samePage[index] as KillView,
      afterReload: reloaded[index] as KillView,
    }));
  } finally {
    for (const transport of transports) transport.close?.();
  }
}
