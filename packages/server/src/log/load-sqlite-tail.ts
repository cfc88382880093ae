import { EventTail, identityKey } from './event-tail.ts';
import type { SqliteStatements } from './sqlite-statements.ts';

interface StoredFields {
  readonly offset: number;
  readonly stream: string;
  readonly conversationId?: string;
  readonly accountId?: string;
  readonly messageId?: string;
  readonly blockIndex?: number;
  readonly seq?: number;
}

/**
 * Reads the log rows beyond the mark (appended but not indexed before the file was last
 * closed, or killed) into a new tail, as a log does when it opens. Each row's stream and
 * identity are read off its envelope.
 * @throws Error when a row names a stream or message the file does not know.
 */
export function loadSqliteTail(statements: SqliteStatements): EventTail {
  const tail = new EventTail();
  const streams = new Map<string, number>();
  const messages = new Map<string, number>();
  for (const [position, envelope] of statements.loadUnindexed.iterate() as Iterable<[number, string]>) {
    const fields = JSON.parse(envelope) as StoredFields;
    const name = fields.stream === 'conversation' ? fields.conversationId : fields.accountId;
    const streamId = `${fields.stream}:${name}`;
    let stream = streams.get(streamId);
    if (stream === undefined) {
      const row = statements.findStream.get(fields.stream, name ?? null) as { key: number } | undefined;
      if (row === undefined) throw new Error(`Log row ${position} belongs to stream ${streamId}, which the file does not list.`);
      stream = row.key;
      streams.set(streamId, stream);
    }
    let identity: string | undefined;
    if (fields.messageId !== undefined) {
      const messageId = `${stream}:${fields.messageId}`;
      let message = messages.get(messageId);
      if (message === undefined) {
        const row = statements.findMessage.get(stream, fields.messageId) as { key: number } | undefined;
        if (row === undefined) throw new Error(`Log row ${position} belongs to message ${fields.messageId}, which the file does not list.`);
        message = row.key;
        messages.set(messageId, message);
      }
      identity = identityKey(message, fields.blockIndex ?? 0, fields.seq ?? 0);
    }
    tail.add({ position, stream, offset: fields.offset, identity, envelope });
  }
  return tail;
}
