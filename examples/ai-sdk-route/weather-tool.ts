import { tool } from 'ai';
import { z } from 'zod';

/** A tool the route runs itself: a made-up forecast, so the example needs no weather API. */
export const weatherTool = tool({
  description: 'The weather in a city today.',
  inputSchema: z.object({ city: z.string().min(1) }),
  execute: async ({ city }) => ({ city, forecast: 'sunny', celsius: 21 }),
});
