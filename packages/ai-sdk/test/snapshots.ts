// Message snapshots as Once stores them, for building model requests in tests.
import {
  type BlockSnapshot,
  type ConversationId,
  type MessageId,
  type MessageSnapshot,
  newId,
  type TurnId,
} from '@once/protocol';

const conversationId = newId() as ConversationId;

/** A block without its index: {@link messageOf} numbers them in order. */
export type BlockDraft = BlockSnapshot extends infer Block
  ? Block extends BlockSnapshot
    ? Omit<Block, 'index'>
    : never
  : never;

/** A message of the test conversation with these blocks, numbered in order. */
export function messageOf(
  role: MessageSnapshot['role'],
  blocks: readonly BlockDraft[],
  status: MessageSnapshot['status'] = 'complete',
): MessageSnapshot {
  return {
    id: newId() as MessageId,
    conversationId,
    role,
    status,
    turnId: newId() as TurnId,
    createdAt: '2026-11-23T21:00:00.000Z',
    blocks: blocks.map((block, index) => ({ ...block, index }) as BlockSnapshot),
    watermarks: {},
  };
}

/** A user message saying `text`. */
export function userSays(text: string): MessageSnapshot {
  return messageOf('user', [{ type: 'text', status: 'closed', text }]);
}
