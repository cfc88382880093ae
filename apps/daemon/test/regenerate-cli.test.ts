import { currentPath } from '@once/core';
import type { MessageSnapshot } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTranscriptPrinter } from '../src/cli/print-transcript.ts';
import { createConversation, getSnapshot, type SnapshotResponse, sendMessage, settledSnapshot } from './daemon-api.ts';
import { runOnceCommand as once } from './run-once-command.ts';

const DEMO = ['--demo-delay-ms', '2', '--demo-tokens', '30'];

afterEach(stopLeftoverProcesses);
afterEach(stopLeftoverDaemons);

const answers = (snapshot: SnapshotResponse) => currentPath(snapshot).filter((message) => message.role === 'assistant');

function printed(messages: readonly MessageSnapshot[]): string {
  let text = '';
  createTranscriptPrinter({ write: (piece: string) => (text += piece) }).print(messages);
  return text;
}

describe('once regenerate', () => {
  it('streams a new answer in place of the last one, and of a named one; the old ones stay on their branches', async () => {
    await using daemon = await startDaemon({ flags: DEMO });
    const conversationId = await createConversation(daemon.url);
    await sendMessage(daemon.url, conversationId, 'First question');
    await settledSnapshot(daemon.url, conversationId, 2);
    await sendMessage(daemon.url, conversationId, 'Second question');
    const before = await settledSnapshot(daemon.url, conversationId, 4);
    const [first, last] = answers(before);

    const run = await once(['regenerate', '--url', daemon.url, conversationId]);

    expect(run.code).toBe(0);
    const after = await getSnapshot(daemon.url, conversationId);
    const fresh = after.messages.find((message) => message.replaces === last?.id);
    expect(fresh?.status).toBe('complete');
    // The new answer is the path's last, printed once as it streamed; the old one is kept.
    expect(answers(after).map((message) => message.id)).toEqual([first?.id, fresh?.id]);
    expect(after.messages.some((message) => message.id === last?.id)).toBe(true);
    expect(run.out).toBe(printed([fresh as MessageSnapshot]));
    expect(run.err).toContain(`regenerating ${last?.id}`);

    // A named answer, not the last one.
    const named = await once(['regenerate', '--url', daemon.url, conversationId, first?.id as string]);
    expect(named.code).toBe(0);
    const again = await getSnapshot(daemon.url, conversationId);
    expect(again.messages.find((message) => message.replaces === first?.id)?.status).toBe('complete');
  }, 60_000);

  it('refuses with the reason, writing nothing: a user message, an unknown conversation, a conversation with no answer', async () => {
    await using daemon = await startDaemon({ flags: DEMO });
    const conversationId = await createConversation(daemon.url);

    const empty = await once(['regenerate', '--url', daemon.url, conversationId]);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('has no answer to regenerate yet');

    const { userMessageId } = await sendMessage(daemon.url, conversationId, 'Question');
    const before = await settledSnapshot(daemon.url, conversationId, 2);
    const user = await once(['regenerate', '--url', daemon.url, conversationId, userMessageId]);
    expect(user.code).toBe(2);
    expect(user.err).toMatch(/^once: .+\.\n$/);
    expect((await getSnapshot(daemon.url, conversationId)).offset).toBe(before.offset);

    const unknown = await once(['regenerate', '--url', daemon.url, '01a20b65-0000-7000-8000-000000000000']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/once: .*conversation/i);

    const nothing = await once(['regenerate', '--url', daemon.url]);
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain('once regenerate <conversation id> [message id]');
  }, 60_000);
});
