import type { StoredEntry } from './event-log.ts';

/** The event types a compaction removes from a completed message. */
const BLOCK_EVENT_TYPES: ReadonlySet<string> = new Set(['block_open', 'block_delta', 'block_close']);

/** What one compaction changes in a stream; see {@link planCompaction}. */
export interface CompactionPlan {
  /** Offsets of the events to delete, ascending. */
  readonly removed: readonly number[];
  /** The events that follow a removed run, with the text to store for each: `previousOffset` set. */
  readonly marked: readonly StoredEntry[];
}

/** The fields of an envelope that compaction reads. */
interface EnvelopeFields {
  readonly messageId?: string;
}

/**
 * Decides what compacting these messages changes (docs/decisions/021-compaction.md), from
 * the stream's stored entries over the region the messages span, in offset order: from the
 * `message_open` of the first of them (or any event before it) through the
 * `message_complete` of the last. Removed: the `block_open`, `block_delta` and
 * `block_close` events of each listed message whose `message_complete` the region holds.
 * Marked: each remaining event right after a removed run gets `previousOffset`, the offset
 * of the remaining event before it. Events the region holds from earlier compactions keep
 * what they have unless a new run ends right before them. Pure: the logs delete and
 * rewrite what it returns, in one transaction.
 */
export function planCompaction(region: readonly StoredEntry[], messageIds: ReadonlySet<string>): CompactionPlan {
  const complete = new Set<string>();
  for (const entry of region) {
    if (entry.type !== 'message_complete') continue;
    const { messageId } = JSON.parse(entry.json) as EnvelopeFields;
    if (messageId !== undefined && messageIds.has(messageId)) complete.add(messageId);
  }
  const removed: number[] = [];
  const marked: StoredEntry[] = [];
  if (complete.size === 0) return { removed, marked };
  let previous: number | undefined;
  let inRun = false;
  for (const entry of region) {
    if (BLOCK_EVENT_TYPES.has(entry.type)) {
      const { messageId } = JSON.parse(entry.json) as EnvelopeFields;
      if (messageId !== undefined && complete.has(messageId)) {
        removed.push(entry.offset);
        inRun = true;
        continue;
      }
    }
    if (inRun && previous !== undefined) marked.push(withPreviousOffset(entry, previous));
    inRun = false;
    previous = entry.offset;
  }
  return { removed, marked };
}

/** The entry with `previousOffset` set, right after `offset` so that the envelope keeps its offset first. */
function withPreviousOffset(entry: StoredEntry, previousOffset: number): StoredEntry {
  const { offset, previousOffset: _replaced, ...rest } = JSON.parse(entry.json) as Record<string, unknown>;
  return { ...entry, json: JSON.stringify({ offset, previousOffset, ...rest }) };
}

/**
 * Adds a page of a stream's entries, in offset order, to the region a compaction of the
 * `open` messages reads, deleting each from `open` as its `message_complete` is added.
 * Returns true once `open` is empty: the region is whole, and the rest of the page is
 * left out of it.
 */
export function extendRegion<T extends StoredEntry>(region: T[], page: readonly T[], open: Set<string>): boolean {
  for (const entry of page) {
    region.push(entry);
    if (entry.type === 'message_complete') open.delete((JSON.parse(entry.json) as EnvelopeFields).messageId ?? '');
    if (open.size === 0) return true;
  }
  return open.size === 0;
}
