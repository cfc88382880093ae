import { setTimeout as sleep } from 'node:timers/promises';

/** Reads again every 20 ms until `done` holds, for 20 s at most; then fails naming `what`. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(20);
  }
}
