import type { TortureReport } from './run-torture.ts';

/** A run's report as a person reads it: what was injected, what was checked, what broke. */
export function formatReport(report: TortureReport): string {
  const { faults, network, regenerates, switches } = report;
  const lines = [
    `seed ${report.seed}, ${report.durationSeconds} s of faults, ${report.conversations} conversations, ${report.daemons}`,
    `faults: ${faults.kills} SIGKILL + restart, ${faults.freezes} SIGSTOP/SIGCONT, ${faults.cuts} connection cuts`,
    `network: ${network.splits} chunks split, ${network.delays} pieces delayed, ${network.stalls} stalls`,
    `traffic: ${report.userMessages} user messages sent, ${report.events} events in the log, ` +
      `${report.consumerOverflows} stalled-consumer overflows (resynced)`,
    `branches: ${regenerates.asked} regenerates (${regenerates.accepted} accepted, ${regenerates.refused} refused ` +
      `with 409 while a turn ran, ${regenerates.failed} failed; ${regenerates.resent} sent again), ` +
      `${switches.asked} branch switches (${switches.refused} refused with 409)`,
  ];
  if (report.violations.length === 0) {
    lines.push('violations: none');
    return lines.join('\n');
  }
  lines.push(`violations: ${report.violations.length} (rerun with --seed ${report.seed})`);
  for (const violation of shown(report.violations)) {
    lines.push(`- conversation ${violation.conversationId}: ${violation.what}`);
    for (const line of violation.trace) lines.push(`    ${line}`);
  }
  lines.push('fault log:', ...report.faultLog.map((line) => `  ${line}`));
  if (report.daemonLogs.length > 0) lines.push('daemon log lines naming those conversations:', ...report.daemonLogs);
  return lines.join('\n');
}

/**
 * The first 10 violations, then the first of every other kind (its text without ids and
 * numbers): one broken promise can cause many of another, and the cause may come late.
 */
function shown(violations: TortureReport['violations']): TortureReport['violations'] {
  const kind = (what: string) => what.replace(/[0-9a-f-]{8,}|\d+/g, '#');
  const kinds = new Set(violations.slice(0, 10).map((violation) => kind(violation.what)));
  const rest = violations.slice(10).filter((violation) => {
    const each = kind(violation.what);
    if (kinds.has(each)) return false;
    kinds.add(each);
    return true;
  });
  return [...violations.slice(0, 10), ...rest];
}
