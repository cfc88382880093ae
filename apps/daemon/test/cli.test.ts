import type { MessageSnapshot } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTranscriptPrinter } from '../src/cli/print-transcript.ts';
import { createConversation, getSnapshot, sendMessage } from './daemon-api.ts';
import { startOnceCommand } from './run-once-command.ts';

const DEMO = ['--demo-delay-ms', '3', '--demo-tokens', '60'];

const once = startOnceCommand;

const textOf = (message: MessageSnapshot | undefined) =>
  (message?.blocks ?? []).map((block) => (block.type === 'text' ? block.text : '')).join('');

/** How many times `part` occurs in `text`. */
const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** What printing these messages at once gives: what a stream printed piece by piece must add up to. */
function printedAtOnce(messages: readonly MessageSnapshot[]): string {
  let text = '';
  createTranscriptPrinter({ write: (piece: string) => (text += piece) }).print(messages);
  return text;
}

afterEach(stopLeftoverProcesses);
afterEach(stopLeftoverDaemons);

describe('the once command as a client', () => {
  it('once send prints the answer as it streams, once, and names the conversation', async () => {
    await using daemon = await startDaemon({ flags: DEMO });
    const run = once(['send', '--url', daemon.url, 'Use a tool, please']);
    expect(await run.exit).toBe(0);
    const conversationId = /conversation (\S+)/.exec(run.err())?.[1] ?? '';
    const snapshot = await getSnapshot(daemon.url, conversationId);
    const answer = snapshot.messages.find((message) => message.role === 'assistant');
    expect(answer?.status).toBe('complete');
    const text = textOf(answer);
    expect(text.length).toBeGreaterThan(50);
    expect(run.out()).toBe(printedAtOnce(snapshot.messages));
    expect(run.out()).toContain('> Use a tool, please');
    expect(run.out()).toMatch(/\[clock /);
  }, 30_000);

  it('once tail follows a conversation across a kill -9 and restart, printing each answer once', async () => {
    await using daemon = await startDaemon({ flags: DEMO });
    const conversationId = await createConversation(daemon.url);
    await sendMessage(daemon.url, conversationId, 'First question');
    const tail = once(['tail', '--url', daemon.url, conversationId]);
    // Printed piece by piece, it must add up to the transcript: nothing twice, nothing lost.
    const printedAll = (count: number) =>
      vi.waitFor(
        async () => {
          const { messages } = await getSnapshot(daemon.url, conversationId);
          expect(messages.map((message) => message.status)).toEqual(Array(count).fill('complete'));
          expect(tail.out()).toBe(printedAtOnce(messages));
        },
        { timeout: 20_000, interval: 50 },
      );
    try {
      await printedAll(2);
      await daemon.kill('SIGKILL');
      await daemon.restart();
      await sendMessage(daemon.url, conversationId, 'Second question');
      await printedAll(4);
    } finally {
      tail.child.kill('SIGTERM');
    }
    expect(await tail.exit).toBe(0);
    expect(occurrences(tail.out(), '> Second question')).toBe(1);
  }, 60_000);

  it('once tail of an unknown conversation stops with the reason the daemon gave', async () => {
    await using daemon = await startDaemon({ flags: DEMO });
    const tail = once(['tail', '--url', daemon.url, '01a20b65-0000-7000-8000-000000000000']);
    expect(await tail.exit).toBe(1);
    expect(tail.err()).toMatch(/once: .*conversation/i);
  }, 30_000);
});
