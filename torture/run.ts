// `npm run torture -- --duration <seconds> [--seed N] [--conversations N]`: one torture run
// (see run-torture.ts), its report on stdout, exit code 1 when any promise was broken.
import { parseArgs } from 'node:util';
import { stopLeftoverDaemons } from '@once/testing';
import { formatReport } from './format-report.ts';
import { positiveFlag } from './positive-flag.ts';
import { runTorture } from './run-torture.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    seed: { type: 'string' },
    conversations: { type: 'string', default: '8' },
    store: { type: 'string', default: 'sqlite' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run torture -- [--duration <seconds>] [--seed <n>] [--conversations <n>] [--store sqlite|postgres]

Chats in many conversations (sends, regenerates, branch switches) through a proxy that
splits, delays and stalls bytes, while the daemon is killed (SIGKILL), frozen (SIGSTOP) and
cut off at random; then checks that every client holds exactly the daemon's snapshot and
shows its branch, offsets are gapless, no message completes twice, every user message was
answered once plus once per regenerate of it, and every regenerate request once. Prints the
seed; the same seed replays the same faults.

  --duration       seconds of faults (default 60)
  --seed           the run's seed (default: random, printed)
  --conversations  conversations streaming at once (default 8)
  --store          sqlite: one daemon (default); postgres: three daemons sharing the local
                   PostgreSQL (ONCE_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)`);
  process.exit(0);
}

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error(`--seed must be a whole number, not "${values.seed}".`);
  process.exit(2);
}

if (values.store !== 'sqlite' && values.store !== 'postgres') {
  console.error(`--store must be sqlite or postgres, not "${values.store}".`);
  process.exit(2);
}
const store = values.store;

try {
  const report = await runTorture({
    seed,
    durationSeconds: positiveFlag('duration', values.duration),
    conversations: positiveFlag('conversations', values.conversations),
    store,
    log: (line) => console.error(line),
  });
  console.log(formatReport(report));
  process.exitCode = report.violations.length === 0 ? 0 : 1;
} finally {
  await stopLeftoverDaemons();
}
