// One "daemon" of the PostgreSQL append bench, run as a child process: opens the log on
// the schema it is given, warms it up, says `ready` on stdout, waits for a line on stdin, runs the
// append load, then prints its figures as one JSON line and exits.
// Usage: node postgres-append-process.ts <database url> <conversations> <duration ms> <events a call> <batches in flight> [min overlap size]
import { createInterface } from 'node:readline';
import { openPostgresEventLog } from '@once/postgres';
import { measureAppends } from './event-log-load.ts';

const [url, conversations, durationMs, eventsPerAppend, batchesInFlight, minOverlapSize] = process.argv.slice(2);
if (batchesInFlight === undefined) {
  throw new Error(
    'usage: node postgres-append-process.ts <database url> <conversations> <duration ms> <events a call> <batches in flight> [min overlap size]',
  );
}
const log = await openPostgresEventLog({
  url: url as string,
  batchesInFlight: Number(batchesInFlight),
  minOverlapSize: Number(minOverlapSize ?? 1),
});
try {
  const load = {
    conversations: Number(conversations),
    durationMs: Number(durationMs),
    eventsPerAppend: Number(eventsPerAppend),
  };
  // As the in-process scenarios do, so that both compare like with like: the log's
  // connections open on first use, and a short warm-up, on other conversations, opens them
  // before the measured run starts.
  await measureAppends(log, { ...load, durationMs: 200 });
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => lines.once('line', () => resolve()));
  process.stdout.write('ready\n');
  await go;
  lines.close();
  const figures = await measureAppends(log, load);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await log.close();
}
