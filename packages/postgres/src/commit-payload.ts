import { type CommitNotice, type StreamName, streamKeyOf } from '@once/log';

/**
 * What a commit announces on the schema's channel, once per stream whose head moved. The
 * NOTIFY is sent inside the transaction, so PostgreSQL delivers it only if it commits,
 * and after the events are readable.
 */
export interface CommitPayload extends StreamName {
  /** The log instance that committed, so it can skip its own notifications (it told its listeners already). */
  readonly from: string;
  /** The stream's head after the commit. */
  readonly head: number;
}

/** The NOTIFY payload text (well below PostgreSQL's 8000-byte limit: ids are short). */
export function encodeCommitPayload(payload: CommitPayload): string {
  return JSON.stringify(payload);
}

/**
 * Reads a payload back. Anything else on the channel (another version, a person's test
 * NOTIFY) reads as undefined and is ignored, rather than throwing inside the driver.
 */
export function decodeCommitPayload(text: string): (CommitNotice & { readonly from: string }) | undefined {
  let value: Partial<CommitPayload>;
  try {
    value = JSON.parse(text) as Partial<CommitPayload>;
  } catch {
    return undefined;
  }
  if (typeof value.from !== 'string' || typeof value.name !== 'string' || !Number.isSafeInteger(value.head)) {
    return undefined;
  }
  const stream = streamKeyOf(String(value.kind), value.name);
  if (stream === undefined) return undefined;
  return { from: value.from, stream, head: value.head as CommitNotice['head'] };
}
