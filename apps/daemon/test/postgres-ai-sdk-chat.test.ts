// Two daemons sharing PostgreSQL get the first message of the same new AI SDK chat at the
// same moment: each may create a conversation for its alias, and the first one in the
// account stream must win on both, so that the chat stays one conversation. (Run here,
// both daemons create one in every round and the later one deletes its own: the race
// this test is about does happen.)
import { createPostgresTestSchema, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { getSnapshot } from './daemon-api.ts';
import { postgresDaemonFlags } from './postgres-daemons.ts';

afterEach(stopLeftoverDaemons);

interface Listed {
  readonly conversations: readonly { id: string; chatId?: string }[];
}

/** Sends one user message of chat `chatId` through a daemon's AI SDK endpoint and reads the answer to its end. */
async function chat(url: string, chatId: string, messageId: string, text: string): Promise<string> {
  const response = await fetch(`${url}/v1/ai-sdk/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: chatId,
      trigger: 'submit-message',
      messages: [{ id: messageId, role: 'user', parts: [{ type: 'text', text }] }],
    }),
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('AI SDK chats on two daemons sharing PostgreSQL', () => {
  it('keeps a new chat one conversation when both daemons get its first messages at once', async () => {
    await using database = await createPostgresTestSchema();
    await using left = await startDaemon({ flags: postgresDaemonFlags(database.url, 1, 20) });
    await using right = await startDaemon({ flags: postgresDaemonFlags(database.url, 1, 20) });

    for (let round = 0; round < 5; round += 1) {
      const chatId = `race-${round}`;
      const [leftStream, rightStream] = await Promise.all([
        chat(left.url, chatId, `left-${round}`, 'Hello from the left.'),
        chat(right.url, chatId, `right-${round}`, 'Hello from the right.'),
      ]);
      expect(leftStream).toMatch(/data: \[DONE\]\n\n$/);
      expect(rightStream).toMatch(/data: \[DONE\]\n\n$/);

      // Both daemons list exactly one live conversation for the chat, the same one…
      const lists = await Promise.all(
        [left.url, right.url].map(async (url) => (await (await fetch(`${url}/v1/conversations`)).json()) as Listed),
      );
      const ids = lists.map((list) =>
        list.conversations.filter((entry) => entry.chatId === chatId).map((entry) => entry.id),
      );
      expect(ids[0]).toHaveLength(1);
      expect(ids[1]).toEqual(ids[0]);
      // …holding both messages, each answered once.
      const snapshot = await getSnapshot(left.url, ids[0]?.[0] as string);
      const users = snapshot.messages.filter((message) => message.role === 'user');
      expect(users.map((message) => message.clientMessageId).sort()).toEqual([`left-${round}`, `right-${round}`]);
      expect(snapshot.messages.filter((message) => message.role === 'assistant')).toHaveLength(2);
    }
  }, 90_000);
});
