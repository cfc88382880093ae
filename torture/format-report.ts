import type { TortureReport } from './run-torture.ts';

/** A run's report as a person reads it: what was injected, what was checked, what broke. */
export function formatReport(report: TortureReport): string {
  const { faults, network } = report;
  const lines = [
    `seed ${report.seed}, ${report.durationSeconds} s of faults, ${report.conversations} conversations`,
    `faults: ${faults.kills} SIGKILL + restart, ${faults.freezes} SIGSTOP/SIGCONT, ${faults.cuts} connection cuts`,
    `network: ${network.splits} chunks split, ${network.delays} pieces delayed, ${network.stalls} stalls`,
    `traffic: ${report.userMessages} user messages sent, ${report.events} events in the log, ` +
      `${report.consumerOverflows} stalled-consumer overflows (resynced)`,
  ];
  if (report.violations.length === 0) {
    lines.push('violations: none');
    return lines.join('\n');
  }
  lines.push(`violations: ${report.violations.length} (rerun with --seed ${report.seed})`);
  for (const violation of report.violations.slice(0, 10)) {
    lines.push(`- conversation ${violation.conversationId}: ${violation.what}`);
    for (const line of violation.trace) lines.push(`    ${line}`);
  }
  lines.push('fault log:', ...report.faultLog.map((line) => `  ${line}`));
  return lines.join('\n');
}
