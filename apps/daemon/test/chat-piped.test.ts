import { join } from 'node:path';
import type { MessageSnapshot } from '@once/protocol';
import { type SnapshotResponse, startDaemon, stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runOnceCommand } from './run-once-command.ts';

// Real processes on a machine that may be busy: generous waits, never a timing assertion.
const PROCESS_TEST_MS = 180_000;
const APPROVAL_TOOL = join(import.meta.dirname, 'configs', 'approval-tool.config.ts');
const TOKEN = 'chat-secret';

afterEach(stopLeftoverProcesses);
afterEach(stopLeftoverDaemons);

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `once <args>` with `input` piped to its stdin, all of it written at once before
 * the command has even started, and waits for it to exit by itself.
 */
async function runPiped(
  args: readonly string[],
  input: string,
  env: Readonly<Record<string, string>> = {},
): Promise<Finished> {
  const {
    code,
    out: stdout,
    err: stderr,
  } = await runOnceCommand(args, {
    input,
    env: { ...process.env, ONCE_URL: '', ONCE_TOKEN: '', ...env },
  });
  return { code, stdout, stderr };
}

/** The daemon's snapshot of a conversation of the token's account. */
async function getSnapshot(baseUrl: string, conversationId: string, token: string): Promise<SnapshotResponse> {
  const response = await fetch(`${baseUrl}/v1/conversations/${conversationId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as SnapshotResponse;
}

const textOf = (message: MessageSnapshot | undefined) =>
  (message?.blocks ?? []).map((block) => (block.type === 'text' ? block.text : '')).join('');

/** How many times `part` occurs in `text`. */
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('once chat on piped input', () => {
  it(
    'sends each line, answers an approval with the next line, prints every answer once in order, and exits 0 when input ends',
    async () => {
      await using daemon = await startDaemon({
        flags: ['--config', APPROVAL_TOOL, '--auth-tokens', `${TOKEN}=alice`, '--demo-delay-ms', '1'],
      });
      const input = 'Please shout {"text": "hi"}\ny\nPlease shout {"text": "no"}\nn\nAnd thanks.\n';
      const chat = await runPiped(['chat', '--url', daemon.url, '--token', TOKEN], input);
      expect(chat.stderr).toMatch(/^conversation \S+\n$/);
      expect(chat.code).toBe(0);
      const conversationId = /conversation (\S+)/.exec(chat.stderr)?.[1] ?? '';

      const { messages } = await getSnapshot(daemon.url, conversationId, TOKEN);
      expect(messages.map((message) => `${message.role} ${message.status}`)).toEqual([
        'user complete',
        'assistant complete',
        'user complete',
        'assistant complete',
        'user complete',
        'assistant complete',
      ]);
      const shown = chat.stdout;
      // In order: each line, its question and answer, then the reply, each once.
      const expected = [
        '> Please shout {"text": "hi"}\n',
        '[shout {"text":"hi"}]\nAllow shout {"text":"hi"}? [y/N] y\n\n[result "HI"]\n',
        '> Please shout {"text": "no"}\n',
        '[shout {"text":"no"}]\nAllow shout {"text":"no"}? [y/N] n\n\n[error {"error":"The user did not allow this tool call."}]\n',
        '> And thanks.\n',
      ];
      let from = 0;
      for (const part of expected) {
        expect(occurrences(shown, part), `${part} in:\n${shown}`).toBe(1);
        expect(shown.indexOf(part, from)).toBeGreaterThanOrEqual(from);
        from = shown.indexOf(part, from) + part.length;
      }
      for (const answer of messages.filter((message) => message.role === 'assistant')) {
        expect(occurrences(shown, textOf(answer).slice(-60))).toBe(1);
      }
    },
    PROCESS_TEST_MS,
  );

  it(
    'takes the daemon and token from ONCE_URL and ONCE_TOKEN; a wrong token and an unknown id fail with a sentence',
    async () => {
      await using daemon = await startDaemon({ flags: ['--auth-tokens', `${TOKEN}=alice`, '--demo-delay-ms', '1'] });
      const fromEnv = await runPiped(['chat'], 'hello\n', { ONCE_URL: daemon.url, ONCE_TOKEN: TOKEN });
      expect(fromEnv.code).toBe(0);
      expect(fromEnv.stdout).toContain('> hello\n');
      expect(fromEnv.stdout).toContain('You asked about "hello"');

      const wrongToken = await runPiped(['chat', '--url', daemon.url, '--token', 'not-it'], 'hello\n');
      expect(wrongToken.code).not.toBe(0);
      expect(wrongToken.stderr).toMatch(/^once: .*token/im);
      expect(wrongToken.stdout).toBe('');

      const unknown = await runPiped(['chat', '--url', daemon.url, '--token', TOKEN, 'no-such-conversation'], 'hi\n');
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('once: There is no conversation no-such-conversation in this account.');
      expect(unknown.stdout).toBe('');
    },
    PROCESS_TEST_MS,
  );
});
