import { v7 } from 'uuid';
import { z } from 'zod';

/** Web Crypto, present in Node and every browser; declared here so the package needs no DOM or Node types. */
declare const crypto: { getRandomValues<T extends Uint8Array>(array: T): T };

/** A UUIDv7 string. Time-ordered: ids created later sort after ids created earlier. */
const uuidV7 = z.uuid({ version: 'v7', message: 'expected a UUIDv7 string' });

/** Id of a conversation, assigned by the server when the conversation is created. */
export const conversationIdSchema = uuidV7.brand<'ConversationId'>();
export type ConversationId = z.infer<typeof conversationIdSchema>;

/** Id of a message, assigned by the server when the message opens; it never changes. */
export const messageIdSchema = uuidV7.brand<'MessageId'>();
export type MessageId = z.infer<typeof messageIdSchema>;

/** Id of a turn: one user message and the assistant work that answers it. */
export const turnIdSchema = uuidV7.brand<'TurnId'>();
export type TurnId = z.infer<typeof turnIdSchema>;

/**
 * Id chosen by a client for a message it sends, so that a retried send is recognised
 * and an optimistic message can be matched to the server's. 1–128 printable characters.
 */
export const clientMessageIdSchema = z
  .string()
  .min(1, 'clientMessageId must not be empty')
  .max(128, 'clientMessageId must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'clientMessageId must be printable ASCII without spaces')
  .brand<'ClientMessageId'>();
export type ClientMessageId = z.infer<typeof clientMessageIdSchema>;

/**
 * Id an AI SDK chat (`useChat({ id })`) names its conversation by when it is not the
 * conversation's own UUIDv7: kept on the conversation as an alias, unique in its account.
 * 1–100 printable characters, the longest id a URL path part may carry.
 */
export const chatIdSchema = z
  .string()
  .min(1, 'the chat id must not be empty')
  .max(100, 'the chat id must be at most 100 characters')
  .regex(/^[\x21-\x7e]+$/, 'the chat id must be printable ASCII without spaces');

/** Options of {@link createIdGenerator}. */
export interface IdGeneratorOptions {
  /**
   * Current time in milliseconds since the epoch; a fraction (as from
   * `performance.timeOrigin + performance.now()`) is dropped. Default: `Date.now`.
   */
  readonly now?: () => number;
  /** 16 random bytes, read at once. Default: `crypto.getRandomValues`, drawn a pool at a time. */
  readonly random?: () => Uint8Array;
}

/** Ids' worth of random bytes drawn from Web Crypto at once: one call per 256 ids, not one per id. */
const POOL_BYTES = 16 * 256;

/** 16 random bytes at a time from a pool filled by `crypto.getRandomValues`; each view is valid until the next call. */
function pooledRandom(): () => Uint8Array {
  const pool = new Uint8Array(POOL_BYTES);
  let next = POOL_BYTES;
  return () => {
    if (next === POOL_BYTES) {
      crypto.getRandomValues(pool);
      next = 0;
    }
    const bytes = pool.subarray(next, next + 16);
    next += 16;
    return bytes;
  };
}

/** Creates UUIDv7 strings; cast them to the branded id type that names their use. */
export type IdGenerator = () => string;

/**
 * A monotonic UUIDv7 generator: ids created in the same millisecond (or while the clock
 * steps backwards) still sort in creation order, because the 32-bit counter after the
 * timestamp is incremented instead of re-drawn (RFC 9562, section 6.2, method 1).
 */
export function createIdGenerator(options: IdGeneratorOptions = {}): IdGenerator {
  const now = options.now ?? Date.now;
  const random = options.random ?? pooledRandom();
  let lastMsecs = Number.NEGATIVE_INFINITY;
  let seq = 0;
  return () => {
    const bytes = random();
    // Whole milliseconds: the id holds no fraction, so two times in the same millisecond
    // must take the counter path, not draw a new (possibly smaller) random counter.
    const time = Math.floor(now());
    if (time > lastMsecs) {
      lastMsecs = time;
      // A fresh random start that leaves half the counter space for increments.
      seq = (((bytes[6] ?? 0) & 0x7f) << 24) | ((bytes[7] ?? 0) << 16) | ((bytes[8] ?? 0) << 8) | (bytes[9] ?? 0);
    } else {
      seq = (seq + 1) | 0;
      if (seq === 0) lastMsecs += 1;
    }
    return v7({ msecs: lastMsecs, seq, random: bytes });
  };
}

/** The generator the rest of the process shares. */
export const newId: IdGenerator = createIdGenerator();
