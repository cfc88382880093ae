import { describe, expect, it } from 'vitest';
import { toStoredEntry } from './stored-entry.ts';

describe('toStoredEntry', () => {
  it('reads offset and type off the stored text without being fooled by nested "type" keys', () => {
    const json = '{"offset":42,"stream":"conversation","conversationId":"c","type":"block_open","data":{"type":"x"}}';
    expect(toStoredEntry(json)).toEqual({ offset: 42, type: 'block_open', json });
  });

  it('parses text whose data comes before its type (stored before the key order was fixed)', () => {
    const json = '{"offset":7,"stream":"conversation","data":{"type":"nested"},"type":"block_delta"}';
    expect(toStoredEntry(json)).toEqual({ offset: 7, type: 'block_delta', json });
  });

  it('falls back to parsing text of another shape', () => {
    const json = '{"stream":"account","data":{"type":"nested"},"type":"conversation_created","offset":3}';
    expect(toStoredEntry(json)).toEqual({ offset: 3, type: 'conversation_created', json });
  });
});
