// One valid example of every event type and of each snapshot, as they travel on the wire.
// Ids come from a generator with a frozen clock and zero randomness, so every run (and the
// JSON Schema test) sees the same values.
import type { z } from 'zod';
import type { conversationSnapshotSchema } from '../src/conversation-snapshot.ts';
import type { onceEventSchema } from '../src/event.ts';
import { createIdGenerator } from '../src/ids.ts';
import type { messageSnapshotSchema } from '../src/snapshots.ts';

/** An event as JSON carries it: plain strings and numbers, no brands. */
export type WireEvent = z.input<typeof onceEventSchema>;
export type WireEventType = WireEvent['type'];

const newId = createIdGenerator({ now: () => Date.UTC(2026, 10, 23, 21), random: () => new Uint8Array(16) });

export const exampleIds = {
  conversation: newId(),
  turn: newId(),
  userMessage: newId(),
  assistantMessage: newId(),
} as const;

const ts = '2026-11-23T21:00:00.000Z';
const conversation = { stream: 'conversation', conversationId: exampleIds.conversation, ts } as const;
const account = { stream: 'account', ts } as const;
const assistant = { ...conversation, messageId: exampleIds.assistantMessage } as const;

/** The final snapshot of an assistant message holding one block of every type. */
export const exampleMessageSnapshot: z.input<typeof messageSnapshotSchema> = {
  id: exampleIds.assistantMessage,
  conversationId: exampleIds.conversation,
  role: 'assistant',
  status: 'complete',
  turnId: exampleIds.turn,
  createdAt: ts,
  stopReason: 'end_turn',
  usage: { inputTokens: 12, outputTokens: 34, cacheReadTokens: 5 },
  blocks: [
    { index: 0, type: 'thinking', status: 'closed', text: 'The user wants the time.' },
    {
      index: 1,
      type: 'tool_use',
      status: 'closed',
      toolName: 'clock',
      toolUseId: 'toolu_1',
      partialJson: '{"zone":"UTC"}',
      input: { zone: 'UTC' },
    },
    {
      index: 2,
      type: 'tool_result',
      status: 'closed',
      toolUseId: 'toolu_1',
      text: '21:00',
      result: { time: '21:00' },
      isError: false,
    },
    { index: 3, type: 'text', status: 'closed', text: 'It is 21:00 UTC.' },
    { index: 4, type: 'surface', status: 'closed', surfaceId: 'card_1', surfaceType: 'card', data: { title: 'Clock' } },
  ],
  watermarks: { '-1': 1, '0': 3, '1': 4, '2': 3, '3': 3, '4': 3 },
};

/** A conversation folded at offset 7, with a turn running and an approval pending. */
export const exampleConversationSnapshot: z.input<typeof conversationSnapshotSchema> = {
  conversationId: exampleIds.conversation,
  offset: 7,
  messages: [exampleMessageSnapshot],
  activeTurn: { turnId: exampleIds.turn, userMessageId: exampleIds.userMessage },
  activity: { phase: 'awaiting_approval', text: 'Waiting for approval' },
  pendingApprovals: [{ toolUseId: 'toolu_2', toolName: 'shell', input: { command: 'ls' } }],
  appEvents: [
    {
      offset: 5,
      type: 'data_weather',
      data: { messageId: exampleIds.assistantMessage, beforeBlock: 1, name: 'weather', data: { celsius: 21 } },
      messageId: exampleIds.assistantMessage,
      beforeBlock: 1,
    },
    { offset: 6, type: 'build_progress', data: { percent: 40 }, afterMessageId: exampleIds.assistantMessage },
  ],
};

/** One valid event of every type; the mapped type makes a missing type a compile error. */
export const exampleEvents: { readonly [Type in WireEventType]: Extract<WireEvent, { type: Type }> } = {
  message_open: {
    ...conversation,
    messageId: exampleIds.userMessage,
    offset: 1,
    type: 'message_open',
    blockIndex: -1,
    seq: 1,
    data: { role: 'user', turnId: exampleIds.turn, clientMessageId: 'client-1' },
  },
  block_open: {
    ...assistant,
    offset: 2,
    type: 'block_open',
    blockIndex: 1,
    seq: 1,
    data: { blockType: 'tool_use', toolName: 'clock', toolUseId: 'toolu_1' },
  },
  block_delta: { ...assistant, offset: 3, type: 'block_delta', blockIndex: 0, seq: 2, data: { text: 'Hel' } },
  block_close: {
    ...assistant,
    offset: 4,
    type: 'block_close',
    blockIndex: 2,
    seq: 3,
    data: { result: { time: '21:00' }, isError: false },
  },
  message_complete: {
    ...assistant,
    offset: 5,
    type: 'message_complete',
    blockIndex: -1,
    seq: 2,
    data: {
      status: 'complete',
      stopReason: 'end_turn',
      usage: { inputTokens: 12, outputTokens: 34 },
      message: exampleMessageSnapshot,
    },
  },
  turn_start: {
    ...conversation,
    offset: 6,
    type: 'turn_start',
    data: { turnId: exampleIds.turn, userMessageId: exampleIds.userMessage },
  },
  turn_end: { ...conversation, offset: 7, type: 'turn_end', data: { turnId: exampleIds.turn, reason: 'complete' } },
  activity: { ...conversation, offset: 8, type: 'activity', data: { phase: 'tool_running', text: 'Running clock' } },
  approval_request: {
    ...conversation,
    offset: 9,
    type: 'approval_request',
    data: { toolUseId: 'toolu_2', toolName: 'shell', input: { command: 'ls', flags: ['-l'] } },
  },
  approval_resolved: {
    ...conversation,
    offset: 10,
    type: 'approval_resolved',
    data: { toolUseId: 'toolu_2', decision: 'deny' },
  },
  usage: { ...conversation, offset: 11, type: 'usage', data: { inputTokens: 12, outputTokens: 34 } },
  branch_selected: {
    ...conversation,
    offset: 12,
    type: 'branch_selected',
    data: { messageId: exampleIds.assistantMessage },
  },
  conversation_created: {
    ...account,
    offset: 1,
    type: 'conversation_created',
    data: { conversation: { id: exampleIds.conversation, title: 'Time', createdAt: ts, updatedAt: ts } },
  },
  conversation_updated: {
    ...account,
    offset: 2,
    type: 'conversation_updated',
    data: { conversation: { id: exampleIds.conversation, title: 'What time is it?', createdAt: ts, updatedAt: ts } },
  },
  conversation_deleted: {
    ...account,
    offset: 3,
    type: 'conversation_deleted',
    data: { conversationId: exampleIds.conversation },
  },
};

/**
 * A deep copy of `value` with the field at the dotted `path` set to `replacement`, or
 * removed when `replacement` is `undefined`.
 */
export function withField(value: object, path: string, replacement: unknown): Record<string, unknown> {
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let target: Record<string, unknown> = copy;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (replacement === undefined) delete target[last];
  else target[last] = replacement;
  return copy;
}
