import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { EventDraft, EventLog, StreamKey } from '@once/log';
import type { Offset } from '@once/protocol';
import {
  deltaDraft,
  deltaDrafts,
  newConversationStream,
  newMessageId,
  range,
  readAll,
  spawnProcess,
  stopLeftoverProcesses,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteEventLogOptions } from '../src/index.ts';
import { createSqliteFixture } from './sqlite-fixture.ts';

// The kill tests' appending child appends until it is killed: never leave one running.
afterEach(stopLeftoverProcesses);

describe('SQLite event log', () => {
  it('rejects every append of a failed transaction and stores none of them', async () => {
    const fixture = await createSqliteFixture();
    try {
      const { log } = fixture;
      const first = newConversationStream();
      const second = newConversationStream();
      const message = newMessageId();
      await log.append(first, deltaDrafts(first, message, 1, 2));

      // A trigger makes SQLite itself fail the insert of one event, mid-transaction.
      const saboteur = new DatabaseSync(fixture.path);
      saboteur.exec(`CREATE TRIGGER fail_poison BEFORE INSERT ON log WHEN NEW.envelope LIKE '%poison%'
        BEGIN SELECT RAISE(ABORT, 'poisoned event'); END`);
      const together = [
        log.append(first, deltaDrafts(first, message, 3, 2)),
        log.append(second, [deltaDraft(second, newMessageId(), 1, 'poison')]),
        log.append(first, deltaDrafts(first, message, 5, 1)),
      ];
      const settled = await Promise.allSettled(together);
      expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await log.head(first)).toBe(2);
      expect(await log.head(second)).toBe(0);
      expect((await readAll(log, first)).map((event) => event.seq)).toEqual([1, 2]);

      saboteur.exec('DROP TRIGGER fail_poison');
      saboteur.close();
      const retried = await log.append(first, deltaDrafts(first, message, 3, 3));
      expect(retried.map((event) => event.offset)).toEqual([3, 4, 5]);
      expect((await readAll(log, first)).map((event) => event.offset)).toEqual(range(5));
    } finally {
      await fixture.cleanup();
    }
  });

  it('stores in the file exactly the text append returned, beyond ASCII too, whatever the batch size', async () => {
    const fixture = await createSqliteFixture();
    try {
      const stream = newConversationStream();
      const message = newMessageId();
      const texts = ['é', '漢字 ', '🧪 test', '\u2028 line', '"quoted" \\ back', ''];
      // 1 to 137 events a call: every multi-row statement size, and remainders of each.
      const returned: string[] = [];
      let seq = 1;
      for (const count of [1, 2, 3, 7, 64, 65, 127, 137]) {
        const drafts = Array.from({ length: count }, (_, index) => ({
          ...deltaDraft(stream, message, seq + index),
          data: { text: texts[(seq + index) % texts.length] as string },
        }));
        returned.push(...(await fixture.log.append(stream, drafts)).map((entry) => entry.json));
        seq += count;
      }
      await fixture.log.close();
      // Reopened, every event is read from the file: the rows SQLite wrote.
      const reopened = await fixture.reopen();
      const stored = await reopened.readEntries(stream, 0 as Offset, 1000);
      expect(stored.map((entry) => entry.json)).toEqual(returned);
      expect(stored.map((entry) => entry.offset)).toEqual(range(seq - 1));
    } finally {
      await fixture.cleanup();
    }
  });

  it('waits, without blocking the event loop, while another connection holds the write lock, then commits', async () => {
    const fixture = await createSqliteFixture();
    try {
      const stream = newConversationStream();
      const message = newMessageId();
      await fixture.log.append(stream, deltaDrafts(stream, message, 1, 2));
      // As the checkpoint thread does for a moment when it restarts the write-ahead log.
      const holder = new DatabaseSync(fixture.path);
      holder.exec('BEGIN IMMEDIATE');
      let settled = false;
      const appended = fixture.log.append(stream, deltaDrafts(stream, message, 3, 2)).finally(() => {
        settled = true;
      });
      let turns = 0;
      while (turns < 20) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        turns += 1;
      }
      expect(settled).toBe(false);
      holder.exec('COMMIT');
      holder.close();
      expect((await appended).map((entry) => entry.offset)).toEqual([3, 4]);
      expect((await readAll(fixture.log, stream)).map((event) => event.offset)).toEqual([1, 2, 3, 4]);
    } finally {
      await fixture.cleanup();
    }
  });

  it('stores a snapshot and removes a stream once another connection lets go of the write lock, without failing', async () => {
    const fixture = await createSqliteFixture();
    try {
      const stream = newConversationStream();
      await fixture.log.append(stream, deltaDrafts(stream, newMessageId(), 1, 2));
      const holder = new DatabaseSync(fixture.path);
      holder.exec('BEGIN IMMEDIATE');
      const snapshot = { offset: 2 as Offset, state: '{}', summary: '{}' };
      const saved = fixture.log.saveSnapshot(stream, snapshot);
      const removed = fixture.log.removeStream(stream);
      await new Promise((resolve) => setTimeout(resolve, 20));
      holder.exec('COMMIT');
      holder.close();
      expect(await saved).toBe(true);
      expect(await removed).toEqual({ removed: 2 });
      expect(await readAll(fixture.log, stream)).toEqual([]);
    } finally {
      await fixture.cleanup();
    }
  });

  it('wakes listeners only once another connection, like another process, can read the events', async () => {
    const fixture = await createSqliteFixture();
    const reader = new DatabaseSync(fixture.path, { readOnly: true });
    try {
      const { log } = fixture;
      const stream = newConversationStream();
      const count = reader.prepare('SELECT count(*) AS count FROM log');
      const seen: [head: number, visible: number][] = [];
      log.onCommit(({ head }) => {
        seen.push([head, (count.get() as { count: number }).count]);
      });
      const message = newMessageId();
      await log.append(stream, deltaDrafts(stream, message, 1, 3));
      await log.append(stream, deltaDrafts(stream, message, 4, 2));
      expect(seen).toEqual([
        [3, 3],
        [5, 5],
      ]);
    } finally {
      reader.close();
      await fixture.cleanup();
    }
  });

  it('rejects a draft that cannot be stored without failing appends that share its transaction', async () => {
    const fixture = await createSqliteFixture();
    try {
      const { log } = fixture;
      const stream = newConversationStream();
      const message = newMessageId();
      const unstorable = { ...deltaDraft(stream, message, 2), data: { size: 1n } } as EventDraft;
      const [good, bad] = await Promise.allSettled([
        log.append(stream, [deltaDraft(stream, message, 1)]),
        log.append(stream, [unstorable]),
      ]);
      expect(good.status).toBe('fulfilled');
      expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'invalid_event' } });
      expect((await readAll(log, stream)).map((event) => event.seq)).toEqual([1]);
    } finally {
      await fixture.cleanup();
    }
  });

  it('keeps every committed append, gapless, after the writing process is killed with SIGKILL', async () => {
    const fixture = await createSqliteFixture();
    try {
      await fixture.log.close();
      const reported = await runAndKill(fixture.path, 300);
      expect(reported.length).toBeGreaterThanOrEqual(300);
      await expectEachReportedEventOnce(await fixture.reopen(), reported);
    } finally {
      await fixture.cleanup();
    }
  }, 30_000);

  it('keeps every committed append exactly once after a kill while the tail is being indexed', async () => {
    const fixture = await createSqliteFixture();
    try {
      await fixture.log.close();
      // A tiny tail: indexing rounds run between nearly all commits, so the kill lands
      // amid them, maybe inside one.
      const options: Omit<SqliteEventLogOptions, 'path'> = { tailLimit: 20 };
      const reported = await runAndKill(fixture.path, 600, options);
      expect(reported.length).toBeGreaterThanOrEqual(600);

      const file = new DatabaseSync(fixture.path);
      const count = (sql: string) => (file.prepare(sql).get() as { count: number }).count;
      const indexed = count('SELECT count(*) AS count FROM runs');
      // No run may list a position beyond the mark: a round writes its runs and the mark together.
      const beyondMark = count(`SELECT count(*) AS count FROM runs, json_each(runs.positions)
        WHERE json_each.key % 2 = 0 AND json_each.value > (SELECT position FROM log_mark)`);
      file.close();
      expect(indexed).toBeGreaterThan(0);
      expect(beyondMark).toBe(0);
      const log = await fixture.reopen();
      const total = await expectEachReportedEventOnce(log, reported);

      // Closing indexes the whole tail, the rows the kill left unindexed included.
      await log.close();
      const closed = new DatabaseSync(fixture.path, { readOnly: true });
      const rows = (sql: string) => (closed.prepare(sql).get() as { count: number }).count;
      const unindexed = rows('SELECT count(*) AS count FROM log WHERE position > (SELECT position FROM log_mark)');
      const listed = rows(
        'SELECT sum(json_each.value) AS count FROM runs, json_each(runs.positions) WHERE json_each.key % 2 = 1',
      );
      const stored = rows('SELECT count(*) AS count FROM log');
      closed.close();
      expect(unindexed).toBe(0);
      expect(listed).toBe(total);
      expect(stored).toBe(total);
    } finally {
      await fixture.cleanup();
    }
  }, 30_000);
});

/**
 * Checks a log reopened after a kill: each stream reads gapless, every reported event at
 * its reported offset, each writer's events in its order, and appends continue at the head.
 * @returns how many events the streams hold now, the one appended to each included.
 */
async function expectEachReportedEventOnce(log: EventLog, reported: readonly AppendReport[]): Promise<number> {
  let total = 0;
  const byStream = Map.groupBy(reported, (report) => report.conversationId);
  for (const [conversationId, reports] of byStream) {
    const stream: StreamKey = { stream: 'conversation', conversationId };
    const events = await readAll(log, stream, 1000);
    expect(events.map((event) => event.offset)).toEqual(range(events.length));
    expect(await log.head(stream)).toBe(events.length);
    const byOffset = new Map<number, (typeof events)[number]>(events.map((event) => [event.offset, event]));
    for (const report of reports) {
      for (const [offset, seq] of report.events) {
        expect(byOffset.get(offset)).toMatchObject({ messageId: report.messageId, seq });
      }
    }
    // Each writer's events are in its order, and the log goes on from the head.
    for (const messageId of new Set(reports.map((report) => report.messageId))) {
      const seqs = events.filter((event) => event.messageId === messageId).map((event) => event.seq);
      expect(seqs).toEqual(range(seqs.length));
    }
    const next = await log.append(stream, [deltaDraft(stream, newMessageId(), 1)]);
    expect(next.map((event) => event.offset)).toEqual([events.length + 1]);
    total += events.length + 1;
  }
  return total;
}

interface AppendReport {
  readonly conversationId: string;
  readonly messageId: string;
  readonly events: readonly [offset: number, seq: number][];
}

/**
 * Runs the appending child, on a log opened with `options`, until it reported `count`
 * commits, then kills it with SIGKILL.
 */
async function runAndKill(
  path: string,
  count: number,
  options: Omit<SqliteEventLogOptions, 'path'> = {},
): Promise<AppendReport[]> {
  const script = join(import.meta.dirname, 'fixtures', 'append-until-killed.ts');
  const child = spawnProcess(process.execPath, [script, path, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const reports: AppendReport[] = [];
  let partial = '';
  for await (const chunk of child.stdout.setEncoding('utf8')) {
    const lines = (partial + chunk).split('\n');
    // Only whole lines count: the last piece waits for its newline, and a line the kill
    // cut short was never fully reported.
    partial = lines.pop() ?? '';
    for (const line of lines) reports.push(JSON.parse(line) as AppendReport);
    if (reports.length >= count && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  return reports;
}
