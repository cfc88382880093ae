// The bench's three phases, each run several times on one backend, each run reduced to
// the figures a row shows (peers.bench.ts takes the median and spread across runs).
import { percentile } from '../sse-clients.ts';
import type { AnswerSpec } from './answer-model.ts';
import type { Backend } from './backends.ts';
import { runChatSession } from './chat-session.ts';
import { faultSchedule } from './fault-schedule.ts';
import { type KillResult, runKillScenario } from './kill-scenario.ts';
import { type LoadTarget, runLoad } from './load-driver.ts';
import { runNaiveClient } from './naive-client.ts';

/** One fault run: the useChat sessions' and naive clients' figures, summed or by percentile. */
export interface FaultRun {
  readonly faults: number;
  readonly chatDuplicated: number;
  readonly chatPeakDuplicated: number;
  readonly chatLost: number;
  /** Chats that ended in an error state, and their errors. */
  readonly chatErrors: number;
  readonly errorMessages: readonly string[];
  readonly resumeP50: number;
  readonly resumeP99: number;
  /** Resumes after which the chat never showed new text. */
  readonly resumesFailed: number;
  /** Median bytes a page received from a fault until it showed new text. */
  readonly resumeBytes: number;
  readonly naiveDuplicated: number;
  readonly naiveLost: number;
  /** Median bytes a naive client received on a reconnect up to its first new word. */
  readonly naiveResentBytes: number;
}

/** `chats` useChat sessions and (with `naive`) as many naive clients at once, under the seeded schedule. */
export async function faultRun(
  backend: Backend,
  spec: AnswerSpec,
  chats: number,
  seed: number,
  naive: boolean,
): Promise<FaultRun> {
  const schedule = faultSchedule(seed, chats, spec.tokens * spec.delayMs);
  const [sessions, naives] = await Promise.all([
    Promise.all(schedule.map((faults) => runChatSession(backend, spec, faults))),
    naive ? Promise.all(schedule.map((faults) => runNaiveClient(backend, spec, faults))) : Promise.resolve([]),
  ]);
  const resumes = sessions.flatMap((session) => session.resumes);
  const resumed = resumes.flatMap((resume) => (resume.ms === undefined ? [] : [resume.ms]));
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  return {
    faults: schedule.flat().length,
    chatDuplicated: sum(sessions.map((session) => session.final.duplicated)),
    chatPeakDuplicated: sum(sessions.map((session) => session.peakDuplicated)),
    chatLost: sum(sessions.map((session) => session.final.lost)),
    chatErrors: sessions.filter((session) => session.status === 'error').length,
    errorMessages: sessions.flatMap((session) => (session.status === 'error' ? [String(session.error)] : [])),
    resumeP50: percentile(resumed, 0.5),
    resumeP99: percentile(resumed, 0.99),
    resumesFailed: resumes.length - resumed.length,
    resumeBytes: percentile(
      resumes.map((resume) => resume.bytes),
      0.5,
    ),
    naiveDuplicated: sum(naives.map((client) => client.final.duplicated)),
    naiveLost: sum(naives.map((client) => client.final.lost)),
    naiveResentBytes: percentile(
      naives.flatMap((client) => client.resentBytes),
      0.5,
    ),
  };
}

/** One kill run, summed over its chats. */
export interface KillRun {
  readonly chats: readonly KillResult[];
  readonly shownBefore: number;
  readonly lostOnSamePage: number;
  readonly lostAfterReload: number;
  /** Chats whose reloaded page ends with the user's question, the answer gone. */
  readonly answersGoneAfterReload: number;
}

export async function killRun(backend: Backend, spec: AnswerSpec, chats: number): Promise<KillRun> {
  const results = await runKillScenario(backend, spec, chats);
  const sum = (pick: (result: KillResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  return {
    chats: results,
    shownBefore: sum((result) => result.beforeKill),
    lostOnSamePage: sum((result) => result.samePage.lostFromBefore),
    lostAfterReload: sum((result) => result.afterReload.lostFromBefore),
    answersGoneAfterReload: results.filter((result) => result.afterReload.lastRole !== 'assistant').length,
  };
}

/** One load run: latency percentiles, CPU per 1,000 delivered tokens, and the client's CPU share. */
export interface LoadRun {
  readonly p50: number;
  readonly p99: number;
  readonly tokens: number;
  readonly cpuPerThousand: number;
  readonly redisPerThousand: number;
  /** Client process CPU seconds per wall second (1 = one core busy). */
  readonly clientBusy: number;
  readonly wallSeconds: number;
  readonly failedStreams: number;
}

export async function loadRun(target: LoadTarget, spec: AnswerSpec, streams: number): Promise<LoadRun> {
  const result = await runLoad(target, spec, streams);
  return {
    p50: percentile(result.latencies, 0.5),
    p99: percentile(result.latencies, 0.99),
    tokens: result.tokens,
    cpuPerThousand: (result.serverCpuSeconds / result.tokens) * 1000,
    redisPerThousand: (result.redisCpuSeconds / result.tokens) * 1000,
    clientBusy: result.clientCpuSeconds / result.wallSeconds,
    wallSeconds: result.wallSeconds,
    failedStreams: result.failedStreams,
  };
}
