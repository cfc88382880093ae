// Compaction on SQLite (docs/decisions/021-compaction.md): the log's file before and after
// every completed message is compacted, what a client catching up from offset 0 receives
// before and after, and how fast compaction removes events beside a raw DELETE of as many
// rows from a plain table in the same run.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { EventDraft, StreamKey } from '@once/log';
import { type ConversationId, createIdGenerator, type MessageId, type Offset } from '@once/protocol';
import { openSqliteEventLog } from '@once/sqlite';
import type { Bench, BenchRow } from './bench-report.ts';

const QUICK = process.env.COMPACTION_BENCH_QUICK === '1';
const CONVERSATIONS = QUICK ? 10 : 50;
const MESSAGES = 20;
const DELTAS = QUICK ? 50 : 200;
/** Messages per call of `compact`, as the daemon's passes do. */
const PER_CALL = 20;

const newId = createIdGenerator();

/** One completed assistant message: open, a text block of ~5-character deltas, complete. */
function messageDrafts(conversationId: ConversationId): EventDraft[] {
  const messageId = newId() as MessageId;
  const turnId = newId();
  const ts = new Date().toISOString();
  const base = { stream: 'conversation', conversationId, messageId, ts } as const;
  const tokens = Array.from({ length: DELTAS }, (_, index) => ` w${index % 997}`.padEnd(5, 'x'));
  const drafts = [
    { ...base, type: 'message_open', blockIndex: -1, seq: 1, data: { role: 'assistant', turnId } },
    { ...base, type: 'block_open', blockIndex: 0, seq: 1, data: { blockType: 'text' } },
    ...tokens.map((text, index) => ({ ...base, type: 'block_delta', blockIndex: 0, seq: index + 2, data: { text } })),
    { ...base, type: 'block_close', blockIndex: 0, seq: DELTAS + 2, data: {} },
    {
      ...base,
      type: 'message_complete',
      blockIndex: -1,
      seq: 2,
      data: {
        status: 'complete',
        message: {
          id: messageId,
          conversationId,
          role: 'assistant',
          status: 'complete',
          turnId,
          createdAt: ts,
          blocks: [{ index: 0, type: 'text', status: 'closed', text: tokens.join('') }],
          watermarks: { '-1': 1, '0': DELTAS + 2 },
        },
      },
    },
  ];
  return drafts as EventDraft[];
}

const mebibytes = (bytes: number) => bytes / 2 ** 20;

/** Bytes of every event of a stream, read from offset 0 as a catching-up client would. */
async function catchUpBytes(log: ReturnType<typeof openSqliteEventLog>, stream: StreamKey): Promise<number> {
  let bytes = 0;
  let after = 0;
  for (;;) {
    const page = await log.readEntries(stream, after as Offset, 1_000);
    for (const entry of page) bytes += entry.json.length;
    if (page.length < 1_000) return bytes;
    after = page[page.length - 1]?.offset ?? after;
  }
}

/** Raw DELETE of `rows` rows by rowid lists of 1,000 a transaction from a plain table; rows/s. */
function rawDeleteRate(path: string, rows: number, body: string): number {
  const database = new DatabaseSync(path);
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  database.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = database.prepare('INSERT INTO rows (body) VALUES (?)');
  database.exec('BEGIN');
  for (let index = 0; index < rows; index += 1) insert.run(body);
  database.exec('COMMIT');
  const remove = database.prepare('DELETE FROM rows WHERE id IN (SELECT value FROM json_each(?))');
  const started = performance.now();
  for (let first = 1; first <= rows; first += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, rows - first + 1) }, (_, index) => first + index);
    database.exec('BEGIN');
    remove.run(JSON.stringify(ids));
    database.exec('COMMIT');
  }
  const rate = rows / ((performance.now() - started) / 1000);
  database.close();
  return rate;
}

const bench: Bench = async () => {
  const directory = mkdtempSync(join(tmpdir(), 'once-compaction-bench-'));
  try {
    const path = join(directory, 'once.db');
    let log = openSqliteEventLog({ path });
    const conversations: { stream: StreamKey; messages: string[] }[] = [];
    for (let index = 0; index < CONVERSATIONS; index += 1) {
      const conversationId = newId() as ConversationId;
      const stream = { stream: 'conversation', conversationId } as const;
      const messages: string[] = [];
      for (let message = 0; message < MESSAGES; message += 1) {
        const drafts = messageDrafts(conversationId);
        messages.push(drafts[0]?.messageId ?? '');
        for (let start = 0; start < drafts.length; start += 100)
          await log.append(stream, drafts.slice(start, start + 100));
      }
      conversations.push({ stream, messages });
    }
    const events = CONVERSATIONS * MESSAGES * (DELTAS + 4);
    const sample = conversations[0]?.stream;
    if (sample === undefined) throw new Error('no conversation written');
    const catchUpBefore = await catchUpBytes(log, sample);
    await log.close();
    const before = statSync(path).size;

    log = openSqliteEventLog({ path });
    let removed = 0;
    const started = performance.now();
    for (const { stream, messages } of conversations) {
      for (let start = 0; start < messages.length; start += PER_CALL) {
        removed += (await log.compact(stream, messages.slice(start, start + PER_CALL))).removed;
      }
    }
    const compactionRate = removed / ((performance.now() - started) / 1000);
    const catchUpAfter = await catchUpBytes(log, sample);
    await log.close();
    const after = statSync(path).size;
    const rawRate = rawDeleteRate(
      join(directory, 'raw.db'),
      removed,
      '{"offset":1,"type":"block_delta"}'.padEnd(200, ' '),
    );

    const rows: BenchRow[] = [
      {
        what: `SQLite file, ${events.toLocaleString('en-US')} events, before compaction`,
        value: mebibytes(before),
        unit: 'MiB',
      },
      {
        what: 'SQLite file after compacting every message (incremental vacuum)',
        value: mebibytes(after),
        unit: 'MiB',
        limit: { what: 'the same file before compaction', value: mebibytes(before) },
      },
      {
        what: `bytes a client catching up on one conversation from offset 0 receives, after compaction (${MESSAGES} messages)`,
        value: catchUpAfter,
        unit: 'bytes',
        limit: { what: 'before compaction', value: catchUpBefore },
      },
      {
        what: `compaction, ${PER_CALL} messages a call: events removed`,
        value: compactionRate,
        unit: 'events/s',
        limit: { what: 'raw DELETE by rowid lists of 1,000 a transaction, plain table', value: rawRate },
      },
    ];
    return {
      title: 'Compaction (SQLite)',
      method: `${CONVERSATIONS} conversations × ${MESSAGES} completed assistant messages × ${DELTAS} text deltas of 5 characters (${events.toLocaleString('en-US')} events) written with openSqliteEventLog, 100 events a call; the file measured after close (which checkpoints the WAL). Then every message compacted, ${PER_CALL} a call as the daemon's passes do, and the file measured again after close. The raw limit deletes as many rows from a plain rowid table of 200-byte rows in its own file.${QUICK ? ' Quick mode (COMPACTION_BENCH_QUICK=1): a smaller log.' : ''}`,
      rows,
      notes: [
        'Compaction reads each message’s region, deletes its block events and rewrites the event after each removed run, in one write transaction per call; the raw limit only deletes.',
        'A compacted message keeps its message_open and its message_complete, which carries the whole final message: catching up costs about the final text once instead of an envelope per delta.',
      ],
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};

export default bench;
