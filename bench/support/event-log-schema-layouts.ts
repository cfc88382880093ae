// The candidate SQLite layouts that bench/compare-event-log-schemas.ts measures side by
// side: each one's DDL, and how it appends a transaction's drafts and reads a page.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Page size of the catch-up read. */
export const pageSize = 1000;

/** An event to append: its stream, its identity and its envelope. */
export interface Draft {
  readonly conversationId: string;
  readonly messageId: string;
  readonly seq: number;
  readonly envelope: string;
}

/** One candidate: its DDL and how it appends a transaction's drafts and reads a page. */
export interface Layout {
  readonly name: string;
  readonly description: string;
  readonly schema: string;
  /** False for the reference layout without an identity index: it cannot skip duplicates. */
  readonly idempotent?: boolean;
  prepare(database: DatabaseSync): {
    append(drafts: readonly Draft[]): void;
    readPage(conversationId: string, afterOffset: number): number;
  };
}

/** Keeps each stream's head in memory, as the log does, so no layout pays for `max(offset)`. */
function headCounter() {
  const heads = new Map<string, number>();
  return (conversationId: string) => {
    const next = (heads.get(conversationId) ?? 0) + 1;
    heads.set(conversationId, next);
    return next;
  };
}

/** Maps a text key to a small integer through a table, cached in memory. */
function keyCache(database: DatabaseSync, table: string) {
  const find = database.prepare(`SELECT key FROM ${table} WHERE name = ?`);
  const insert = database.prepare(`INSERT INTO ${table} (name) VALUES (?) RETURNING key`);
  const cache = new Map<string, number>();
  return (name: string): number => {
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const row = (find.get(name) ?? insert.get(name)) as { key: number };
    cache.set(name, row.key);
    return row.key;
  };
}

function countPage(statement: StatementSync, ...parameters: (string | number)[]): number {
  let count = 0;
  for (const row of statement.all(...parameters)) {
    JSON.parse((row as { envelope: string }).envelope);
    count += 1;
  }
  return count;
}

const identityColumns = 'message_id TEXT, block_index INTEGER, seq INTEGER, envelope TEXT NOT NULL';

/** The candidates, in the order they are measured and listed. */
export const layouts: readonly Layout[] = [
  {
    name: 'text-key-rowid',
    description: 'rowid table, conversationId text column, secondary index (conversation, offset)',
    schema: `CREATE TABLE events (conversation TEXT NOT NULL, offset INTEGER NOT NULL, ${identityColumns});
      CREATE UNIQUE INDEX events_offset ON events (conversation, offset);
      CREATE UNIQUE INDEX events_identity ON events (conversation, message_id, block_index, seq) WHERE message_id IS NOT NULL;`,
    prepare(database) {
      const next = headCounter();
      const insert = database.prepare(
        `INSERT INTO events VALUES (?, ?, ?, 0, ?, ?)
         ON CONFLICT (conversation, message_id, block_index, seq) WHERE message_id IS NOT NULL DO NOTHING`,
      );
      const page = database.prepare(
        'SELECT envelope FROM events WHERE conversation = ? AND offset > ? ORDER BY offset LIMIT ?',
      );
      return {
        append: (drafts) => {
          for (const draft of drafts) {
            insert.run(draft.conversationId, next(draft.conversationId), draft.messageId, draft.seq, draft.envelope);
          }
        },
        readPage: (conversationId, after) => countPage(page, conversationId, after, pageSize),
      };
    },
  },
  {
    name: 'int-key-rowid',
    description: 'rowid table, integer stream key from a streams table, secondary index (stream, offset)',
    schema: `CREATE TABLE streams (key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE events (stream INTEGER NOT NULL, offset INTEGER NOT NULL, ${identityColumns});
      CREATE UNIQUE INDEX events_offset ON events (stream, offset);
      CREATE UNIQUE INDEX events_identity ON events (stream, message_id, block_index, seq) WHERE message_id IS NOT NULL;`,
    prepare(database) {
      const next = headCounter();
      const streamKey = keyCache(database, 'streams');
      const insert = database.prepare(
        `INSERT INTO events VALUES (?, ?, ?, 0, ?, ?)
         ON CONFLICT (stream, message_id, block_index, seq) WHERE message_id IS NOT NULL DO NOTHING`,
      );
      const page = database.prepare(
        'SELECT envelope FROM events WHERE stream = ? AND offset > ? ORDER BY offset LIMIT ?',
      );
      return {
        append: (drafts) => {
          for (const draft of drafts) {
            const key = streamKey(draft.conversationId);
            insert.run(key, next(draft.conversationId), draft.messageId, draft.seq, draft.envelope);
          }
        },
        readPage: (conversationId, after) => countPage(page, streamKey(conversationId), after, pageSize),
      };
    },
  },
  {
    name: 'int-key-clustered',
    description:
      'WITHOUT ROWID table clustered on (stream, offset), integer stream key, unique identity index, insert-or-ignore',
    schema: `CREATE TABLE streams (key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE events (stream INTEGER NOT NULL, offset INTEGER NOT NULL, ${identityColumns},
        PRIMARY KEY (stream, offset)) WITHOUT ROWID;
      CREATE UNIQUE INDEX events_identity ON events (stream, message_id, block_index, seq) WHERE message_id IS NOT NULL;`,
    prepare(database) {
      const next = headCounter();
      const streamKey = keyCache(database, 'streams');
      const insert = database.prepare(
        `INSERT INTO events VALUES (?, ?, ?, 0, ?, ?)
         ON CONFLICT (stream, message_id, block_index, seq) WHERE message_id IS NOT NULL DO NOTHING`,
      );
      const page = database.prepare(
        'SELECT envelope FROM events WHERE stream = ? AND offset > ? ORDER BY offset LIMIT ?',
      );
      return {
        append: (drafts) => {
          for (const draft of drafts) {
            const key = streamKey(draft.conversationId);
            insert.run(key, next(draft.conversationId), draft.messageId, draft.seq, draft.envelope);
          }
        },
        readPage: (conversationId, after) => countPage(page, streamKey(conversationId), after, pageSize),
      };
    },
  },
  {
    name: 'int-key-clustered-lookup',
    description: 'as int-key-clustered, but each event first looks its identity up, then inserts',
    schema: `CREATE TABLE streams (key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE events (stream INTEGER NOT NULL, offset INTEGER NOT NULL, ${identityColumns},
        PRIMARY KEY (stream, offset)) WITHOUT ROWID;
      CREATE UNIQUE INDEX events_identity ON events (stream, message_id, block_index, seq) WHERE message_id IS NOT NULL;`,
    prepare(database) {
      const next = headCounter();
      const streamKey = keyCache(database, 'streams');
      const find = database.prepare(
        'SELECT offset FROM events WHERE stream = ? AND message_id = ? AND block_index = 0 AND seq = ?',
      );
      const insert = database.prepare('INSERT INTO events VALUES (?, ?, ?, 0, ?, ?)');
      const page = database.prepare(
        'SELECT envelope FROM events WHERE stream = ? AND offset > ? ORDER BY offset LIMIT ?',
      );
      return {
        append: (drafts) => {
          for (const draft of drafts) {
            const key = streamKey(draft.conversationId);
            if (find.get(key, draft.messageId, draft.seq) !== undefined) continue;
            insert.run(key, next(draft.conversationId), draft.messageId, draft.seq, draft.envelope);
          }
        },
        readPage: (conversationId, after) => countPage(page, streamKey(conversationId), after, pageSize),
      };
    },
  },
  {
    name: 'int-key-clustered-message-key',
    description: 'as int-key-clustered, with message ids mapped to integers through a messages table',
    schema: `CREATE TABLE streams (key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE messages (key INTEGER PRIMARY KEY, stream INTEGER NOT NULL, name TEXT NOT NULL, UNIQUE (stream, name));
      CREATE TABLE events (stream INTEGER NOT NULL, offset INTEGER NOT NULL, message INTEGER, block_index INTEGER,
        seq INTEGER, envelope TEXT NOT NULL, PRIMARY KEY (stream, offset)) WITHOUT ROWID;
      CREATE UNIQUE INDEX events_identity ON events (message, block_index, seq) WHERE message IS NOT NULL;`,
    prepare(database) {
      const next = headCounter();
      const streamKey = keyCache(database, 'streams');
      const findMessage = database.prepare('SELECT key FROM messages WHERE stream = ? AND name = ?');
      const insertMessage = database.prepare('INSERT INTO messages (stream, name) VALUES (?, ?) RETURNING key');
      const messages = new Map<string, number>();
      const messageKey = (stream: number, name: string): number => {
        const cached = messages.get(name);
        if (cached !== undefined) return cached;
        const row = (findMessage.get(stream, name) ?? insertMessage.get(stream, name)) as { key: number };
        messages.set(name, row.key);
        return row.key;
      };
      const insert = database.prepare(
        `INSERT INTO events VALUES (?, ?, ?, 0, ?, ?)
         ON CONFLICT (message, block_index, seq) WHERE message IS NOT NULL DO NOTHING`,
      );
      const page = database.prepare(
        'SELECT envelope FROM events WHERE stream = ? AND offset > ? ORDER BY offset LIMIT ?',
      );
      return {
        append: (drafts) => {
          for (const draft of drafts) {
            const key = streamKey(draft.conversationId);
            insert.run(key, next(draft.conversationId), messageKey(key, draft.messageId), draft.seq, draft.envelope);
          }
        },
        readPage: (conversationId, after) => countPage(page, streamKey(conversationId), after, pageSize),
      };
    },
  },
  {
    name: 'int-key-clustered-no-identity',
    idempotent: false,
    description: 'int-key-clustered without the identity index: what idempotency costs (not a candidate)',
    schema: `CREATE TABLE streams (key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE events (stream INTEGER NOT NULL, offset INTEGER NOT NULL, ${identityColumns},
        PRIMARY KEY (stream, offset)) WITHOUT ROWID;`,
    prepare(database) {
      const next = headCounter();
      const streamKey = keyCache(database, 'streams');
      const insert = database.prepare('INSERT INTO events VALUES (?, ?, ?, 0, ?, ?)');
      const page = database.prepare(
        'SELECT envelope FROM events WHERE stream = ? AND offset > ? ORDER BY offset LIMIT ?',
      );
      return {
        append: (drafts) => {
          for (const draft of drafts) {
            const key = streamKey(draft.conversationId);
            insert.run(key, next(draft.conversationId), draft.messageId, draft.seq, draft.envelope);
          }
        },
        readPage: (conversationId, after) => countPage(page, streamKey(conversationId), after, pageSize),
      };
    },
  },
];
