import type { StoredEntry } from '@once/log';
import { eventFrame } from '../event-stream/sse-frames.ts';

/** A committed event with its SSE frame, built once and shared by every subscriber. */
export interface FeedEntry {
  readonly offset: number;
  /** The envelope's JSON text, as stored. */
  readonly json: string;
  readonly frame: string;
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
 * V8 stores text that is all Latin-1; other text takes two) and a fixed overhead. Its
 * compact frame, set later and shorter than its frame, is not counted.
 */
export function feedEntryBytes(entry: FeedEntry): number {
  return entry.json.length + entry.frame.length + ENTRY_OVERHEAD_BYTES;
}

/** The feed's entry of a stored event: its frames are built once, here, and shared. */
export function toFeedEntry({ offset, type, json }: StoredEntry): FeedEntry {
  return { offset, json, frame: eventFrame(offset, type, json), compactFrame: undefined, envelope: undefined };
}
