import type { AppEventRecord, MessageId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { appEventsOfMessage } from './shown-app-events.ts';

const message = '0190f0a0-0000-7000-8000-000000000001' as MessageId;
const other = '0190f0a0-0000-7000-8000-000000000002' as MessageId;

const part = (offset: number, beforeBlock: number, extra: Record<string, unknown>): AppEventRecord => ({
  offset: offset as AppEventRecord['offset'],
  type: 'data_weather',
  data: { messageId: message, beforeBlock, name: 'weather', ...extra } as AppEventRecord['data'],
  messageId: message,
  beforeBlock,
});

describe('appEventsOfMessage', () => {
  it('places a data part before its block, titled by its name and showing its value', () => {
    const events = appEventsOfMessage([part(3, 1, { data: { celsius: 21 } })], message, 2);
    expect(events.beforeBlock.get(1)).toEqual([
      { key: 3, type: 'data_weather', title: 'weather', data: { celsius: 21 } },
    ]);
    expect(events.afterBlocks).toEqual([]);
  });

  it('shows a data part sent again with the same id once: the last value at the first one’s place', () => {
    const events = appEventsOfMessage(
      [part(3, 0, { id: 'w', data: 1 }), part(5, 0, { id: 'x', data: 'other' }), part(8, 2, { id: 'w', data: 2 })],
      message,
      3,
    );
    expect(events.beforeBlock.get(0)?.map(({ key, data }) => ({ key, data }))).toEqual([
      { key: 3, data: 2 },
      { key: 5, data: 'other' },
    ]);
    expect(events.beforeBlock.get(2)).toBeUndefined();
  });

  it('shows neither step_start nor a transient data part', () => {
    const step: AppEventRecord = {
      ...part(2, 0, {}),
      type: 'step_start',
      data: { messageId: message, beforeBlock: 0 },
    };
    const events = appEventsOfMessage([step, part(4, 0, { transient: true, data: 1 })], message, 1);
    expect(events.beforeBlock.size).toBe(0);
    expect(events.afterBlocks).toEqual([]);
  });

  it('puts a part placed past the last block after the blocks, and an event that named no message after the message', () => {
    const loose: AppEventRecord = {
      offset: 9 as AppEventRecord['offset'],
      type: 'build_progress',
      data: { percent: 40 },
      afterMessageId: message,
    };
    const elsewhere: AppEventRecord = { ...loose, offset: 10 as AppEventRecord['offset'], afterMessageId: other };
    const events = appEventsOfMessage([part(3, 4, { data: 1 }), loose, elsewhere], message, 2);
    expect(events.afterBlocks.map((event) => event.key)).toEqual([3]);
    expect(events.afterMessage).toEqual([
      { key: 9, type: 'build_progress', title: 'build_progress', data: { percent: 40 } },
    ]);
  });
});
