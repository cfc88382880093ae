import { createIdGenerator } from '@once/protocol';

/** A deterministic UUIDv7 generator; `salt` separates conversations. */
export function idsFor(salt: number): () => string {
  let tick = 1_800_000_000_000 + salt * 1_000_000;
  const now = () => {
    tick += 1;
    return tick;
  };
  return createIdGenerator({ now, random: () => new Uint8Array(16).fill(salt % 256) });
}
