import { currentPath } from '@once/core';
import type { MessageSnapshot } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTranscriptPrinter } from '../src/cli/print-transcript.ts';
import { createConversation, getSnapshot, sendMessage, settledSnapshot } from './daemon-api.ts';
import { runOnceCommand as once } from './run-once-command.ts';

const DEMO = ['--demo-delay-ms', '2', '--demo-tokens', '30'];

afterEach(stopLeftoverProcesses);
afterEach(stopLeftoverDaemons);

async function regenerate(url: string, conversationId: string, messageId: string): Promise<void> {
  const response = await fetch(`${url}/v1/conversations/${conversationId}/messages/${messageId}/regenerate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(202);
}

function printed(messages: readonly MessageSnapshot[]): string {
  let text = '';
  createTranscriptPrinter({ write: (piece: string) => (text += piece) }).print(messages);
  return text;
}

/** The lines of `once branches` naming a message: `*` marks the one on the current path. */
const lineOf = (out: string, id: string) => out.split('\n').find((line) => line.includes(id));

describe('once branches and once switch-branch', () => {
  it('lists the alternatives of an answer, switches to an older one and prints the path it now shows', async () => {
    await using daemon = await startDaemon({ flags: DEMO });
    const conversationId = await createConversation(daemon.url);
    await sendMessage(daemon.url, conversationId, 'A question');
    const [, first] = (await settledSnapshot(daemon.url, conversationId, 2)).messages;
    await regenerate(daemon.url, conversationId, first?.id as string);
    await settledSnapshot(daemon.url, conversationId, 3);
    await regenerate(daemon.url, conversationId, first?.id as string);
    const before = await settledSnapshot(daemon.url, conversationId, 4);
    const [, , second, third] = before.messages;

    // Without a message: every message of the current path that has alternatives.
    const listed = await once(['branches', '--url', daemon.url, conversationId]);
    expect(listed.code).toBe(0);
    expect(lineOf(listed.out, first?.id as string)).toMatch(/^ {2}1\/3 /);
    expect(lineOf(listed.out, second?.id as string)).toMatch(/^ {2}2\/3 /);
    expect(lineOf(listed.out, third?.id as string)).toMatch(/^\* 3\/3 /);
    expect(listed.out).not.toContain(before.messages[0]?.id as string);

    const switched = await once(['switch-branch', '--url', daemon.url, conversationId, first?.id as string]);
    expect(switched.code).toBe(0);
    const after = await getSnapshot(daemon.url, conversationId);
    expect(currentPath(after).map((message) => message.id)).toEqual([before.messages[0]?.id, first?.id]);
    // It prints what the conversation now shows from the branch on.
    expect(switched.out).toBe(printed([first as MessageSnapshot]));
    expect(switched.err).toContain(`switched to ${first?.id} (1/3)`);

    // Named, the message's alternatives, now with the first on the current path.
    const named = await once(['branches', '--url', daemon.url, conversationId, third?.id as string]);
    expect(named.code).toBe(0);
    expect(lineOf(named.out, first?.id as string)).toMatch(/^\* 1\/3 /);
    expect(lineOf(named.out, third?.id as string)).toMatch(/^ {2}3\/3 /);
  }, 60_000);

  it('refuses with the reason, switching nothing: an unknown message, a missing argument, a turn running', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '50', '--demo-tokens', '400'] });
    const conversationId = await createConversation(daemon.url);

    const none = await once(['branches', '--url', daemon.url, conversationId]);
    expect(none.code).toBe(0);
    expect(none.out).toBe('');
    expect(none.err).toContain('has no branches yet');

    const { userMessageId } = await sendMessage(daemon.url, conversationId, 'A long answer, please');
    // The turn streams for about 20 s: switching now is refused.
    const busy = await once(['switch-branch', '--url', daemon.url, conversationId, userMessageId]);
    expect(busy.code).toBe(2);
    expect(busy.err).toMatch(/^once: A turn is running .+\.\n$/);

    const unknown = '01a20b65-0000-7000-8000-000000000000';
    const unknownList = await once(['branches', '--url', daemon.url, conversationId, unknown]);
    expect(unknownList.code).toBe(2);
    expect(unknownList.err).toContain(`no message ${unknown}`);
    const unknownSwitch = await once(['switch-branch', '--url', daemon.url, conversationId, unknown]);
    expect(unknownSwitch.code).toBe(2);
    expect(unknownSwitch.err).toMatch(/^once: .+\.\n$/);
    // Still on the answer being written: nothing was switched.
    const [question, answer] = (await getSnapshot(daemon.url, conversationId)).messages;
    expect(question?.id).toBe(userMessageId);
    expect(currentPath(await getSnapshot(daemon.url, conversationId)).map((message) => message.id)).toEqual([
      userMessageId,
      answer?.id,
    ]);

    const missing = await once(['switch-branch', '--url', daemon.url, conversationId]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('once switch-branch <conversation id> <message id>');
  }, 60_000);
});
