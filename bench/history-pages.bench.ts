// History pages: opening a stored 10,000-message conversation from a real daemon, with
// and without pages — the bytes of its first response and the time until the client's
// store holds it (what the first render reads) — beside opening a short conversation of
// one page, which is what a paged open should cost. Run alone with
// `npm run bench history-pages`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@once/client';
import type { Bench, BenchRow } from './bench-report.ts';
import { rowFromRuns } from './bench-report.ts';
import { startDaemon, stop } from './support/child-process.ts';
import { writeStoredConversation } from './support/stored-conversation.ts';

// HISTORY_BENCH_QUICK=1 opens a 1,000-message conversation, to check the bench works.
const quick = process.env.HISTORY_BENCH_QUICK === '1';
const LONG_MESSAGES = quick ? 1_000 : 10_000;
/** The page the paged open asks for, and the length of the short conversation. */
const PAGE_SIZE = 50;
/** Text deltas per message: each message ends with 120 characters of text. */
const DELTAS = 30;
const RUNS = quick ? 3 : 7;

const count = (value: number) => value.toLocaleString('en-US');

/** The time until a new client's store holds the conversation at `head`, in ms. */
async function openOnce(url: string, conversationId: string, head: number, pageSize?: number): Promise<number> {
  const started = performance.now();
  const client = createClient({ baseUrl: url });
  const conversation = client.conversation(conversationId, pageSize === undefined ? {} : { pageSize });
  await new Promise<void>((resolve) => {
    const check = () => {
      if (conversation.store.getSnapshot().offset === head) resolve();
    };
    conversation.store.subscribe(check);
    check();
  });
  const ms = performance.now() - started;
  const held = conversation.store.getSnapshot().messages.length;
  client.close();
  await conversation.closed;
  if (held === 0) throw new Error('the store holds no message');
  return ms;
}

/** Opens `RUNS` times, after one open that warms the daemon's cache of the conversation. */
async function openRuns(url: string, conversationId: string, head: number, pageSize?: number): Promise<number[]> {
  await openOnce(url, conversationId, head, pageSize);
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run += 1) runs.push(await openOnce(url, conversationId, head, pageSize));
  return runs;
}

/** The body of a GET, in bytes (uncompressed JSON), and the offset it names. */
async function bodyOf(url: string): Promise<{ bytes: number; offset: number }> {
  const text = await (await fetch(url)).text();
  return { bytes: Buffer.byteLength(text), offset: (JSON.parse(text) as { offset: number }).offset };
}

const bench: Bench = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'once-bench-history-'));
  try {
    console.error(`  history-pages: writing a ${count(LONG_MESSAGES)}-message and a ${PAGE_SIZE}-message conversation`);
    const long = await writeStoredConversation(dataDir, { messages: LONG_MESSAGES, deltas: DELTAS });
    const short = await writeStoredConversation(dataDir, { messages: PAGE_SIZE, deltas: DELTAS });
    const { url, child } = await startDaemon(dataDir, [], 5 * 60_000);
    try {
      const path = (id: string) => `${url}/v1/conversations/${id}`;
      const whole = await bodyOf(path(long.conversationId));
      const paged = await bodyOf(`${path(long.conversationId)}?limit=${PAGE_SIZE}`);
      const shortBody = await bodyOf(path(short.conversationId));
      console.error('  history-pages: opening');
      const shortRuns = await openRuns(url, short.conversationId, shortBody.offset);
      const wholeRuns = await openRuns(url, long.conversationId, whole.offset);
      const pagedRuns = await openRuns(url, long.conversationId, whole.offset, PAGE_SIZE);
      const shortMs = [...shortRuns].sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
      const limitBytes = { what: `the whole snapshot of a ${PAGE_SIZE}-message conversation`, value: shortBody.bytes };
      const limitMs = { what: `opening a ${PAGE_SIZE}-message conversation whole`, value: shortMs };
      const rows: BenchRow[] = [
        {
          what: `first response of a ${count(LONG_MESSAGES)}-message conversation, whole snapshot`,
          value: whole.bytes,
          unit: 'bytes',
          limit: limitBytes,
        },
        {
          what: `first response of a ${count(LONG_MESSAGES)}-message conversation, latest page (?limit=${PAGE_SIZE})`,
          value: paged.bytes,
          unit: 'bytes',
          limit: limitBytes,
          goal: 'about the short conversation’s',
        },
        rowFromRuns(
          {
            what: `open a ${count(LONG_MESSAGES)}-message conversation until the store holds it, whole snapshot`,
            unit: 'ms',
            limit: limitMs,
          },
          wholeRuns,
        ),
        rowFromRuns(
          {
            what: `open a ${count(LONG_MESSAGES)}-message conversation until the store holds it, pageSize ${PAGE_SIZE}`,
            unit: 'ms',
            limit: limitMs,
            goal: 'about the short conversation’s',
          },
          pagedRuns,
        ),
      ];
      return {
        title: 'History pages: the first render of a long conversation',
        method: `${count(LONG_MESSAGES)} completed assistant messages of ${DELTAS} text deltas each (${count(long.events)} events) and a ${PAGE_SIZE}-message conversation of the same messages, written with openSqliteEventLog and served by the daemon as a child process. Bytes: the JSON body of GET /v1/conversations/:id, with and without ?limit=${PAGE_SIZE}. Time: createClient().conversation(id) (with and without { pageSize: ${PAGE_SIZE} }) until its store holds the conversation at the head — what the first render reads — median of ${RUNS} opens after one that warms the daemon's cache.`,
        rows,
        notes: [
          'The daemon still folds the whole conversation in memory to cut the page (a cold read folds every stored event once; persisted snapshots make that cheap); what pages save is the bytes on the wire, the JSON parse and validation, and the store the client builds.',
        ],
      };
    } finally {
      await stop(child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
};

export default bench;
