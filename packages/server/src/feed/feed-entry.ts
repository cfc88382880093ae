import type { StoredEntry, StoredEvent } from '@once/log';
import { eventFrame } from '../event-stream/sse-frames.ts';

/** A committed event with its SSE frame, built once and shared by every subscriber. */
export interface FeedEntry {
  readonly offset: number;
  /** The envelope's JSON text, as stored. */
  readonly json: string;
  readonly frame: string;
  /**
   * The envelope as an object, when the log handed it over as one (`StoredEntry.event`:
   * this process's own commits), so a reader that folds events (the AI SDK chat stream)
   * need not parse `json`. Read-only, shared by every reader; absent on events read back
   * from the log.
   */
  readonly event?: StoredEvent;
  /**
   * The event's short frame in the compact form, once a compact stream asked for it
   * (`event-stream/compact-frames.ts`): null when it travels in full. Its short frame
   * depends only on the event before it in the stream, so every subscriber shares it.
   */
  compactFrame: string | null | undefined;
  /**
   * The envelope parsed, kept from when its own short frame was built until its
   * successor's is (which needs it too), so a compact stream parses each event once.
   */
  envelope?: Readonly<Record<string, unknown>> | undefined;
}

/** What an entry costs beside its texts: the entry object, its slot, the strings' headers. */
const ENTRY_OVERHEAD_BYTES = 96;

/**
 * What an entry held in memory costs, near enough: its two texts (a character a byte, as
 * V8 stores text that is all Latin-1; other text takes two), its event object counted as
 * its JSON again, and a fixed overhead. Its compact frame, set later and shorter than its
 * frame, is not counted.
 */
export function feedEntryBytes(entry: FeedEntry): number {
  const object = entry.event === undefined ? 0 : entry.json.length;
  return entry.json.length + entry.frame.length + object + ENTRY_OVERHEAD_BYTES;
}

/** The feed's entry of a stored event: its frames are built once, here, and shared. */
export function toFeedEntry({ offset, type, json, event }: StoredEntry): FeedEntry {
  const frame = eventFrame(offset, type, json);
  return event === undefined
    ? { offset, json, frame, compactFrame: undefined, envelope: undefined }
    : { offset, json, frame, event, compactFrame: undefined, envelope: undefined };
}
