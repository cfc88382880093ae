import { type ClientMessageId, type ConversationId, newId, type TurnId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { writeUserMessage } from '../src/index.ts';
import { recordAppends } from './recorded-appends.ts';

describe('writeUserMessage', () => {
  it('writes the whole message in one append, so no reader sees half of it', async () => {
    const conversationId = newId() as ConversationId;
    const turnId = newId() as TurnId;
    const log = recordAppends(conversationId);
    const message = await writeUserMessage(
      { conversationId, turnId, text: 'What time is it?', clientMessageId: 'c-1' as ClientMessageId },
      { append: log.append },
    );

    expect(log.calls).toHaveLength(1);
    expect(log.calls[0]?.map((draft) => draft.type)).toEqual([
      'message_open',
      'block_open',
      'block_delta',
      'block_close',
      'message_complete',
    ]);
    expect(message).toMatchObject({
      role: 'user',
      status: 'complete',
      turnId,
      clientMessageId: 'c-1',
      blocks: [{ index: 0, type: 'text', status: 'closed', text: 'What time is it?' }],
    });
    expect(log.fold().messages).toEqual([message]);
  });
});
