import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingEvent } from '@once/protocol';
import {
  expectExactTranscript,
  openEventStream,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';

// 12 answers of 5000 tokens with no pause: about 60,000 events, 20 MB of SSE frames, which
// the demo writes in about 3 s (≈ 7 MB/s).
const FAST_DEMO = ['--demo-delay-ms', '0', '--demo-tokens', '5000'];
const MESSAGES = 12;
const SLOW_READERS = 8;
/** While the turns run, each reader waits this long before every read: ≈ 40 KB/s, over 100× slower than the demo writes. */
const SLOW_READ_PAUSE_MS = 1000;

/*
 * V8 sizes its heap lazily: left alone, a daemon on a large machine grows its young
 * generation to a few hundred MB of garbage before collecting, whatever it keeps alive.
 * These limits make it collect early, so its RSS follows what it really holds. They are
 * far above what a backpressured daemon needs (its heap stays near 45 MB here).
 */
const TIGHT_HEAP = ['--max-old-space-size=96', '--max-semi-space-size=1'];

/*
 * The bound. A backpressured daemon holds, per connection, one batch of at most 500
 * frames (≈ 170 KB) and lets the kernel's socket buffers take the rest; whatever the
 * stream's length, its RSS grows by 40–85 MB over its idle size here (code first run,
 * heap up to its limits, SQLite pages, the feed's ring of 4096 recent events). A
 * per-connection queue that keeps what a reader has not taken holds the stream's 20 MB
 * for each of the 8 readers, less the few MB the kernel buffers per socket. Measured with
 * the drain wait removed from event-stream/event-streams.ts: +270 MB without the heap limits, and with
 * them the daemon dies of heap exhaustion — either way this test fails.
 */
const MAX_RSS_GROWTH_BYTES = 160 * 1024 * 1024;

afterEach(stopLeftoverDaemons);

describe.skipIf(!existsSync('/proc/self/status'))('slow consumers', () => {
  it('each gets every event in order, and the daemon’s memory stays bounded while they lag', async () => {
    await using daemon = await startDaemon({ flags: FAST_DEMO, nodeOptions: TIGHT_HEAP });
    const conversationId = await createConversation(daemon.url);
    let slow = true;
    const readers = await Promise.all(
      Array.from({ length: SLOW_READERS }, () =>
        openEventStream(eventsUrl(daemon.url, conversationId), {
          beforeRead: () => (slow ? sleep(SLOW_READ_PAUSE_MS) : Promise.resolve()),
        }),
      ),
    );
    await using _readers = {
      [Symbol.asyncDispose]: async () => void (await Promise.all(readers.map((reader) => reader.close()))),
    };
    // A fresh connection's stream is served on the raw socket (decision 006); fetch may reuse
    // the connection that created the conversation for one of them, which node:http serves.
    expect(await streamsOpened(daemon.url, 'socket')).toBeGreaterThanOrEqual(SLOW_READERS - 1);
    using rss = sampleRss(daemon.pid);

    for (let index = 0; index < MESSAGES; index += 1) {
      await sendMessage(daemon.url, conversationId, `Question ${index + 1}: how do streams stay exactly-once?`);
    }
    // The producer runs ahead: wait until every turn has ended while the readers lag.
    for (;;) {
      const served = await getSnapshot(daemon.url, conversationId);
      if (served.activeTurn === undefined && served.messages.length === 2 * MESSAGES) break;
      await sleep(100);
    }
    rss.sample();
    slow = false;

    const snapshots = await Promise.all(
      readers.map(async (reader) => {
        const received: IncomingEvent[] = [];
        const served = await readUntilTurnEnds(
          reader,
          received,
          () => getSnapshot(daemon.url, conversationId),
          MESSAGES,
        );
        return { received, served };
      }),
    );
    rss.sample();

    for (const { received, served } of snapshots) {
      expectExactTranscript(conversationId, received, served);
    }
    expect(snapshots[0]?.served.messages.filter((message) => message.status === 'complete')).toHaveLength(2 * MESSAGES);
    expect(rss.peak - rss.start).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  }, 60_000);
});

/** The daemon's `once_sse_streams_opened_total` for one transport. */
async function streamsOpened(url: string, transport: 'socket' | 'http'): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const line = metrics
    .split('\n')
    .find((text) => text.startsWith(`once_sse_streams_opened_total{transport="${transport}"}`));
  return Number(line?.split(' ')[1] ?? 0);
}

/** Samples a process's resident set size (VmRSS, Linux) every 50 ms until disposed. */
function sampleRss(pid: number) {
  const read = () => {
    const kilobytes = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (kilobytes === undefined) throw new Error(`No VmRSS for process ${pid}.`);
    return Number(kilobytes) * 1024;
  };
  const start = read();
  let peak = start;
  const sample = () => {
    try {
      peak = Math.max(peak, read());
    } catch {
      // The daemon has exited; the test fails on its closed streams.
    }
  };
  const timer = setInterval(sample, 50);
  return {
    start,
    get peak() {
      return peak;
    },
    sample,
    [Symbol.dispose]: () => clearInterval(timer),
  };
}
