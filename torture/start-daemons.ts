import { createPostgresTestSchema, type DaemonProcess, startDaemon } from '@once/testing';

/** Where a torture run keeps its log: one daemon on SQLite, or three sharing PostgreSQL. */
export type TortureLog = 'sqlite' | 'postgres';

/** The daemons of a run, stopped (and their schema dropped) on dispose. */
export interface TortureDaemons extends AsyncDisposable {
  readonly daemons: readonly DaemonProcess[];
  /** In words, for the report: "one SQLite daemon", "three daemons on PostgreSQL". */
  readonly label: string;
}

/** A lease this short hands a dead daemon's turns to another within about a second. */
const LEASE_MS = 1000;

/**
 * Starts the run's daemons with the demo model (60 tokens 10 ms apart) and heartbeats every
 * `heartbeatMs`. On PostgreSQL, three daemons share a fresh schema: a conversation's turn
 * runs on whichever holds its lease, and a killed daemon's turns move to another.
 */
export async function startTortureDaemons(log: TortureLog, heartbeatMs: number): Promise<TortureDaemons> {
  const demo = ['--demo-delay-ms', '10', '--demo-tokens', '60', '--heartbeat-ms', String(heartbeatMs)];
  if (log === 'sqlite') {
    const daemon = await startDaemon({ flags: demo });
    return {
      daemons: [daemon],
      label: 'one SQLite daemon',
      [Symbol.asyncDispose]: () => daemon[Symbol.asyncDispose](),
    };
  }
  const schema = await createPostgresTestSchema();
  const flags = [...demo, '--database-url', schema.url, '--lease-ms', String(LEASE_MS)];
  const daemons: DaemonProcess[] = [];
  try {
    for (let index = 0; index < 3; index += 1) daemons.push(await startDaemon({ flags }));
  } catch (error) {
    for (const daemon of daemons) await daemon[Symbol.asyncDispose]();
    await schema[Symbol.asyncDispose]();
    throw error;
  }
  return {
    daemons,
    label: 'three daemons sharing PostgreSQL',
    async [Symbol.asyncDispose]() {
      for (const daemon of daemons) await daemon[Symbol.asyncDispose]();
      await schema[Symbol.asyncDispose]();
    },
  };
}
