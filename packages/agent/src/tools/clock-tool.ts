import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineTool } from './define-tool.ts';
import type { Tool } from './tool.ts';

/** Options of {@link createClockTool}. */
export interface ClockToolOptions {
  /** The clock it reads. Default: `() => new Date()`. */
  readonly now?: () => Date;
  /**
   * Milliseconds it takes before answering, stopped by a cancel. Default 0. The demo uses
   * it (`--demo-tool-delay-ms`) so that a tool run can be watched, cancelled or crashed.
   */
  readonly delayMs?: number;
}

/** Tells the current time, in UTC or a named IANA time zone. */
export function createClockTool(options: ClockToolOptions = {}): Tool {
  const now = options.now ?? (() => new Date());
  const delayMs = options.delayMs ?? 0;
  return defineTool({
    name: 'clock',
    description: 'Returns the current date and time, in UTC or in the given IANA time zone.',
    input: z.object({
      timeZone: z.string().describe('IANA time zone, e.g. Europe/Paris. Default UTC.').optional(),
    }),
    async run({ timeZone = 'UTC' }, { output, signal }) {
      if (delayMs > 0) await sleep(delayMs, undefined, { signal });
      const date = now();
      let time: string;
      try {
        time = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' }).format(date);
      } catch {
        throw new Error(`${timeZone} is not a time zone this machine knows; use an IANA name such as Europe/Paris.`);
      }
      output(time);
      return { iso: date.toISOString(), timeZone, time };
    },
  });
}
