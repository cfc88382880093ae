import { join } from 'node:path';
import type { MessageSnapshot } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConversation, getSnapshot, type SnapshotResponse, sendMessage } from './daemon-api.ts';
import { missingScript, runInTerminal } from './pseudo-terminal.ts';

if (missingScript !== undefined) console.warn(missingScript);

// Real processes on a machine that may be busy: generous waits, never a timing assertion.
const PROCESS_TEST_MS = 180_000;
const WAIT = { timeout: 60_000, interval: 50 };
const APPROVAL_TOOL = join(import.meta.dirname, 'configs', 'approval-tool.config.ts');

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
      // One note for the outage, not one per attempt to come back.
      expect(occurrences(await chat.errors(), '(reconnecting…)')).toBe(1);

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
    'shows a tool call, asks before it runs, runs it on y, shows its error, and quits on Ctrl-D',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', APPROVAL_TOOL, '--demo-delay-ms', '0'] });
      await using chat = await runInTerminal(['chat', '--url', daemon.url]);
      const conversationId = await namedConversation(chat.errors);
      const lastAnswer = async () => (await getSnapshot(daemon.url, conversationId)).messages.at(-1);
      await vi.waitFor(() => expect(chat.screen()).toBe('> '), WAIT);

      chat.type('Please shout {"text": "hi"}\n');
      await vi.waitFor(
        () => expect(chat.screen()).toContain('[shout {"text":"hi"}]\nAllow shout {"text":"hi"}? [y/N] '),
        WAIT,
      );
      chat.type('y\n');
      await vi.waitFor(async () => {
        expect((await lastAnswer())?.status).toBe('complete');
        expect(chat.screen()).toMatch(/\[y\/N\] y\n\n\[result "HI"\]\nshout answered: "HI"[^\n]*\n[\s\S]*\n> $/);
      }, WAIT);

      chat.type('Please shout {"text": ""}\n');
      await vi.waitFor(() => expect(chat.screen()).toContain('Allow shout {"text":""}? [y/N] '), WAIT);
      chat.type('yes\n');
      await vi.waitFor(async () => {
        expect((await lastAnswer())?.status).toBe('complete');
        expect(chat.screen()).toMatch(/\[error \{"error":"There is nothing to shout\."\}\]\n[\s\S]*\n> $/);
      }, WAIT);
      chat.type('\x04');
      expect(await chat.exit).toBe(0);
      expect(occurrences(chat.screen(), 'Allow shout')).toBe(2);
    },
    PROCESS_TEST_MS,
  );

  it(
    'with an id prints the conversation so far once, takes a line typed before its prompt, and quits on Ctrl-C at the prompt',
    async () => {
      await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '1'] });
      const conversationId = await createConversation(daemon.url);
      await sendMessage(daemon.url, conversationId, 'An earlier question');
      const earlier = async () => (await getSnapshot(daemon.url, conversationId)).messages;
      await vi.waitFor(async () => expect((await earlier()).at(-1)?.status).toBe('complete'), WAIT);
      const earlierAnswer = textOf((await earlier()).at(-1));

      await using chat = await runInTerminal(['chat', '--url', daemon.url, conversationId]);
      // Typed at once, before the history is loaded and the prompt shows.
      chat.type('Typed early\n');
      await vi.waitFor(async () => {
        const messages = await earlier();
        expect(messages.map((message) => message.status)).toEqual(['complete', 'complete', 'complete', 'complete']);
        expect(chat.screen()).toMatch(/\n> $/);
        expect(occurrences(chat.screen(), `${textOf(messages[3])}\n> `)).toBe(1);
      }, WAIT);
      const screen = chat.screen();
      expect(occurrences(screen, '> An earlier question\n')).toBe(1);
      expect(occurrences(screen, earlierAnswer)).toBe(1);
      // Its echo, before anything else, and the line as sent, after the history.
      expect(screen.indexOf('> Typed early\n')).toBeGreaterThan(screen.indexOf(earlierAnswer));
      expect(await chat.errors()).toBe('');

      chat.type('\x03');
      expect(await chat.exit).toBe(0);
    },
    PROCESS_TEST_MS,
  );
});
