import { join } from 'node:path';
import type { MessageSnapshot } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getSnapshot, type SnapshotResponse } from './daemon-api.ts';
import { missingScript, runInTerminal } from './pseudo-terminal.ts';

if (missingScript !== undefined) console.warn(missingScript);

// Real processes on a machine that may be busy: generous waits, never a timing assertion.
const PROCESS_TEST_MS = 90_000;
const WAIT = { timeout: 30_000, interval: 50 };
const CUSTOM_TOOL = join(import.meta.dirname, '..', '..', '..', 'examples', 'custom-tool', 'once.config.ts');

afterEach(stopLeftoverProcesses);
afterEach(stopLeftoverDaemons);

const textOf = (message: MessageSnapshot | undefined) =>
  (message?.blocks ?? []).map((block) => (block.type === 'text' ? block.text : '')).join('');

/** How many times `part` occurs in `text`. */
const occurrences = (text: string, part: string) => text.split(part).length - 1;

/** The conversation id `once chat` named on stderr. */
async function namedConversation(errors: () => Promise<string>): Promise<string> {
  let id = '';
  await vi.waitFor(async () => {
    id = /conversation (\S+)/.exec(await errors())?.[1] ?? '';
    expect(id).not.toBe('');
  }, WAIT);
  return id;
}

describe.skipIf(missingScript !== undefined)('once chat in a terminal', () => {
  it(
    'streams answers once across a kill -9 and restart, Ctrl-C stops a turn, twice quits',
    async () => {
      await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '15', '--demo-tokens', '300'] });
      await using chat = await runInTerminal(['chat', '--url', daemon.url]);
      const conversationId = await namedConversation(chat.errors);
      const snapshot = () => getSnapshot(daemon.url, conversationId);
      const answer = (state: SnapshotResponse, index: number) =>
        state.messages.filter((message) => message.role === 'assistant')[index];
      await vi.waitFor(() => expect(chat.screen()).toBe('> '), WAIT);

      chat.type('First question\n');
      await vi.waitFor(async () => {
        const first = answer(await snapshot(), 0);
        expect(first?.status).toBe('complete');
        expect(occurrences(chat.screen(), `${textOf(first)}\n> `)).toBe(1);
      }, WAIT);

      chat.type('Second question\n');
      await vi.waitFor(async () => expect(textOf(answer(await snapshot(), 1)).length).toBeGreaterThan(40), WAIT);
      await daemon.kill('SIGKILL');
      await daemon.restart();
      await vi.waitFor(async () => {
        const second = answer(await snapshot(), 1);
        expect(second?.status).toBe('interrupted');
        // Each character once: what streamed before the kill and what came after add up.
        expect(occurrences(chat.screen(), `${textOf(second)} [interrupted]\n> `)).toBe(1);
      }, WAIT);
      await vi.waitFor(async () => expect(await chat.errors()).toMatch(/\(reconnecting…\)[\s\S]*\(live\)/), WAIT);

      chat.type('Third question\n');
      // 60 characters of the third answer on the screen before the Ctrl-C, as the last check reads them.
      await vi.waitFor(async () => {
        const third = textOf(answer(await snapshot(), 2));
        expect(third.length).toBeGreaterThan(60);
        expect(occurrences(chat.screen(), third.slice(0, 60))).toBe(1);
      }, WAIT);
      chat.type('\x03');
      await vi.waitFor(async () => expect(await chat.errors()).toContain('Ctrl-C again to quit'), WAIT);
      chat.type('\x03');
      expect(await chat.exit).toBe(0);
      await vi.waitFor(async () => expect(answer(await snapshot(), 2)?.status).toBe('cancelled'), WAIT);

      const final = await snapshot();
      const screen = chat.screen();
      for (const message of final.messages) {
        if (message.role === 'assistant') expect(occurrences(screen, textOf(message).slice(0, 60))).toBe(1);
        else expect(occurrences(screen, `> ${textOf(message)}\n`)).toBe(1);
      }
    },
    PROCESS_TEST_MS,
  );

  it(
    'asks before a tool that needs approval, runs it on y, and quits on Ctrl-D',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', CUSTOM_TOOL, '--demo-delay-ms', '0'] });
      await using chat = await runInTerminal(['chat', '--url', daemon.url]);
      const conversationId = await namedConversation(chat.errors);
      await vi.waitFor(() => expect(chat.screen()).toBe('> '), WAIT);

      chat.type('Please read_file {"path": "package.json"}\n');
      await vi.waitFor(
        () =>
          expect(chat.screen()).toContain(
            '[read_file {"path":"package.json"}]\nAllow read_file {"path":"package.json"}? [y/N] ',
          ),
        WAIT,
      );
      chat.type('y\n');
      await vi.waitFor(async () => {
        const { messages } = await getSnapshot(daemon.url, conversationId);
        expect(messages.at(-1)?.status).toBe('complete');
        expect(chat.screen()).toMatch(/\[result \{"path":"package.json"[^\n]*\]\n[\s\S]*\n> $/);
      }, WAIT);
      chat.type('\x04');
      expect(await chat.exit).toBe(0);
    },
    PROCESS_TEST_MS,
  );
});
