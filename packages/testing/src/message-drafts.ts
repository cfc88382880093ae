// The events of one message in a generated conversation, and the final snapshot its
// message_complete carries, built by an independent model, not by the reducer.
import type {
  Attachment,
  BlockSnapshot,
  ClientMessageId,
  ConversationId,
  JsonObject,
  MessageId,
  MessageSnapshot,
  TurnId,
} from '@once/protocol';
import type { FlatPatch, TurnSpec } from './turn-spec.ts';

/** An event before the log gave it an offset. */
export type Draft = Record<string, unknown> & { type: string };

/** The events of a user message sent whole, ending with the snapshot its `message_complete` carries. */
export function userMessage(
  conversationId: ConversationId,
  id: MessageId,
  turnId: TurnId,
  clientMessageId: ClientMessageId | undefined,
  content: string,
  ts: () => string,
  replaces: MessageId | undefined,
  attachments: readonly Attachment[] = [],
): Draft[] {
  const createdAt = ts();
  const withAttachments = attachments.length === 0 ? {} : { attachments: [...attachments] };
  const final: MessageSnapshot = {
    id,
    conversationId,
    role: 'user',
    status: 'complete',
    turnId,
    ...(clientMessageId === undefined ? {} : { clientMessageId }),
    ...withAttachments,
    createdAt,
    blocks: [{ index: 0, type: 'text', status: 'closed', text: content }],
    watermarks: { '-1': 1, '0': 3 },
  };
  const on = (blockIndex: number, seq: number) => ({ messageId: id, blockIndex, seq });
  return [
    {
      type: 'message_open',
      ...on(-1, 1),
      ts: createdAt,
      data: {
        role: 'user',
        turnId,
        ...(clientMessageId ? { clientMessageId } : {}),
        ...(replaces === undefined ? {} : { replaces }),
        ...withAttachments,
      },
    },
    { type: 'block_open', ...on(0, 1), data: { blockType: 'text' } },
    { type: 'block_delta', ...on(0, 2), data: { text: content } },
    { type: 'block_close', ...on(0, 3), data: {} },
    { type: 'message_complete', ...on(-1, 2), data: { status: 'complete', message: final } },
  ];
}

/**
 * The events of an assistant message streaming `turn`'s blocks, ending with the snapshot
 * its `message_complete` carries, built here rather than by the reducer. `replaces`: the
 * answer this one is an alternative to.
 */
export function assistantMessage(
  conversationId: ConversationId,
  id: MessageId,
  turnId: TurnId,
  turn: TurnSpec,
  ts: () => string,
  replaces?: MessageId,
): Draft[] {
  const createdAt = ts();
  const open = { role: 'assistant', turnId, ...(replaces === undefined ? {} : { replaces }) };
  const events: Draft[] = [{ type: 'message_open', messageId: id, blockIndex: -1, seq: 1, ts: createdAt, data: open }];
  const blocks: BlockSnapshot[] = [];
  const watermarks: Record<string, number> = { '-1': 1 };
  // A message that did not complete normally leaves its last block open.
  const leaveLastOpen = turn.status !== 'complete' && turn.blocks.length > 0;
  turn.blocks.forEach((spec, index) => {
    let seq = 0;
    const emit = (type: string, data: unknown) => {
      seq += 1;
      events.push({ type, messageId: id, blockIndex: index, seq, data });
    };
    const closing = !(leaveLastOpen && index === turn.blocks.length - 1);
    const status = closing ? 'closed' : 'open';
    const toolUseId = `tool-${index}`;
    switch (spec.type) {
      case 'text':
      case 'thinking':
        emit('block_open', { blockType: spec.type });
        for (const delta of spec.deltas) emit('block_delta', { text: delta });
        if (closing) emit('block_close', {});
        blocks.push({ index, type: spec.type, status, text: spec.deltas.join('') });
        break;
      case 'tool_use': {
        const json = JSON.stringify(spec.input);
        const fragments = [json.slice(0, 3), json.slice(3)].filter((part) => part !== '');
        emit('block_open', { blockType: 'tool_use', toolName: spec.toolName, toolUseId });
        for (const fragment of fragments) emit('block_delta', { partialJson: fragment });
        if (turn.approval !== 'none') {
          events.push({ type: 'approval_request', data: { toolUseId, toolName: spec.toolName, input: spec.input } });
          events.push({ type: 'approval_resolved', data: { toolUseId, decision: turn.approval } });
        }
        if (closing) emit('block_close', { input: spec.input });
        blocks.push({
          index,
          type: 'tool_use',
          status,
          toolName: spec.toolName,
          toolUseId,
          partialJson: json,
          ...(closing ? { input: spec.input } : {}),
        });
        break;
      }
      case 'tool_result': {
        const result = { ok: !spec.isError, output: spec.deltas.join('') };
        emit('block_open', { blockType: 'tool_result', toolUseId });
        for (const delta of spec.deltas) emit('block_delta', { text: delta });
        if (closing) emit('block_close', { result, isError: spec.isError });
        blocks.push({
          index,
          type: 'tool_result',
          status,
          toolUseId,
          text: spec.deltas.join(''),
          ...(closing ? { result, isError: spec.isError } : {}),
        });
        break;
      }
      case 'surface': {
        emit('block_open', { blockType: 'surface', surfaceId: `surface-${index}`, surfaceType: 'card' });
        let data: JsonObject = {};
        for (const patch of spec.patches) {
          emit('block_delta', { patch });
          data = applyFlatPatch(data, patch);
        }
        if (closing) emit('block_close', {});
        blocks.push({ index, type: 'surface', status, surfaceId: `surface-${index}`, surfaceType: 'card', data });
        break;
      }
    }
    watermarks[index] = seq;
  });
  const status = turn.status;
  const extra =
    status === 'complete'
      ? { stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: blocks.length } }
      : status === 'error'
        ? { error: { code: 'provider_error', message: 'The model provider failed.' } }
        : {};
  const final: MessageSnapshot = {
    id,
    conversationId,
    role: 'assistant',
    status,
    turnId,
    createdAt,
    ...extra,
    blocks,
    watermarks,
  };
  events.push({
    type: 'message_complete',
    messageId: id,
    blockIndex: -1,
    seq: 2,
    data: { status, ...extra, message: final },
  });
  return events;
}

function applyFlatPatch(data: JsonObject, patch: FlatPatch): JsonObject {
  const next: JsonObject = { ...data };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}
