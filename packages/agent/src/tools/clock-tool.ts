import { z } from 'zod';
import { defineTool } from './define-tool.ts';
import type { Tool } from './tool.ts';

/** Tells the current time, in UTC or a named IANA time zone. */
export function createClockTool(now: () => Date = () => new Date()): Tool {
  return defineTool({
    name: 'clock',
    description: 'Returns the current date and time, in UTC or in the given IANA time zone.',
    input: z.object({
      timeZone: z.string().describe('IANA time zone, e.g. Europe/Paris. Default UTC.').optional(),
    }),
    async run({ timeZone = 'UTC' }, { output }) {
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
