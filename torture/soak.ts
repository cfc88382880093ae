// `npm run soak -- --duration <seconds>`: the soak (see soak/run-soak.ts), outside `npm test`.
// Its report on stdout; exit code 1 when anything was lost or memory was not flat.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stopLeftoverDaemons } from '@once/testing';
import { positiveFlag } from './positive-flag.ts';
import { memoryChartSvg } from './soak/memory-chart.ts';
import { FLAT_SLOPE_BYTES_PER_MINUTE } from './soak/memory-series.ts';
import { runSoak, type SoakReport } from './soak/run-soak.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    connections: { type: 'string', default: '5000' },
    conversations: { type: 'string', default: '100' },
    'token-ms': { type: 'string', default: '20' },
    tokens: { type: 'string', default: '60' },
    chart: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run soak -- [--duration <seconds>] [--connections <n>] [--conversations <n>] [--chart <file.svg>]

One SQLite daemon with a turn always running in each conversation (the next message is sent
when an answer ends) and raw SSE connections spread over the conversations, for the duration,
sampling the daemon's RSS and V8 heap every 5 s. Then checks every conversation (the SDK
client's store equals the daemon's snapshot, offsets gapless, each message answered once)
and every SSE connection (no gap, no repeat, at the last offset), and sums up the memory.

  --duration       seconds of load (default 600)
  --connections    raw SSE connections (default 5000)
  --conversations  conversations, each with a turn always running (default 100)
  --token-ms       the demo model's pause between tokens (default 20)
  --tokens         tokens per answer (default 60)
  --chart          write the memory series as an SVG there`);
  process.exit(0);
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The report as a person reads it. */
function formatSoakReport(report: SoakReport): string {
  const { memory, streams } = report;
  const at = (label: string, sample: SoakReport['memory']['start']) =>
    `${label} (${Math.round(sample.atSeconds)} s): RSS ${mib(sample.rssBytes)}, heap ${mib(sample.heapUsedBytes)}`;
  const first = report.samples[0];
  const last = report.samples.at(-1);
  const cores =
    first && last ? (last.cpuSeconds - first.cpuSeconds) / Math.max(1, last.atSeconds - first.atSeconds) : 0;
  const delays = report.samples.map((sample) => sample.loopDelayP99Seconds * 1000).sort((a, b) => a - b);
  const lines = [
    `${report.durationSeconds} s, ${report.conversations} conversations, ${streams.connections} SSE connections`,
    `traffic: ${report.turns} turns, ${report.events} events in the log (${Math.round(report.events / report.durationSeconds)} events/s, ` +
      `${Math.round((report.events * streams.connections) / report.conversations / report.durationSeconds)} SSE deliveries/s)`,
    `daemon: ${cores.toFixed(2)} cores of CPU on average; event-loop delay p99 (its /metrics, each sample) median ${Math.round(delays[Math.floor(delays.length / 2)] ?? 0)} ms, max ${Math.round(delays.at(-1) ?? 0)} ms`,
    `streams: ${streams.caughtUp} of ${streams.connections} at their conversation's last offset, ${streams.gaps} gaps, ${streams.repeats} repeats, ${streams.reconnects} reconnects`,
    `memory: ${at('start', memory.start)}; ${at('after warm-up', memory.afterWarmUp)}; ${at('end', memory.end)}`,
    `slope after the ${report.warmUpSeconds} s warm-up: RSS ${mib(memory.rssSlopePerMinute)}/min, heap ${mib(memory.heapSlopePerMinute)}/min ` +
      `(flat below ${mib(FLAT_SLOPE_BYTES_PER_MINUTE)}/min): ${memory.flat ? 'memory flat' : 'memory NOT flat'}`,
  ];
  const idleFloor = report.idle.reduce<SoakReport['idle'][number] | undefined>(
    (lowest, sample) => (lowest === undefined || sample.heapUsedBytes < lowest.heapUsedBytes ? sample : lowest),
    undefined,
  );
  const heapFloor = Math.min(
    ...report.samples
      .filter((sample) => sample.atSeconds >= report.warmUpSeconds)
      .map((sample) => sample.heapUsedBytes),
  );
  if (idleFloor !== undefined) {
    lines.push(
      `after the load, idle for ${Math.round(report.idle.at(-1)?.atSeconds ?? 0)} s with the connections open: lowest heap ${mib(idleFloor.heapUsedBytes)} (RSS ${mib(idleFloor.rssBytes)}); ` +
        `lowest heap under load after the warm-up ${mib(heapFloor)}`,
    );
  }
  if (report.violations.length === 0) lines.push('lost: nothing (violations: none)');
  else {
    lines.push(`violations: ${report.violations.length}`);
    for (const violation of report.violations.slice(0, 20))
      lines.push(`- ${violation.conversationId}: ${violation.what}`);
  }
  return lines.join('\n');
}

try {
  const report = await runSoak({
    durationSeconds: positiveFlag('duration', values.duration),
    connections: positiveFlag('connections', values.connections),
    conversations: positiveFlag('conversations', values.conversations),
    tokenMs: positiveFlag('token-ms', values['token-ms']),
    tokens: positiveFlag('tokens', values.tokens),
    log: (line) => console.error(line),
  });
  console.log(formatSoakReport(report));
  if (values.chart !== undefined) writeFileSync(values.chart, memoryChartSvg(report.samples, report.warmUpSeconds));
  process.exitCode = report.violations.length === 0 && report.memory.flat ? 0 : 1;
} finally {
  await stopLeftoverDaemons();
}
