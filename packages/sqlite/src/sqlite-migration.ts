import type { DatabaseSync } from 'node:sqlite';
import { encodePositions } from './run-positions.ts';

/**
 * Rewrites a file of layout 1 (events clustered by stream and offset) or 2 (the same
 * plus an unmerged tail) into layout 3, in one transaction, so a crash leaves the old
 * layout whole. Each stream's merged events are copied in offset order, so they get
 * consecutive positions and one run each; rows of a layout-2 tail follow, unindexed,
 * as they were. Streams and messages keep their keys; each message learns the offset
 * of its first event.
 */
export function migrateToLayout3(database: DatabaseSync, version: 1 | 2): void {
  database.exec('BEGIN IMMEDIATE');
  try {
    database.exec(`
      ALTER TABLE messages ADD COLUMN first_offset INTEGER;
      CREATE TABLE log (position INTEGER PRIMARY KEY, stream INTEGER NOT NULL, envelope TEXT NOT NULL);
      CREATE TABLE runs (stream INTEGER NOT NULL, last_offset INTEGER NOT NULL, first_offset INTEGER NOT NULL,
        positions TEXT NOT NULL, PRIMARY KEY (stream, last_offset)) WITHOUT ROWID;
      CREATE TABLE log_mark (only INTEGER PRIMARY KEY CHECK (only = 1), position INTEGER NOT NULL);
    `);
    const insertLog = database.prepare('INSERT INTO log (stream, envelope) VALUES (?, ?)');
    const insertRun = database.prepare(
      'INSERT INTO runs (stream, last_offset, first_offset, positions) VALUES (?, ?, ?, ?)',
    );
    const merged = database.prepare('SELECT stream, offset, envelope FROM events ORDER BY stream, offset');
    merged.setReturnArrays(true);
    let run: { stream: number; first: number; last: number; positions: number[] } | undefined;
    const flush = () => {
      if (run !== undefined) insertRun.run(run.stream, run.last, run.first, encodePositions(run.positions));
    };
    let position = 0;
    for (const [stream, offset, envelope] of merged.iterate() as Iterable<[number, number, string]>) {
      position = Number(insertLog.run(stream, envelope).lastInsertRowid);
      if (run?.stream !== stream) {
        flush();
        run = { stream, first: offset, last: offset, positions: [] };
      }
      run.last = offset;
      run.positions.push(position);
    }
    flush();
    database.prepare('INSERT INTO log_mark (only, position) VALUES (1, ?)').run(position);
    database.exec(
      'UPDATE messages SET first_offset = (SELECT min(offset) FROM events WHERE events.message = messages.key)',
    );
    if (version === 2) {
      // Tail rows a merge round already copied into `events` (up to their stream's mark)
      // are there already; the others follow, unindexed, in the order they committed.
      database.exec(`
        INSERT INTO log (stream, envelope)
          SELECT stream, envelope FROM tail
          WHERE offset > coalesce((SELECT offset FROM merge_marks WHERE merge_marks.stream = tail.stream), 0)
          ORDER BY position;
        UPDATE messages SET first_offset = (SELECT min(offset) FROM tail WHERE tail.message = messages.key)
          WHERE first_offset IS NULL;
        DROP TABLE tail;
        DROP TABLE merge_marks;
      `);
    }
    database.exec('DROP TABLE events; PRAGMA user_version = 3; COMMIT;');
  } catch (error) {
    if (database.isTransaction) database.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Adds the snapshots table to a file of layout 3 (docs/decisions/016-persisted-snapshots.md),
 * in one transaction: nothing else changes, so an older Once cannot open the file after.
 */
export function migrateToLayout4(database: DatabaseSync, snapshotsTable: string): void {
  database.exec(`BEGIN IMMEDIATE; ${snapshotsTable}; PRAGMA user_version = 4; COMMIT;`);
}

/**
 * Adds each user message's clientMessageId to its `messages` row (layout 5), in one
 * transaction, read off the stored `message_open` events: the first message sent with an
 * id keeps it, should an older log hold two.
 */
export function migrateToLayout5(
  database: DatabaseSync,
  sentAs: { readonly column: string; readonly index: string },
): void {
  database.exec('BEGIN IMMEDIATE');
  try {
    database.exec(sentAs.column);
    database.exec(`
      UPDATE messages SET sent_as = opened.sent_as
      FROM (
        SELECT stream, message_id, sent_as, row_number() OVER (PARTITION BY stream, sent_as ORDER BY position) AS nth
        FROM (
          SELECT position, stream, envelope ->> '$.messageId' AS message_id,
                 envelope ->> '$.data.clientMessageId' AS sent_as
          FROM log
          WHERE envelope LIKE '%"type":"message_open"%' AND envelope ->> '$.type' = 'message_open'
            AND envelope ->> '$.data.role' = 'user'
        )
        WHERE sent_as IS NOT NULL
      ) AS opened
      WHERE opened.nth = 1 AND messages.stream = opened.stream AND messages.message_id = opened.message_id;
    `);
    database.exec(sentAs.index);
    database.exec('PRAGMA user_version = 5; COMMIT;');
  } catch (error) {
    if (database.isTransaction) database.exec('ROLLBACK');
    throw error;
  }
}
