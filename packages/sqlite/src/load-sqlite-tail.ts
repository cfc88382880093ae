import { EventTail } from './event-tail.ts';
import type { SqliteStatements } from './sqlite-statements.ts';

interface StoredIdentity {
  readonly offset: number;
  readonly messageId?: string;
  readonly blockIndex?: number;
  readonly seq?: number;
}

/**
 * Reads the log rows beyond the mark (appended but not indexed before the file was last
 * closed, or killed) into a new tail, as a log does when it opens. Each row's offset and
 * identity are read off its envelope.
 * @throws Error when a row names a message the file does not list.
 */
export function loadSqliteTail(statements: SqliteStatements): EventTail {
  const tail = new EventTail();
  const messages = new Map<string, number>();
  for (const row of statements.loadUnindexed.iterate() as Iterable<[number, number, string]>) {
    const [position, stream, envelope] = row;
    const { offset, messageId, blockIndex, seq } = JSON.parse(envelope) as StoredIdentity;
    let message: number | null = null;
    if (messageId !== undefined) {
      const name = `${stream}:${messageId}`;
      let key = messages.get(name);
      if (key === undefined) {
        const found = statements.findMessage.get(stream, messageId) as { key: number } | undefined;
        if (found === undefined) {
          throw new Error(`Log row ${position} belongs to message ${messageId}, which the file does not list.`);
        }
        key = found.key;
        messages.set(name, key);
      }
      message = key;
    }
    tail.add({ position, stream, offset, message, blockIndex: blockIndex ?? 0, seq: seq ?? 0 });
  }
  return tail;
}
