import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPostgresTestSchema, newConversationStream } from '@once/testing';
import postgres from 'postgres';
import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';

/** The writer's idle-in-transaction timeout: PostgreSQL ends its frozen session after this. */
const TIMEOUT_MS = 300;
/** Freezes and wakes in one test: the crash this guards against is a race lost in only some of them. */
const ROUNDS = 6;

/** What the writer did after it woke: the outcome lines it printed, up to its first stored append. */
interface AfterWake {
  readonly lines: readonly string[];
  /** How it ended, if it did: its exit code or signal and what it printed on stderr. */
  readonly exit?: string;
}

describe('a writer woken after PostgreSQL ended its frozen transaction', () => {
  it('stays alive: the append it was in fails with an error it can catch, and its next appends are stored', async () => {
    const database = await createPostgresTestSchema();
    const stream = newConversationStream();
    const script = join(import.meta.dirname, 'fixtures', 'append-and-report.ts');
    const child = spawn(process.execPath, [script, database.url, stream.conversationId, String(TIMEOUT_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid as number;
    const exited = once(child, 'exit');
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const output = reportedLines(child);
    const observer = postgres(database.url.replace(/\?.*$/, ''), { max: 1, onnotice: () => {} });
    // Not a `finally` (nor `await using`): a test that times out never reaches it, and its
    // writer would outlive it.
    onTestFinished(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        // Also wake it, so that no process of this test is ever left stopped.
        child.kill('SIGCONT');
        await exited;
      }
      await observer.end();
      await database.drop();
    });
    const schema = new URL(database.url).searchParams.get('schema') as string;
    // A writer whose append never settles shows as a timeout; say where it stopped.
    let stage = 'waiting for the writer to open its log';
    onTestFailed(() => {
      console.error(`The test stopped ${stage}; the writer printed since: ${output.lines().join(' | ') || 'nothing'}`);
    });
    await output.next();
    for (let round = 0; round < ROUNDS; round += 1) {
      stage = `freezing the writer inside a transaction (round ${round + 1})`;
      const session = await freezeInsideTransaction(pid, observer, schema);
      // PostgreSQL ends the frozen session after TIMEOUT_MS; wake the writer once it is gone.
      while ((await observer`SELECT 1 FROM pg_stat_activity WHERE pid = ${session}`).length > 0) {
        await sleep(50);
      }
      output.clear();
      stage = `waiting for the writer's appends after wake-up ${round + 1}`;
      process.kill(pid, 'SIGCONT');
      const afterWake = await Promise.race([
        output.untilStored().then((lines): AfterWake => ({ lines })),
        exited.then(([code, signal]): AfterWake => ({ lines: output.lines(), exit: `${code ?? signal}: ${stderr}` })),
      ]);
      expect(afterWake.exit, `the writer after wake-up ${round + 1}`).toBeUndefined();
      // The append the writer was frozen in rejects: its caller hears of it, and can retry.
      expect(afterWake.lines[0]).toMatch(/^failed /);
      expect(afterWake.lines.at(-1)).toMatch(/^stored \d+$/);
    }
  }, 180_000);
});

/**
 * Freezes the writer (SIGSTOP) until the freeze lands inside one of its transactions, as
 * PostgreSQL sees it, and returns that session's backend pid. The writer's sessions are
 * those whose last statement names the test's schema.
 */
async function freezeInsideTransaction(pid: number, observer: postgres.Sql, schema: string): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    process.kill(pid, 'SIGSTOP');
    await sleep(20);
    const [session] = await observer<{ pid: number }[]>`SELECT pid FROM pg_stat_activity
      WHERE state = 'idle in transaction' AND query LIKE ${`%${schema}%`}`;
    if (session !== undefined) return session.pid;
    process.kill(pid, 'SIGCONT');
    await sleep(Math.random() * 20);
  }
  throw new Error('The writer was never frozen inside a transaction in 500 tries.');
}

/** The writer's stdout, line by line. */
function reportedLines(child: ChildProcess) {
  let collected: string[] = [];
  const waiting = new Set<() => void>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    collected.push(line);
    for (const wake of waiting) wake();
  });
  /** Resolves once a line the test has not seen yet satisfies `done`. */
  const until = (done: (lines: readonly string[]) => boolean) =>
    new Promise<string[]>((resolve) => {
      const check = () => {
        if (!done(collected)) return;
        waiting.delete(check);
        resolve([...collected]);
      };
      waiting.add(check);
      check();
    });
  return {
    /** The first line: "ready". */
    next: () => until((lines) => lines.length > 0),
    /** Forgets the lines read so far. */
    clear: () => {
      collected = [];
    },
    lines: () => [...collected],
    /** The lines up to the first "stored …". */
    untilStored: () => until((lines) => lines.some((line) => line.startsWith('stored '))),
  };
}
