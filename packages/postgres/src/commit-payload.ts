import { type CommitNotice, type StreamName, streamKeyOf } from '@once/log';

/**
 * What a commit announces on the schema's channel: the heads of the streams it moved. One
 * payload carries many streams, so a batch of 100 conversations sends one or two
 * notifications, not 100 (each is queued by PostgreSQL, delivered to every daemon's
 * listening connection and parsed there). Sent after the commit, only if it took effect
 * (docs/decisions/018-postgresql-appends-in-parallel.md).
 */
export interface CommitPayload {
  /** The log instance that committed, so it can skip its own notifications (it told its listeners already). */
  readonly from: string;
  /** `[kind, name, head]` of each stream whose head moved, the head after the commit. */
  readonly heads: readonly (readonly [StreamName['kind'], string, number])[];
}

/**
 * The most bytes of one payload: PostgreSQL refuses a NOTIFY payload of 8000 bytes or
 * more. Stream names are ids, so a payload holds about 100 streams.
 */
export const MAX_PAYLOAD_BYTES = 7_900;

/**
 * The text every payload `from` sends begins with, in each of its forms (these payloads,
 * the append function's, which builds the same text, and the one-stream form of the
 * version before). A log hears its own notifications too and skips them: checking this
 * prefix first spares parsing each of them (one per batch, about 50 bytes a stream).
 */
export function commitPayloadPrefix(from: string): string {
  return `{"from":${JSON.stringify(from)},`;
}

/** The NOTIFY payload texts announcing `heads`: as few as fit under {@link MAX_PAYLOAD_BYTES} each. */
export function encodeCommitPayloads(
  from: string,
  heads: readonly (StreamName & { readonly head: number })[],
): string[] {
  const prefix = `${commitPayloadPrefix(from)}"heads":[`;
  const payloads: string[] = [];
  let entries: string[] = [];
  let bytes = Buffer.byteLength(prefix) + 2;
  for (const { kind, name, head } of heads) {
    const entry = JSON.stringify([kind, name, head]);
    const size = Buffer.byteLength(entry) + 1;
    if (entries.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(`${prefix}${entries.join(',')}]}`);
      entries = [];
      bytes = Buffer.byteLength(prefix) + 2;
    }
    entries.push(entry);
    bytes += size;
  }
  if (entries.length > 0) payloads.push(`${prefix}${entries.join(',')}]}`);
  return payloads;
}

/** What a payload announces: who committed and each stream's new head. */
export interface DecodedCommitPayload {
  readonly from: string;
  readonly notices: readonly CommitNotice[];
}

/**
 * Reads a payload back. A daemon of the version before sends one stream a payload
 * (`{"from","kind","name","head"}`); that is read too. Anything else on the channel (a
 * person's test NOTIFY) reads as undefined and is ignored, rather than throwing inside
 * the driver; so is an entry naming a stream kind this code does not know.
 */
export function decodeCommitPayload(text: string): DecodedCommitPayload | undefined {
  let value: { from?: unknown; heads?: unknown; kind?: unknown; name?: unknown; head?: unknown };
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || typeof value.from !== 'string') return undefined;
  const entries = Array.isArray(value.heads) ? (value.heads as unknown[]) : [[value.kind, value.name, value.head]];
  const notices: CommitNotice[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue;
    const [kind, name, head] = entry as unknown[];
    if (typeof name !== 'string' || !Number.isSafeInteger(head)) continue;
    const stream = streamKeyOf(String(kind), name);
    if (stream !== undefined) notices.push({ stream, head: head as CommitNotice['head'] });
  }
  return notices.length === 0 ? undefined : { from: value.from, notices };
}
