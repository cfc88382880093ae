// useChat on resumable-stream + Redis (the AI SDK's documented resumable setup) against
// useChat on Once, same model output, same seeded faults (issue 14). The pieces are in
// bench/support/peers/; this file runs the phases on each backend and writes the rows.
import { cpus, loadavg } from 'node:os';
import type { Bench, BenchRow } from './bench-report.ts';
import { rowFromRuns } from './bench-report.ts';
import type { AnswerSpec } from './support/peers/answer-model.ts';
import { type Backend, startOnceBackend, startOnceModelBackend, startPeerBackend } from './support/peers/backends.ts';
import { loadTargetOf } from './support/peers/load-driver.ts';
import { type FaultRun, faultRun, type KillRun, killRun, type LoadRun, loadRun } from './support/peers/phases.ts';
import { answerCharacters, bytesPerCharacter, type WireReader } from './support/peers/wire-bytes.ts';

const RUNS = Number(process.env.PEERS_RUNS ?? 3);
const CHATS = 8;
const KILL_CHATS = 3;
const SEEDS = [14, 15, 16, 17, 18];
const FAULT_ANSWER: AnswerSpec = { tokens: 150, delayMs: 20, timed: false };
/** Words per answer at each load level: about 10,000–20,000 delivered tokens a run. */
const WORDS_AT: Readonly<Record<number, number>> = { 100: 100, 500: 40, 1000: 20 };
/** `PEERS_WORDS`: words per answer at every load level instead (e.g. 2, to see a turn's fixed cost). */
const WORDS = process.env.PEERS_WORDS === undefined ? undefined : Number(process.env.PEERS_WORDS);
const LOADS = (process.env.PEERS_STREAMS ?? '100,500,1000').split(',').map((count) => {
  const streams = Number(count);
  const tokens = WORDS ?? WORDS_AT[streams] ?? Math.max(10, Math.round(20_000 / streams));
  return { streams, spec: { tokens, delayMs: 20, timed: true } };
});
const PARTS = new Set((process.env.PEERS_PARTS ?? 'wire,faults,kills,load').split(','));
/**
 * Which backends run: `peer`, `once` (OnceChatTransport; its load runs on the AI SDK endpoint
 * with the route upstream), `endpoints`, and `model` (load only: the peer's model inside the daemon).
 */
const SIDES = new Set((process.env.PEERS_SIDES ?? 'peer,once,endpoints,model').split(','));

interface BackendRuns {
  readonly name: string;
  readonly faults: FaultRun[];
  readonly kills: KillRun[];
  /** By stream count: the backend's runs, and for Once the route alone (the floor). */
  readonly loads: Map<number, LoadRun[]>;
  readonly routeAlone: Map<number, LoadRun[]>;
  /** By way of reading an answer: body bytes per character of its text, one figure a run. */
  readonly wire: Map<string, number[]>;
  /** Times the server process exited by itself during the load runs and was started again. */
  crashes: number;
}

/** A side the run left out (`PEERS_SIDES`): no figures. */
function emptyRuns(name: string): BackendRuns {
  return {
    name,
    faults: [],
    kills: [],
    loads: new Map(),
    routeAlone: new Map(),
    wire: new Map(),
    crashes: 0,
  };
}

/** Runs the phases `PEERS_PARTS` names on `backend`; with `loadOnly`, only its load. */
async function measure(backend: Backend, naive: boolean, load: boolean, loadOnly = false): Promise<BackendRuns> {
  const runs = emptyRuns(backend.name);
  const has = (part: string) => PARTS.has(part) && (!loadOnly || part === 'load');
  for (let run = 0; run < (has('wire') ? RUNS : 0); run += 1) {
    for (const way of wireWaysOf(backend)) {
      const measured = await bytesPerCharacter(
        baseUrlOf(backend),
        way.reader,
        FAULT_ANSWER,
        () => backend.newChatId(),
        way.path,
      );
      runs.wire.set(way.label, [...(runs.wire.get(way.label) ?? []), measured]);
    }
  }
  if (has('wire'))
    console.error(`peers: ${backend.name}: bytes per character ${JSON.stringify(Object.fromEntries(runs.wire))}`);
  for (let run = 0; run < (has('faults') ? RUNS : 0); run += 1) {
    runs.faults.push(await faultRun(backend, FAULT_ANSWER, CHATS, SEEDS[run % SEEDS.length] as number, naive));
    console.error(`peers: ${backend.name}: fault run ${run + 1} ${JSON.stringify(runs.faults.at(-1))}`);
  }
  for (let run = 0; run < (has('kills') ? RUNS : 0); run += 1) {
    runs.kills.push(await killRun(backend, FAULT_ANSWER, KILL_CHATS));
    console.error(`peers: ${backend.name}: kill run ${run + 1} ${JSON.stringify(runs.kills.at(-1)?.chats)}`);
  }
  if (!load || !PARTS.has('load')) return runs;
  const upstream = backend.upstream;
  for (const { streams, spec } of LOADS) {
    for (let run = 0; run < RUNS; run += 1) {
      if (await backend.restartIfExited()) runs.crashes += 1;
      const measured = await loadRun(loadTargetOf(backend), spec, streams);
      runs.loads.set(streams, [...(runs.loads.get(streams) ?? []), measured]);
      console.error(`peers: ${backend.name}: ${streams} streams run ${run + 1} ${JSON.stringify(measured)}`);
      if (upstream === undefined) continue;
      const target = { port: upstream.port, path: '/api/upstream', pids: () => [upstream.pid()], redis: false };
      runs.routeAlone.set(streams, [...(runs.routeAlone.get(streams) ?? []), await loadRun(target, spec, streams)]);
    }
  }
  if (await backend.restartIfExited()) runs.crashes += 1;
  return runs;
}

const baseUrlOf = (backend: Backend) => `http://127.0.0.1:${backend.port}`;

/** The ways a client reads an answer from `backend`, for the bytes-per-character rows. */
function wireWaysOf(backend: Backend): { label: string; reader: WireReader; path?: string }[] {
  if (backend.redisPrefix !== undefined)
    return [{ label: 'POST /api/chat (UI message stream)', reader: 'ui-message-stream' }];
  if (backend.recovery === 'resume') return [];
  return [
    { label: 'POST /v1/ai-sdk/chat (UI message stream)', reader: 'ui-message-stream', path: '/v1/ai-sdk/chat' },
    { label: 'GET …/events, full envelopes', reader: 'events-full' },
    { label: 'GET …/events?format=compact (OnceChatTransport, the client)', reader: 'events-compact' },
  ];
}

function wireRows(runs: BackendRuns, peer: BackendRuns): BenchRow[] {
  const [peerRuns] = [...peer.wire.values()];
  const peerMedian = [...(peerRuns ?? [])].sort((a, b) => a - b)[Math.floor((peerRuns?.length ?? 0) / 2)];
  return [...runs.wire].map(([label, values]) =>
    rowFromRuns(
      {
        what: `${runs.name}: bytes on the wire per character of answer text, ${label}`,
        unit: 'bytes',
        ...(runs === peer || peerMedian === undefined ? {} : { goal: `≤ ${peerMedian.toFixed(1)} (the peer's)` }),
      },
      values,
    ),
  );
}

function faultRows(runs: BackendRuns, naive: boolean): BenchRow[] {
  if (runs.faults.length === 0) return [];
  const row = (what: string, unit: string, pick: (run: FaultRun) => number, goal?: string) =>
    rowFromRuns(
      { what: `${runs.name}: ${what}`, unit, ...(goal === undefined ? {} : { goal }) },
      runs.faults.map(pick),
    );
  return [
    row("characters duplicated in useChat's state at the end", 'chars', (run) => run.chatDuplicated, '0'),
    row("characters duplicated in useChat's state at its worst moment", 'chars', (run) => run.chatPeakDuplicated, '0'),
    row("characters lost in useChat's state at the end", 'chars', (run) => run.chatLost, '0'),
    row('chats ending in an error state', 'chats', (run) => run.chatErrors, '0'),
    row('resume latency p50 (fault → new text shown)', 'ms', (run) => run.resumeP50),
    row('resume latency p99', 'ms', (run) => run.resumeP99),
    row('resumes after which no new text came', 'resumes', (run) => run.resumesFailed, '0'),
    row('bytes per resume (fault → new text shown), median', 'bytes', (run) => run.resumeBytes),
    ...(naive
      ? [
          row('naive client: characters duplicated', 'chars', (run) => run.naiveDuplicated, '0'),
          row('naive client: characters lost', 'chars', (run) => run.naiveLost, '0'),
          row(
            'naive client: bytes resent per reconnect before a new word, median',
            'bytes',
            (run) => run.naiveResentBytes,
          ),
        ]
      : []),
  ];
}

function killRows(runs: BackendRuns): BenchRow[] {
  if (runs.kills.length === 0) return [];
  const row = (what: string, pick: (run: KillRun) => number) =>
    rowFromRuns({ what: `${runs.name}, server SIGKILL: ${what}`, unit: 'chars', goal: '0' }, runs.kills.map(pick));
  return [
    row(
      `characters of the ${KILL_CHATS} answers shown before the kill, gone from the same page`,
      (run) => run.lostOnSamePage,
    ),
    row(
      `characters of the ${KILL_CHATS} answers shown before the kill, gone after a reload`,
      (run) => run.lostAfterReload,
    ),
  ];
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * The load rows of one side. Beside `peer` (Once's rows), the goals are issue 15's: CPU per
 * delivered token at or below the peer's, and a token latency p99 under 50 ms up to 500 streams.
 */
function loadRows(runs: BackendRuns, label: string, floor: BackendRuns | undefined, peer?: BackendRuns): BenchRow[] {
  return LOADS.flatMap(({ streams }) => {
    const measured = runs.loads.get(streams) ?? [];
    if (measured.length === 0) return [];
    const alone = floor?.routeAlone.get(streams) ?? [];
    const peerCpu = median((peer?.loads.get(streams) ?? []).map((run) => run.cpuPerThousand));
    const limit = (what: string, pick: (run: LoadRun) => number) =>
      alone.length === 0 ? {} : { limit: { what: `the route alone, ${what}`, value: median(alone.map(pick)) } };
    const row = (what: string, unit: string, pick: (run: LoadRun) => number, goal?: string) =>
      rowFromRuns(
        {
          what: `${label}: ${what} at ${streams.toLocaleString('en-US')} streams`,
          unit,
          ...limit(what, pick),
          ...(goal === undefined ? {} : { goal }),
        },
        measured.map(pick),
      );
    return [
      row('token-to-client latency p50', 'ms', (run) => run.p50),
      row(
        'token-to-client latency p99',
        'ms',
        (run) => run.p99,
        peer !== undefined && streams <= 500 ? '< 50 ms' : undefined,
      ),
      row(
        'server CPU per 1,000 delivered tokens',
        'CPU s',
        (run) => run.cpuPerThousand,
        Number.isNaN(peerCpu) ? undefined : `≤ ${peerCpu.toFixed(3)} (the peer's)`,
      ),
      rowFromRuns(
        {
          what: `${label}: streams failed before their end at ${streams.toLocaleString('en-US')} streams`,
          unit: 'streams',
          goal: '0',
        },
        measured.map((run) => run.failedStreams),
      ),
    ];
  });
}

const bench: Bench = async () => {
  const started = Date.now();
  const loadBefore = loadavg()[1] ?? 0;
  await using peerBackend = SIDES.has('peer') ? await startPeerBackend() : undefined;
  const peer = peerBackend === undefined ? emptyRuns('peer') : await measure(peerBackend, true, true);
  await using onceBackend = SIDES.has('once') ? await startOnceBackend('once-transport') : undefined;
  const once = onceBackend === undefined ? emptyRuns('once') : await measure(onceBackend, true, true);
  await using endpointsBackend = SIDES.has('endpoints') ? await startOnceBackend('ai-sdk-endpoints') : undefined;
  const endpoints =
    endpointsBackend === undefined ? emptyRuns('endpoints') : await measure(endpointsBackend, false, false);
  await using modelBackend = SIDES.has('model') && PARTS.has('load') ? await startOnceModelBackend() : undefined;
  const model = modelBackend === undefined ? emptyRuns('model') : await measure(modelBackend, false, true, true);
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  return {
    title: 'useChat: resumable-stream + Redis vs Once under one fault schedule (issue 14)',
    method: `One AI SDK route process (streamText on the AI SDK's MockLanguageModelV4, one word every 20 ms) serves both sides: the peer runs it as the AI SDK docs' resumable setup (resumable-stream on the local Redis, consumeSseStream, the active stream id and the messages in Redis, GET /api/chat/:id/stream to resume) behind DefaultChatTransport; Once runs the daemon with --provider ui-stream calling the same route without resumable-stream, behind OnceChatTransport, and behind DefaultChatTransport on the daemon's AI SDK endpoints. Faults: ${CHATS} chats at once per run, each a ${FAULT_ANSWER.tokens}-word answer with 1–3 faults from a seeded schedule (seeds ${SEEDS.slice(0, RUNS).join(', ')}, the same on every side): a drop cuts the chat's sockets (a proxy of its own), the app then calls resumeStream() (DefaultChatTransport) or the transport reconnects itself (OnceChatTransport); a reload closes the page, loads the history and resumes (retried while it fails, as after a drop: a first run without the retry left one OnceChatTransport page in error now and then, its first resume failing on a socket the cut left behind). The client is the AI SDK's Chat (AbstractChat as @ai-sdk/react builds it) in this process; text is checked word for word against the model's answer. Naive clients read the raw SSE and append every text delta, reconnecting through the peer's GET …/stream or Once's event stream with Last-Event-ID. SIGKILL: ${KILL_CHATS} chats at 40 % of their answer, the peer's route process or Once's daemon killed and started again at once. Load: ${LOADS.map((load) => `${load.streams.toLocaleString('en-US')} streams of ${load.spec.tokens} words`).join(' and ')} at once, raw SSE clients in this process on the peer's POST /api/chat and Once's POST /v1/ai-sdk/chat (the daemon in front of the route, and, as a second Once configuration, the daemon running the same mock model itself); each word carries the moment the model emitted it. Bytes per character: one ${FAULT_ANSWER.tokens}-word answer (${answerCharacters(FAULT_ANSWER)} characters of text) read whole per run and way, without faults: response bodies only (no HTTP head), from the first byte to the turn's end ([DONE], or Once's turn_end, the user's message and the turn's other events included). Every figure is the median of ${RUNS} runs. This run took ${minutes} min (about 5 on a quiet 2-core machine).`,
    rows: [
      ...wireRows(peer, peer),
      ...wireRows(once, peer),
      ...faultRows(peer, true),
      ...faultRows(once, true),
      ...faultRows(endpoints, false),
      ...killRows(peer),
      ...killRows(once),
      ...killRows(endpoints),
      ...loadRows(peer, 'resumable-stream + Redis (POST /api/chat)', once),
      ...loadRows(once, "Once (the daemon's POST /v1/ai-sdk/chat)", once, peer),
      ...loadRows(model, 'Once (AI SDK model in the daemon, POST /v1/ai-sdk/chat)', undefined, peer),
    ],
    notes: [
      ...notesOf(peer, once, endpoints, model),
      `The machine's 5-minute load average was ${loadBefore.toFixed(1)} when this run began and ${(loadavg()[1] ?? 0).toFixed(1)} when it ended (${cpus().length} cores): above the core count, every process here got a fraction of a core and the latencies and wall times stretch accordingly.`,
    ],
  };
};

function notesOf(peer: BackendRuns, once: BackendRuns, endpoints: BackendRuns, model: BackendRuns): string[] {
  const busy = (runs: BackendRuns, streams: number) =>
    Math.max(...(runs.loads.get(streams) ?? []).map((run) => run.clientBusy)).toFixed(2);
  const redisShare = (streams: number) => {
    const runs = peer.loads.get(streams) ?? [];
    return runs.length === 0
      ? 'n/a'
      : (runs.map((run) => run.redisPerThousand).sort()[Math.floor(runs.length / 2)] ?? 0).toFixed(3);
  };
  const killWords = (runs: BackendRuns) => {
    const last = runs.kills.at(-1)?.chats[0];
    return last === undefined
      ? 'not measured'
      : `the page showed ${last.beforeKill} characters at the kill; the same page then showed ${last.samePage.characters} (status ${last.samePage.status}); after a reload ${last.afterReload.characters} (last message: ${last.afterReload.lastRole}, status ${last.afterReload.status})`;
  };
  return [
    `Not like for like: Once commits every event durably to SQLite (WAL) before it sends it to any client, and a turn outlives the daemon (a restart ends it as interrupted, with what was committed); the peer keeps the stream in the route process's memory, publishing through Redis pub/sub only to a resuming reader, and saves the answer to Redis only when it finishes. Once's path has one more hop (route → daemon → client) than the peer's (route → client).`,
    `What the user sees after a SIGKILL, peer: ${killWords(peer)}. The route's in-flight generation is gone with the process; resumable-stream's sentinel still says the stream runs, so every resume waits for a producer that no longer exists and fails ("Timeout waiting for ack", a 500), and the history a reload loads holds the question without its answer.`,
    `What the user sees after a SIGKILL, Once (OnceChatTransport): ${killWords(once)}. The restarted daemon ends the turn as interrupted with every word it had committed, which includes every word any client was shown; the page shows that text as the finished answer, and a reload shows the same. Through the AI SDK endpoints: ${killWords(endpoints)}.`,
    `Server CPU is the route process plus Redis for the peer (Redis's own INFO; other Redis users on the machine would count too; Redis's share per 1,000 tokens: ${LOADS.map(({ streams }) => `${redisShare(streams)} s at ${streams.toLocaleString('en-US')} streams`).join(', ')}), and the daemon plus the same route for Once. The "physical limit" beside the load rows is the route alone (streamText without resumable-stream, read by the same client).`,
    `Once (AI SDK model in the daemon) is the like-for-like configuration: the daemon runs the very model the peer's route runs (answer-model.ts: a new MockLanguageModelV4 a request, the same words at the same 20 ms pace; bench/support/peers/daemon-model.config.ts) through Once's AI SDK model provider (createAiSdkProvider: one model call a step, experimental_streamLanguageModelCall), and serves POST /v1/ai-sdk/chat to the same clients; its CPU is the daemon's alone, as there is no route. What still differs from the peer: every event is committed to SQLite (WAL) before any client gets it, and the stream each client reads is folded from those committed events; the model runs under Once's turn runner (the user's message stored first, the turn's events, the chat created on its first message) instead of the route's streamText and toUIMessageStreamResponse; and the peer additionally keeps its resumable stream in Redis (its CPU counted).`,
    `The client process (every SSE reader, one Node process) was busy ${LOADS.map(({ streams }) => `${busy(peer, streams)} / ${busy(once, streams)} / ${busy(model, streams)} of a core at ${streams.toLocaleString('en-US')} streams`).join(', ')} (peer / Once / Once with the model in the daemon); near 1 it is itself a bottleneck and the latencies include its queueing.`,
    ...LOADS.map(({ streams, spec }) => {
      const pace = (runs: BackendRuns) => {
        const measured = runs.loads.get(streams) ?? [];
        const perThousand =
          [...measured.map((run) => run.cpuPerThousand)].sort((a, b) => a - b)[Math.floor(measured.length / 2)] ??
          Number.NaN;
        return ((streams * (1000 / spec.delayMs)) / 1000) * perThousand;
      };
      return `Keeping pace at ${streams.toLocaleString('en-US')} streams (${((streams * 1000) / spec.delayMs).toLocaleString('en-US')} words/s) takes ${pace(peer).toFixed(1)} CPU s per second on the peer, ${pace(once).toFixed(1)} on Once with the route and ${pace(model).toFixed(1)} on Once with the model in the daemon at the CPU per token measured here, against ${cpus().length} cores: past the cores, the servers fall behind the model and the token-to-client latency grows with the run (the words wait in socket buffers), the more so on the side that needs more CPU per word.`;
    }),
    `Server processes that exited by themselves during the load runs (and were started again for the next run): peer ${peer.crashes}, Once ${once.crashes}. One earlier run saw the peer's route die of an uncaught node-redis "Command timed out after 5000ms waiting to be sent" at 1,000 streams on the loaded machine, taking every stream it carried with it.`,
    'Resume latency runs from the fault to the Chat showing more text than it showed at the fault: a replay from the start (the peer) shows it once the replay passes that point; the naive clients count the bytes a reconnect brings before its first word not yet seen (the peer replays everything, Once sends from the cursor).',
    'Provisional when other work shares the machine: rerun `npm run bench peers` on a quiet machine.',
  ];
}

export default bench;
