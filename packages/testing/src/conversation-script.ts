// Generates realistic conversation streams for property tests (the reducer's, the logs'): several turns, multi-step
// assistant messages with every block type, approvals, unknown future event types, app
// events (data parts placed in a message), and user messages queued while the assistant
// streams; some user messages carry attachments. The final snapshot each message_complete carries is built here by an
// independent model, not by the reducer.
import {
  type Attachment,
  type BlockSnapshot,
  type ClientMessageId,
  type ConversationEvent,
  type ConversationId,
  createIdGenerator,
  EVENT_TYPES,
  type FinalMessageStatus,
  type IncomingEvent,
  type JsonObject,
  type MessageId,
  type MessageSnapshot,
  type Offset,
  type TurnId,
  type UnknownEvent,
} from '@once/protocol';
import fc from 'fast-check';

type FlatPatch = Record<string, string | number | null>;

export type BlockSpec =
  | { readonly type: 'text' | 'thinking'; readonly deltas: readonly string[] }
  | { readonly type: 'tool_use'; readonly toolName: string; readonly input: Record<string, number> }
  | { readonly type: 'tool_result'; readonly deltas: readonly string[]; readonly isError: boolean }
  | { readonly type: 'surface'; readonly patches: readonly FlatPatch[] };

export interface TurnSpec {
  readonly userText: string;
  readonly withClientMessageId: boolean;
  readonly blocks: readonly BlockSpec[];
  readonly status: FinalMessageStatus;
  readonly approval: 'none' | 'allow' | 'deny';
  /** Open this turn's user message inside the previous assistant message's stream. */
  readonly queuedDuringPrevious: boolean;
  /** Where the queued user message goes, as a fraction of the previous stream. */
  readonly queuedAt: number;
  /** Put an event of a type from a newer protocol version into the turn. */
  readonly withUnknownEvent: boolean;
  /** Put a data part (an app event placed in the assistant message, decision 010) into the turn. */
  readonly withDataPart: boolean;
  /**
   * Branches (decision 022): `edit` opens this turn's user message as an alternative to the
   * previous turn's; `regenerate` adds a turn whose assistant message replaces this one's;
   * `select` switches back to this turn's first answer after that; `select_unknown`
   * selects a message no stream has. Default `none`.
   */
  readonly branching?: 'none' | 'edit' | 'regenerate' | 'select' | 'select_unknown';
  /** Files the user message is sent with (its `message_open` and snapshot carry them). Default none. */
  readonly attachments?: readonly Attachment[];
}

const text = fc.string({ minLength: 1, maxLength: 6 });
const flatPatch = fc.dictionary(
  fc.constantFrom('a', 'b', 'c', 'title'),
  fc.oneof(fc.integer(), text, fc.constant(null)),
  {
    maxKeys: 3,
  },
);

export const blockSpecArbitrary: fc.Arbitrary<BlockSpec> = fc.oneof(
  fc.record({ type: fc.constantFrom('text' as const, 'thinking' as const), deltas: fc.array(text, { maxLength: 6 }) }),
  fc.record({
    type: fc.constant('tool_use' as const),
    toolName: fc.constantFrom('clock', 'calculator'),
    input: fc.dictionary(fc.constantFrom('x', 'y'), fc.integer({ min: -99, max: 99 }), { maxKeys: 2 }),
  }),
  fc.record({
    type: fc.constant('tool_result' as const),
    deltas: fc.array(text, { maxLength: 4 }),
    isError: fc.boolean(),
  }),
  fc.record({ type: fc.constant('surface' as const), patches: fc.array(flatPatch, { maxLength: 4 }) }),
);

const attachmentArbitrary: fc.Arbitrary<Attachment> = fc.record(
  {
    hash: fc.stringMatching(/^[0-9a-f]{64}$/),
    size: fc.nat({ max: 20 * 1024 * 1024 }),
    mediaType: fc.constantFrom('image/png', 'application/pdf', 'text/plain'),
    name: fc.constantFrom('photo.png', 'report.pdf', 'notes.txt'),
  },
  { requiredKeys: ['hash', 'size', 'mediaType'] },
);

export const turnSpecArbitrary: fc.Arbitrary<TurnSpec> = fc.record({
  userText: text,
  withClientMessageId: fc.boolean(),
  blocks: fc.array(blockSpecArbitrary, { minLength: 0, maxLength: 5 }),
  status: fc.constantFrom<FinalMessageStatus>('complete', 'complete', 'cancelled', 'interrupted', 'error'),
  approval: fc.constantFrom('none' as const, 'allow' as const, 'deny' as const),
  queuedDuringPrevious: fc.boolean(),
  queuedAt: fc.double({ min: 0, max: 1, noNaN: true }),
  withUnknownEvent: fc.boolean(),
  withDataPart: fc.boolean(),
  branching: fc.constantFrom(
    'none' as const,
    'none' as const,
    'edit' as const,
    'regenerate' as const,
    'select' as const,
    'select_unknown' as const,
  ),
  attachments: fc.oneof(fc.constant([]), fc.array(attachmentArbitrary, { minLength: 1, maxLength: 3 })),
});

export const conversationArbitrary = fc.array(turnSpecArbitrary, { minLength: 1, maxLength: 4 });

/** An event before the log gave it an offset. */
type Draft = Record<string, unknown> & { type: string };

/** Builds the stream of one conversation: events with offsets 1..n. */
export function buildConversation(
  turns: readonly TurnSpec[],
  conversationId: ConversationId = idsFor(0)() as ConversationId,
): IncomingEvent[] {
  const newId = idsFor(turns.length + 1);
  let clock = Date.UTC(2026, 10, 23, 21, 0, 0);
  const ts = () => {
    clock += 7;
    return new Date(clock).toISOString();
  };
  const turnEvents: Draft[][] = [];
  let previousUserId: MessageId | undefined;

  turns.forEach((turn, turnIndex) => {
    const turnId = newId() as TurnId;
    const userId = newId() as MessageId;
    const assistantId = newId() as MessageId;
    const clientMessageId = turn.withClientMessageId ? (`client-${turnIndex}` as ClientMessageId) : undefined;
    const replaces = turn.branching === 'edit' ? previousUserId : undefined;
    const user = userMessage(
      conversationId,
      userId,
      turnId,
      clientMessageId,
      turn.userText,
      ts,
      replaces,
      turn.attachments,
    );
    previousUserId = userId;
    const assistant: Draft[] = [
      { type: 'turn_start', data: { turnId, userMessageId: userId } },
      { type: 'activity', data: { phase: 'thinking' } },
      ...assistantMessage(conversationId, assistantId, turnId, turn, ts),
      { type: 'usage', data: { inputTokens: 10 * (turnIndex + 1), outputTokens: turn.blocks.length } },
      { type: 'turn_end', data: { turnId, reason: turnEndReason(turn.status) } },
    ];
    if (turn.withUnknownEvent) assistant.splice(1, 0, { type: 'future_thing', data: { anything: [1, 2] } });
    if (turn.withDataPart) {
      const part = { messageId: assistantId, beforeBlock: 0, name: 'progress', id: 'p', data: { turn: turnIndex } };
      // After the assistant message opened, before the usage and turn_end events.
      assistant.splice(assistant.length - 3, 0, { type: 'data_progress', data: part });
    }
    const branching = turn.branching ?? 'none';
    if (branching === 'regenerate' || branching === 'select') {
      // Another turn answers the same user message with an alternative to this answer.
      const again = newId() as TurnId;
      assistant.push(
        { type: 'turn_start', data: { turnId: again, userMessageId: userId } },
        ...assistantMessage(conversationId, newId() as MessageId, again, turn, ts, assistantId),
        { type: 'turn_end', data: { turnId: again, reason: turnEndReason(turn.status) } },
      );
      if (branching === 'select') assistant.push({ type: 'branch_selected', data: { messageId: assistantId } });
    }
    if (branching === 'select_unknown') {
      assistant.push({ type: 'branch_selected', data: { messageId: idsFor(turns.length + 99)() } });
    }
    const previous = turnEvents[turnIndex - 1];
    // An edit is sent between turns (the daemon refuses one while a turn runs).
    if (turn.queuedDuringPrevious && branching !== 'edit' && previous !== undefined) {
      previous.splice(Math.round(turn.queuedAt * previous.length), 0, ...user);
      turnEvents.push(assistant);
    } else {
      turnEvents.push([...user, ...assistant]);
    }
  });

  return turnEvents.flat().map((draft, index) => {
    const event = { offset: (index + 1) as Offset, stream: 'conversation', conversationId, ts: ts(), ...draft };
    return (EVENT_TYPES.has(draft.type) ? event : { ...event, unknownType: true }) as IncomingEvent;
  });
}

function userMessage(
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

function assistantMessage(
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

function turnEndReason(status: FinalMessageStatus) {
  return status === 'complete' ? 'complete' : status;
}

function applyFlatPatch(data: JsonObject, patch: FlatPatch): JsonObject {
  const next: JsonObject = { ...data };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** A deterministic UUIDv7 generator; `salt` separates conversations. */
export function idsFor(salt: number): () => string {
  let tick = 1_800_000_000_000 + salt * 1_000_000;
  const now = () => {
    tick += 1;
    return tick;
  };
  return createIdGenerator({ now, random: () => new Uint8Array(16).fill(salt % 256) });
}

export type { ConversationEvent, UnknownEvent };
