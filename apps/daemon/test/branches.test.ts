import { join } from 'node:path';
import { type ConversationClient, createClient } from '@once/client';
import { alternativesOf, currentPath, snapshot } from '@once/core';
import type { MessageId, MessageSnapshot } from '@once/protocol';
import { createDaemonClient, type DaemonClient, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Real daemon processes on a machine that may be busy: generous, never a timing assertion.
const PROCESS_TEST_MS = 90_000;
const WAIT = { timeout: 30_000, interval: 50 };
const CONFIG = join(import.meta.dirname, 'configs', 'path-report.config.ts');

afterEach(stopLeftoverDaemons);

const textOf = (message: MessageSnapshot | undefined) =>
  message?.blocks.map((block) => (block.type === 'text' ? block.text : '')).join('') ?? '';

/** The texts of the client's current path, as a branch-aware UI shows them. */
const shown = (conversation: ConversationClient) => currentPath(conversation.store.getSnapshot()).map(textOf);

/** What the model was given for the answer `text` (`#N saw [...]`). */
const sawFor = (text: string): string[] => JSON.parse(text.slice(text.indexOf(' saw ') + 5)) as string[];

/** Waits until no turn runs or waits and `assistants` answers exist on the server; returns its snapshot. */
async function settled(daemon: DaemonClient, conversationId: string, assistants: number) {
  return vi.waitFor(async () => {
    const served = await daemon.getSnapshot(conversationId);
    const answered = served.messages.filter(
      (message) => message.role === 'assistant' && message.status !== 'streaming',
    );
    expect(served.activeTurn).toBeUndefined();
    expect(answered).toHaveLength(assistants);
    return served;
  }, WAIT);
}

describe('branches through a real daemon and the client', () => {
  it(
    'regenerate, edit and switch: alternatives stay in the log, the model sees only the path, every client follows',
    async () => {
      await using process = await startDaemon({ flags: ['--config', CONFIG] });
      const daemon = createDaemonClient(process.url);
      const conversationId = await daemon.createConversation();
      const first = createClient({ baseUrl: process.url }).conversation(conversationId);
      const second = createClient({ baseUrl: process.url }).conversation(conversationId);
      try {
        await first.send('Q1');
        let served = await settled(daemon, conversationId, 1);
        const [q1, a1] = served.messages as [MessageSnapshot, MessageSnapshot];
        expect(sawFor(textOf(a1))).toEqual(['Q1']);

        // Regenerate, and retry the same request: one new turn, the same ids.
        const regenerated = await first.regenerate(a1.id, { clientMessageId: 'regenerate-a1' });
        expect(regenerated.userMessageId).toBe(q1.id);
        expect(await first.regenerate(a1.id, { clientMessageId: 'regenerate-a1' })).toEqual(regenerated);
        served = await settled(daemon, conversationId, 2);
        const a2 = served.messages[2] as MessageSnapshot;
        expect(a2).toMatchObject({ role: 'assistant', replaces: a1.id, turnId: regenerated.turnId });
        // The model answered Q1 again, without the answer it replaces.
        expect(sawFor(textOf(a2))).toEqual(['Q1']);
        const head = served.offset;
        expect(await first.regenerate(a1.id, { clientMessageId: 'regenerate-a1' })).toEqual(regenerated);
        expect(await daemon.conversationHead(conversationId)).toBe(head);
        await vi.waitFor(() => expect(shown(second)).toEqual(['Q1', textOf(a2)]), WAIT);
        expect(alternativesOf(second.store.getSnapshot(), a2.id)).toEqual({ ids: [a1.id, a2.id], index: 1 });

        // Edit Q1: a new branch from the conversation's start; the model sees the edit only.
        const edit = await first.send('Q1 edited', { replaces: q1.id, clientMessageId: 'edit-q1' });
        served = await settled(daemon, conversationId, 3);
        const a3 = served.messages.at(-1) as MessageSnapshot;
        expect(sawFor(textOf(a3))).toEqual(['Q1 edited']);
        expect(alternativesOf(served, edit.userMessageId as MessageId)).toEqual({
          ids: [q1.id, edit.userMessageId],
          index: 1,
        });
        // Retrying the edit stores nothing new.
        expect(await first.send('Q1 edited', { replaces: q1.id, clientMessageId: 'edit-q1' })).toEqual(edit);
        expect(await daemon.conversationHead(conversationId)).toBe(served.offset);

        // Switch back to the first answer: the other client follows live.
        await first.selectBranch(a1.id);
        await vi.waitFor(() => expect(shown(second)).toEqual(['Q1', textOf(a1)]), WAIT);
        await vi.waitFor(() => expect(shown(first)).toEqual(['Q1', textOf(a1)]), WAIT);

        // A reload (a fresh snapshot) shows the same path.
        const reloaded = createClient({ baseUrl: process.url }).conversation(conversationId);
        try {
          await vi.waitFor(() => expect(shown(reloaded)).toEqual(['Q1', textOf(a1)]), WAIT);
        } finally {
          reloaded.close();
        }
        expect((await daemon.getSnapshot(conversationId)).leafId).toBe(a1.id);

        // A message sent now continues the selected branch, and the model sees that branch only.
        await first.send('Q2');
        served = await settled(daemon, conversationId, 4);
        expect(sawFor(textOf(served.messages.at(-1)))).toEqual(['Q1', textOf(a1), 'Q2']);
        await vi.waitFor(() => expect(first.store.getSnapshot().offset).toBe(served.offset), WAIT);
        const { conversation: _metadata, ...servedState } = served;
        expect(snapshot(first.store.getSnapshot())).toEqual(servedState);

        // The Markdown export reads as the page shows it: the selected branch, not the others.
        const exported = await fetch(`${process.url}/v1/conversations/${conversationId}/export?format=markdown`);
        const transcript = await exported.text();
        for (const text of ['Q1', textOf(a1), 'Q2']) expect(transcript).toContain(text);
        for (const text of ['Q1 edited', textOf(a2), textOf(a3)]) expect(transcript).not.toContain(text);
      } finally {
        first.close();
        second.close();
        await Promise.all([first.closed, second.closed]);
      }
    },
    PROCESS_TEST_MS,
  );

  it(
    'bad branch requests get a clear 4xx and write nothing',
    async () => {
      await using process = await startDaemon({ flags: ['--config', CONFIG] });
      const daemon = createDaemonClient(process.url);
      const conversationId = await daemon.createConversation();
      await daemon.sendMessage(conversationId, 'Q1');
      const served = await settled(daemon, conversationId, 1);
      const [q1, a1] = served.messages as [MessageSnapshot, MessageSnapshot];
      const path = `/v1/conversations/${conversationId}`;
      const unknown = '019a5b1e-2f10-7d44-8a2b-3c4d5e6f7081';
      const refusals: [string, string, unknown, number, string][] = [
        ['regenerate an unknown message', `${path}/messages/${unknown}/regenerate`, {}, 404, 'message_not_found'],
        ['regenerate a user message', `${path}/messages/${q1.id}/regenerate`, {}, 400, 'invalid_request'],
        ['edit an assistant message', `${path}/messages`, { content: 'x', replaces: a1.id }, 400, 'invalid_request'],
        ['edit an unknown message', `${path}/messages`, { content: 'x', replaces: unknown }, 404, 'message_not_found'],
        ['switch to an unknown message', `${path}/branch`, { messageId: unknown }, 404, 'message_not_found'],
        ['switch without a message', `${path}/branch`, {}, 400, 'invalid_request'],
        [
          'regenerate with a field it does not take',
          `${path}/messages/${a1.id}/regenerate`,
          { content: 'x' },
          400,
          'invalid_request',
        ],
      ];
      for (const [what, url, body, status, code] of refusals) {
        const response = await daemon.request('POST', url, { body });
        expect({ what, status: response.status, code: response.body.error.code }).toEqual({ what, status, code });
        expect(response.body.error.message.length).toBeGreaterThan(20);
      }
      expect(await daemon.conversationHead(conversationId)).toBe(served.offset);

      // While a turn runs: 409 for each, nothing written, and the daemon keeps answering.
      await daemon.sendMessage(conversationId, 'hold');
      const running = await vi.waitFor(async () => {
        const state = await daemon.getSnapshot(conversationId);
        expect(state.activeTurn).toBeDefined();
        expect(state.messages.at(-1)).toMatchObject({ role: 'assistant', status: 'streaming' });
        expect(state.activity.phase).toBe('thinking');
        return state;
      }, WAIT);
      const busy: [string, unknown][] = [
        [`${path}/messages/${a1.id}/regenerate`, {}],
        [`${path}/messages`, { content: 'Q1 again', replaces: q1.id }],
        [`${path}/branch`, { messageId: a1.id }],
      ];
      for (const [url, body] of busy) {
        const response = await daemon.request('POST', url, { body });
        expect(response.status).toBe(409);
        expect(response.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('cancel') });
      }
      expect(await daemon.conversationHead(conversationId)).toBe(running.offset);
      await daemon.request('POST', `${path}/cancel`, { body: {} });
      await settled(daemon, conversationId, 2);
      const regenerate = await daemon.request('POST', `${path}/messages/${a1.id}/regenerate`, { body: {} });
      expect(regenerate.status).toBe(202);
    },
    PROCESS_TEST_MS,
  );
});
