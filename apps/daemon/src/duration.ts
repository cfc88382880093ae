import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A length of time written as a whole number and a unit — `500ms`, `30s`, `15m`, `12h`, `7d` — read as milliseconds. */
export const durationSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}(ms|s|m|h|d)$/, 'must be a whole number and a unit: ms, s, m, h or d (e.g. 30s, 12h, 7d)')
  .transform((text) => {
    const unit = text.match(/[a-z]+$/)?.[0] as keyof typeof UNIT_MS;
    return Number(text.slice(0, -unit.length)) * UNIT_MS[unit];
  });
