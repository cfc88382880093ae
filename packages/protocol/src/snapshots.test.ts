import { describe, expect, it } from 'vitest';
import { exampleConversationSnapshot, exampleIds, exampleMessageSnapshot, withField } from '../test/example-events.ts';
import { conversationSnapshotSchema } from './conversation-snapshot.ts';
import { describeZodError } from './describe-zod-error.ts';
import { messageSnapshotSchema } from './snapshots.ts';

function problemsOf(result: { success: boolean; error?: Parameters<typeof describeZodError>[0] }): string {
  if (result.success || result.error === undefined) throw new Error('expected the snapshot to be refused');
  return describeZodError(result.error);
}

describe('messageSnapshotSchema', () => {
  it('accepts a message with one block of every type and round-trips it through JSON', () => {
    const parsed = messageSnapshotSchema.parse(exampleMessageSnapshot);
    expect(parsed).toEqual(exampleMessageSnapshot);
    expect(messageSnapshotSchema.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(exampleMessageSnapshot);
  });

  it('keeps usage fields beyond the two token counts', () => {
    expect(messageSnapshotSchema.parse(exampleMessageSnapshot).usage).toEqual({
      inputTokens: 12,
      outputTokens: 34,
      cacheReadTokens: 5,
    });
  });

  it('accepts a streaming message with no blocks and no optional fields', () => {
    const { stopReason: _s, usage: _u, ...rest } = exampleMessageSnapshot;
    const opened = { ...rest, status: 'streaming', blocks: [], watermarks: { '-1': 1 } };
    expect(messageSnapshotSchema.parse(opened)).toEqual(opened);
  });

  it('refuses blocks whose index is not their position', () => {
    const blocks = exampleMessageSnapshot.blocks.slice(1);
    expect(problemsOf(messageSnapshotSchema.safeParse({ ...exampleMessageSnapshot, blocks }))).toContain(
      'blocks: blocks[i].index must equal i',
    );
  });

  it('refuses an error without a code', () => {
    const failed = { ...exampleMessageSnapshot, status: 'error', error: { message: 'Overloaded.' } };
    expect(problemsOf(messageSnapshotSchema.safeParse(failed))).toContain('error.code: ');
  });

  it.each([
    ['watermarks.x', 1],
    ['watermarks.-2', 1],
    ['watermarks.0', 0],
    ['status', 'done'],
    ['createdAt', 'today'],
    ['blocks.3.status', 'half'],
    ['blocks.4.data', 'text'],
    ['id', '8c5a1c1e-7f1b-4c3e-9d3a-2b1f0e6a9c4d'],
  ])('refuses %s = %j', (path, value) => {
    expect(problemsOf(messageSnapshotSchema.safeParse(withField(exampleMessageSnapshot, path, value)))).toContain(
      `${path}: `,
    );
  });
});

describe('conversationSnapshotSchema', () => {
  it('accepts a snapshot with a running turn and a pending approval and round-trips it', () => {
    const parsed = conversationSnapshotSchema.parse(exampleConversationSnapshot);
    expect(parsed).toEqual(exampleConversationSnapshot);
    expect(conversationSnapshotSchema.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(exampleConversationSnapshot);
  });

  it('accepts the snapshot of an empty conversation at offset 0, without app events (as older servers send it)', () => {
    const empty = {
      conversationId: exampleIds.conversation,
      offset: 0,
      messages: [],
      activity: { phase: 'idle' },
      pendingApprovals: [],
    };
    expect(conversationSnapshotSchema.parse(empty)).toEqual(empty);
  });

  it.each([
    ['offset', -1],
    ['activity', undefined],
    ['activity.phase', 'napping'],
    ['pendingApprovals', undefined],
    ['pendingApprovals.0.toolName', ''],
    ['activeTurn.userMessageId', 'nope'],
    ['messages.0.role', 'system'],
    ['appEvents.0.beforeBlock', -1],
    ['appEvents.1.type', 'Build-Progress'],
    ['appEvents.1.afterMessageId', 'nope'],
  ])('refuses %s = %j', (path, value) => {
    expect(
      problemsOf(conversationSnapshotSchema.safeParse(withField(exampleConversationSnapshot, path, value))),
    ).toContain(`${path}: `);
  });
});
