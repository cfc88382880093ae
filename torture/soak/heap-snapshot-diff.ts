// What grew between two V8 heap snapshots (`.heapsnapshot`, JSON): the daemon's objects
// grouped by constructor, and its strings by how they begin (event JSON, SSE frames…).

/** The parts of a `.heapsnapshot` file read here. */
export interface HeapSnapshotFile {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly (readonly string[] | string)[];
    };
  };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

/** One group of heap objects: how many, and their own size in bytes (not what they retain). */
export interface HeapGroup {
  readonly count: number;
  readonly bytes: number;
}

/** A group's change from the first snapshot to the second. */
export interface HeapGrowth extends HeapGroup {
  readonly group: string;
  readonly countChange: number;
  readonly bytesChange: number;
}

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string']);
/** How many characters of a string name its group: enough to tell `{"offset":…` from `id: …`. */
const STRING_PREFIX = 32;

/**
 * Groups a snapshot's nodes: objects by type and constructor name (`object Object`,
 * `closure wakeReaders`), strings by their first characters with digits and ids folded
 * (`string {"offset":#,"stream":"conv`), so that many strings of one kind add up.
 */
export function groupHeap(file: HeapSnapshotFile): Map<string, HeapGroup> {
  const fields = file.snapshot.meta.node_fields;
  const width = fields.length;
  const typeField = fields.indexOf('type');
  const nameField = fields.indexOf('name');
  const sizeField = fields.indexOf('self_size');
  const types = file.snapshot.meta.node_types[typeField] as readonly string[];
  const groups = new Map<string, HeapGroup>();
  for (let index = 0; index < file.nodes.length; index += width) {
    const type = types[file.nodes[index + typeField] as number] ?? 'unknown';
    const name = file.strings[file.nodes[index + nameField] as number] ?? '';
    const group = STRING_TYPES.has(type) ? `string ${stringShape(name)}` : `${type} ${name.slice(0, 60)}`;
    const before = groups.get(group) ?? { count: 0, bytes: 0 };
    groups.set(group, { count: before.count + 1, bytes: before.bytes + (file.nodes[index + sizeField] as number) });
  }
  return groups;
}

/** The groups whose size changed, most grown first. */
export function heapGrowth(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>): HeapGrowth[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  const growth: HeapGrowth[] = [];
  for (const group of names) {
    const first = before.get(group) ?? { count: 0, bytes: 0 };
    const second = after.get(group) ?? { count: 0, bytes: 0 };
    if (second.bytes === first.bytes && second.count === first.count) continue;
    growth.push({ group, ...second, countChange: second.count - first.count, bytesChange: second.bytes - first.bytes });
  }
  return growth.sort((left, right) => right.bytesChange - left.bytesChange);
}

function stringShape(text: string): string {
  return JSON.stringify(
    text
      .slice(0, 80)
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
      .replace(/\d+/g, '#')
      .slice(0, STRING_PREFIX),
  );
}
