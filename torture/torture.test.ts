// A bounded torture run inside `npm test`: 20 s of faults on one SQLite daemon, then every
// promise checked. The seed is random and printed; a failure's message says how to replay it.
import { stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { formatReport } from './format-report.ts';
import { runTorture } from './run-torture.ts';

afterEach(stopLeftoverDaemons);

describe('torture', () => {
  it('keeps every promise through kills, freezes, cuts, mangled bytes, stalled consumers, regenerates and branch switches', async () => {
    const seed = Number(process.env.ONCE_TORTURE_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const report = await runTorture({ seed, durationSeconds: 20, conversations: 6 });
    console.log(formatReport(report));
    expect(report.violations, formatReport(report)).toEqual([]);
    // The run did what it claims: faults of each kind, and traffic through them, regenerates included.
    expect(report.faults.kills + report.faults.freezes + report.faults.cuts).toBeGreaterThan(3);
    expect(report.userMessages).toBeGreaterThan(6);
    expect(report.regenerates.asked).toBeGreaterThan(0);
  }, 240_000);
});
