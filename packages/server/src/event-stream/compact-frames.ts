import type { RawEnvelope } from '@once/protocol';
import type { FeedEntry } from '../feed/feed-entry.ts';
import { shortFrameOfEvents } from './short-frame-of-events.ts';

/**
 * The frame a compact stream writes for `entry` right after `previous` (decision 019): its
 * short frame when it is a block delta that `@once/protocol`'s `compactDelta` can shorten
 * after `previous`, else its full frame. The short frame is built once per event and kept
 * on the entry: it depends only on the event before it in the stream, the same for every
 * subscriber.
 */
export function frameAfter(previous: FeedEntry, entry: FeedEntry): string {
  if (previous.offset !== entry.offset - 1) return entry.frame;
  let short = entry.compactFrame;
  if (short === undefined) {
    short = shortFrameOf(previous, entry);
    entry.compactFrame = short;
  }
  return short ?? entry.frame;
}

/** Matches the stored JSON of a block delta without parsing it: most events are not one. */
const BLOCK_DELTA = '"type":"block_delta"';

function shortFrameOf(previous: FeedEntry, entry: FeedEntry): string | null {
  if (!entry.json.includes(BLOCK_DELTA)) return null;
  // This daemon's own commits come with their events as objects: nothing to parse.
  const before = previous.event ?? previous.envelope ?? (JSON.parse(previous.json) as RawEnvelope);
  // Its successor's short frame was the last thing to need it parsed.
  previous.envelope = undefined;
  const event = entry.event ?? (JSON.parse(entry.json) as RawEnvelope);
  if (entry.event === undefined) entry.envelope = event;
  return shortFrameOfEvents(before, event);
}
