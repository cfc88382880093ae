import type { Tool } from './tool.ts';

/** Tells the current time, in UTC or a named IANA time zone. */
export function createClockTool(now: () => Date = () => new Date()): Tool {
  return {
    name: 'clock',
    description: 'Returns the current date and time, in UTC or in the given IANA time zone.',
    inputSchema: {
      type: 'object',
      properties: { timeZone: { type: 'string', description: 'IANA time zone, e.g. Europe/Paris. Default UTC.' } },
      additionalProperties: false,
    },
    async run(input, { output }) {
      const requested =
        typeof input === 'object' && input !== null && !Array.isArray(input) ? input.timeZone : undefined;
      const timeZone = typeof requested === 'string' ? requested : 'UTC';
      const date = now();
      const time = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' }).format(date);
      output(time);
      return { iso: date.toISOString(), timeZone, time };
    },
  };
}
