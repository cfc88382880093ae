import type { StreamKey } from '@once/log';

/**
 * A Map keyed by stream, without building a key string per lookup: one map per kind of
 * stream, keyed by the conversation's or account's id as given. The feed looks its streams
 * up per commit and per read, so per token; `streamId` made and hashed a new string each time.
 */
export class StreamMap<T> {
  private readonly conversations = new Map<string, T>();
  private readonly accounts = new Map<string, T>();

  get(stream: StreamKey): T | undefined {
    return this.mapOf(stream).get(idOf(stream));
  }

  set(stream: StreamKey, value: T): void {
    this.mapOf(stream).set(idOf(stream), value);
  }

  delete(stream: StreamKey): void {
    this.mapOf(stream).delete(idOf(stream));
  }

  *values(): IterableIterator<T> {
    yield* this.conversations.values();
    yield* this.accounts.values();
  }

  clear(): void {
    this.conversations.clear();
    this.accounts.clear();
  }

  private mapOf(stream: StreamKey): Map<string, T> {
    return stream.stream === 'conversation' ? this.conversations : this.accounts;
  }
}

const idOf = (stream: StreamKey): string =>
  stream.stream === 'conversation' ? stream.conversationId : stream.accountId;
