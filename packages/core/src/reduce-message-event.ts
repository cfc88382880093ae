import type {
  BlockCloseEvent,
  BlockDeltaEvent,
  BlockOpenEvent,
  BlockSnapshot,
  MessageCompleteEvent,
  MessageEvent,
  MessageId,
  MessageOpenEvent,
  MessageSnapshot,
} from '@once/protocol';
import { applyBlockClose, applyBlockDelta, openBlock } from './block-reducers.ts';
import type { ConversationState } from './conversation-state.ts';
import { advance, needResync } from './cursor-steps.ts';
import { parentAt } from './message-tree.ts';

/**
 * Applies a message-domain event whose offset is the next one. Deduplicates by the
 * per-(message, block) `seq` watermark and refuses an event whose `seq` skips one.
 */
export function reduceMessageEvent(state: ConversationState, event: MessageEvent): ConversationState {
  const position = findMessage(state.messages, event.messageId);
  const message = position === -1 ? undefined : state.messages[position];
  const watermark = message?.watermarks[event.blockIndex] ?? 0;
  if (event.seq <= watermark) return advance(state, event.offset);
  // message_complete carries the whole final message, so it may follow any seq: a reader
  // that missed deltas of this message is made whole by it.
  if (event.type === 'message_complete') return completeMessage(state, position, event);
  if (event.seq !== watermark + 1) {
    return sequenceGap(state, event, `seq ${event.seq} follows ${watermark}`);
  }
  if (event.type === 'message_open') return openMessage(state, event);
  if (message === undefined || position === -1) {
    return sequenceGap(state, event, `message ${event.messageId} was never opened`);
  }
  const blocks = changeBlocks(message.blocks, event);
  if (blocks === undefined) {
    return sequenceGap(state, event, `block ${event.blockIndex} is not the next block of ${event.messageId}`);
  }
  const updated: MessageSnapshot = {
    ...message,
    blocks,
    watermarks: { ...message.watermarks, [event.blockIndex]: event.seq },
  };
  return { ...advance(state, event.offset), messages: replaceAt(state.messages, position, updated) };
}

function changeBlocks(
  blocks: readonly BlockSnapshot[],
  event: BlockOpenEvent | BlockDeltaEvent | BlockCloseEvent,
): BlockSnapshot[] | undefined {
  if (event.type === 'block_open') {
    return event.blockIndex === blocks.length ? [...blocks, openBlock(event.blockIndex, event.data)] : undefined;
  }
  const block = blocks[event.blockIndex];
  if (block === undefined) return undefined;
  const changed =
    event.type === 'block_delta' ? applyBlockDelta(block, event.data) : applyBlockClose(block, event.data);
  return replaceAt(blocks, event.blockIndex, changed);
}

/**
 * Opens a message on the tree (docs/decisions/022-branches.md): an alternative to a known
 * message gets that one's parent; any other message follows the current leaf. It becomes
 * the leaf. `parentId` is stored only when it is not the message opened just before.
 */
function openMessage(state: ConversationState, event: MessageOpenEvent): ConversationState {
  const { role, turnId, clientMessageId, replaces, attachments } = event.data;
  const last = state.messages.at(-1)?.id ?? null;
  const parent = placeOf(state, event, last);
  const message: MessageSnapshot = {
    id: event.messageId,
    conversationId: event.conversationId,
    role,
    status: 'streaming',
    turnId,
    ...(clientMessageId === undefined ? {} : { clientMessageId }),
    ...(parent === last ? {} : { parentId: parent }),
    ...(replaces === undefined ? {} : { replaces }),
    ...(attachments === undefined ? {} : { attachments }),
    createdAt: event.ts,
    blocks: [],
    watermarks: { [event.blockIndex]: event.seq },
  };
  const { leafId: _previousLeaf, ...opened } = advance(state, event.offset);
  return addMessage(opened, message);
}

/**
 * The parent of a message that opens. An alternative gets the parent of the message it
 * replaces; when the state does not hold that one (a history page left it out), the
 * parent the event names, else for an answer the running turn's user message (a
 * regenerated answer answers it). Any other message follows the current leaf.
 */
function placeOf(state: ConversationState, event: MessageOpenEvent, last: MessageId | null): MessageId | null {
  const { replaces, parentId } = event.data;
  if (replaces === undefined) return state.leafId ?? last;
  const replaced = findMessage(state.messages, replaces);
  if (replaced !== -1) return parentAt(state.messages, replaced);
  if (parentId !== undefined) return parentId;
  if (event.data.role === 'assistant' && state.activeTurn !== undefined) return state.activeTurn.userMessageId;
  return state.leafId ?? last;
}

/**
 * Reconciles the message to the final snapshot the writer sent, whatever was seen before.
 * The writer does not know the conversation's tree: a message this state has keeps its
 * own `parentId` and `replaces`.
 */
function completeMessage(state: ConversationState, position: number, event: MessageCompleteEvent): ConversationState {
  const { status, stopReason, usage, error, message: carried } = event.data;
  const known = position === -1 ? undefined : state.messages[position];
  const final = known === undefined ? carried : withPlaceOf(carried, known);
  const message: MessageSnapshot = {
    ...final,
    id: event.messageId,
    conversationId: event.conversationId,
    status,
    ...(stopReason === undefined ? {} : { stopReason }),
    ...(usage === undefined ? {} : { usage }),
    ...(error === undefined ? {} : { error }),
    watermarks: { ...final.watermarks, [event.blockIndex]: event.seq },
  };
  const next = advance(state, event.offset);
  if (position === -1) return addMessage(next, message);
  return { ...next, messages: replaceAt(state.messages, position, message) };
}

/** `message` with the tree fields (`parentId`, `replaces`) of `place` instead of its own. */
function withPlaceOf(message: MessageSnapshot, place: MessageSnapshot): MessageSnapshot {
  const { parentId: _parentId, replaces: _replaces, ...rest } = message;
  return {
    ...rest,
    ...(place.parentId === undefined ? {} : { parentId: place.parentId }),
    ...(place.replaces === undefined ? {} : { replaces: place.replaces }),
  };
}

/** Appends a server message; an optimistic message with its clientMessageId gives way to it. */
function addMessage(state: ConversationState, message: MessageSnapshot): ConversationState {
  const confirmed = message.clientMessageId;
  const pending =
    confirmed !== undefined && state.pending.some((entry) => entry.clientMessageId === confirmed)
      ? state.pending.filter((entry) => entry.clientMessageId !== confirmed)
      : state.pending;
  return { ...state, messages: [...state.messages, message], pending };
}

function sequenceGap(state: ConversationState, event: MessageEvent, why: string): ConversationState {
  return needResync(state, {
    reason: 'sequence_gap',
    afterOffset: state.offset,
    refusedOffset: event.offset,
    detail: `Event ${event.offset} (${event.type}, block ${event.blockIndex}) refused: ${why}.`,
  });
}

/** Index of the message, searching from the newest since streaming happens at the end. */
export function findMessage(messages: readonly MessageSnapshot[], id: string): number {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index]?.id === id) return index;
  }
  return -1;
}

function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  const copy = items.slice();
  copy[index] = item;
  return copy;
}
