import { describe, expect, it } from 'vitest';
import { groupHeap, type HeapSnapshotFile, heapGrowth } from './heap-snapshot-diff.ts';

/** A snapshot of the given nodes, each `[type, name, self size]`, in V8's flat layout. */
function snapshotOf(nodes: readonly (readonly [string, string, number])[]): HeapSnapshotFile {
  const types = ['object', 'string', 'closure', 'concatenated string'];
  const strings: string[] = [];
  const intern = (text: string) => {
    const at = strings.indexOf(text);
    return at === -1 ? strings.push(text) - 1 : at;
  };
  return {
    snapshot: {
      meta: { node_fields: ['type', 'name', 'id', 'self_size'], node_types: [types, 'string', 'number', 'number'] },
    },
    nodes: nodes.flatMap(([type, name, size], id) => [types.indexOf(type), intern(name), id, size]),
    strings,
  };
}

const frame = (offset: number) =>
  `id: ${offset}\nevent: block_delta\ndata: {"offset":${offset},"conversationId":"01936b2e-0000-7000-8000-000000000001"}`;

describe('heap snapshot diff', () => {
  it('adds up the strings of one kind and the objects of one constructor, and ranks what grew', () => {
    const before = snapshotOf([
      ['object', 'Object', 40],
      ['string', frame(1), 300],
      ['closure', 'wakeReaders', 32],
    ]);
    const after = snapshotOf([
      ['object', 'Object', 40],
      ['object', 'Object', 40],
      ['string', frame(1), 300],
      ['string', frame(2), 300],
      ['string', frame(1234), 304],
    ]);
    const growth = heapGrowth(groupHeap(before), groupHeap(after));
    expect(growth.map(({ group, countChange, bytesChange }) => ({ group, countChange, bytesChange }))).toEqual([
      { group: 'string "id: #\\nevent: block_delta\\ndata: {"', countChange: 2, bytesChange: 604 },
      { group: 'object Object', countChange: 1, bytesChange: 40 },
      { group: 'closure wakeReaders', countChange: -1, bytesChange: -32 },
    ]);
  });
});
