import { currentPath, fromSnapshot, parentOf, reduceAll } from '@once/core';
import type { ConversationSnapshot, MessageId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { foldEvents } from './fold-events.ts';
import type { SuiteDaemon } from './http-protocol-fixture.ts';
import { readConversation } from './read-conversation.ts';

/**
 * Branches (decision 022): regenerate, edit and switch over HTTP, on every log. The
 * stream folds to the snapshot, and a repeated request writes nothing.
 */
export function describeBranchCases(daemon: () => SuiteDaemon): void {
  describe('branches', () => {
    it('regenerates an answer beside the old one, once per clientMessageId', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const sent = await client.sendMessage(id, 'Tell me about durable streams.');
      const first = (await readConversation(client, id)).snapshot.messages[1];
      const path = `/v1/conversations/${id}/messages/${first?.id}/regenerate`;
      const regenerated = await client.request('POST', path, { body: { clientMessageId: 'again-1' } });
      expect(regenerated.status).toBe(202);
      expect(regenerated.body).toEqual({
        turnId: expect.any(String),
        userMessageId: sent.userMessageId,
        replaces: first?.id,
      });
      const repeated = await client.request('POST', path, { body: { clientMessageId: 'again-1' } });
      expect(repeated.body).toEqual(regenerated.body);
      const { events, snapshot } = await readConversation(client, id, 2);
      expect(snapshot.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'assistant']);
      expect(snapshot.messages[2]).toMatchObject({
        role: 'assistant',
        status: 'complete',
        turnId: regenerated.body.turnId,
        replaces: first?.id,
        parentId: sent.userMessageId,
        clientMessageId: 'again-1',
      });
      const { conversation: _metadata, ...folded } = snapshot;
      expect(foldEvents(id, events)).toEqual(folded);
      // Once the new answer is in the log, the same request still finds it and writes nothing.
      expect((await client.request('POST', path, { body: { clientMessageId: 'again-1' } })).body).toEqual(
        regenerated.body,
      );
      expect(await client.conversationHead(id)).toBe(snapshot.offset);
    });

    it('edits a question onto a new branch, and switches back to the first one', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const question = await client.sendMessage(id, 'First question');
      const answer = (await readConversation(client, id)).snapshot.messages[1];
      const edit = await client.request('POST', `/v1/conversations/${id}/messages`, {
        body: { content: 'Edited question', clientMessageId: 'edit-1', replaces: question.userMessageId },
      });
      expect(edit.status).toBe(202);
      const edited = (await readConversation(client, id, 2)).snapshot;
      expect(edited.messages[2]).toMatchObject({ role: 'user', replaces: question.userMessageId, parentId: null });
      expect(currentPath(edited).map((message) => message.id)).toEqual([
        edit.body.userMessageId,
        edited.messages[3]?.id,
      ]);

      const switched = await client.request('POST', `/v1/conversations/${id}/branch`, {
        body: { messageId: question.userMessageId },
      });
      expect(switched.status).toBe(200);
      expect(switched.body).toEqual({ messageId: question.userMessageId, leafId: answer?.id });
      const { events, snapshot } = await readConversation(client, id, 2);
      expect(snapshot.leafId).toBe(answer?.id);
      expect(currentPath(snapshot).map((message) => message.id)).toEqual([question.userMessageId, answer?.id]);
      const { conversation: _metadata, ...folded } = snapshot;
      expect(foldEvents(id, events)).toEqual(folded);
    });

    it('a client that holds only the latest page places an edit and a regenerated answer older than it where the daemon does', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const first = await client.sendMessage(id, 'First question');
      await readConversation(client, id, 1);
      await client.sendMessage(id, 'Second question');
      await readConversation(client, id, 2);
      await client.sendMessage(id, 'Third question');
      const asked = (await readConversation(client, id, 3)).snapshot;
      const page = (await client.request('GET', `/v1/conversations/${id}?limit=2`)).body as ConversationSnapshot;
      expect(page.messages.map((message) => message.id)).toEqual(asked.messages.slice(-2).map((m) => m.id));

      const edit = await client.request('POST', `/v1/conversations/${id}/messages`, {
        body: { content: 'First question, edited', clientMessageId: 'edit-old', replaces: first.userMessageId },
      });
      expect(edit.status).toBe(202);
      await readConversation(client, id, 4);
      const secondAnswer = asked.messages[3]?.id as MessageId;
      const again = await client.request('POST', `/v1/conversations/${id}/messages/${secondAnswer}/regenerate`, {
        body: {},
      });
      expect(again.status).toBe(202);
      const { events, snapshot: whole } = await readConversation(client, id, 5);

      const live = reduceAll(
        fromSnapshot(page),
        events.filter((event) => event.offset > page.offset),
      );
      expect(live.resync).toBeUndefined();
      const added = live.messages.slice(page.messages.length);
      expect(added.map((message) => message.role)).toEqual(['user', 'assistant', 'assistant']);
      for (const message of added) expect(parentOf(live, message.id)).toBe(parentOf(whole, message.id));
      expect(parentOf(live, edit.body.userMessageId)).toBeNull();
      expect(parentOf(live, added[2]?.id as MessageId)).toBe(asked.messages[2]?.id);
    });
  });
}
