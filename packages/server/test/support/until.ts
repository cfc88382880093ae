/**
 * Reads `read()` every 10 ms until `done` says yes, and returns that value.
 * @throws Error after `attempts` reads that were not done.
 */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 500): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('Timed out.');
}
