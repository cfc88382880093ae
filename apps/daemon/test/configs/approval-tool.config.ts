// A config with one tool that needs approval, on the demo model: "Please shout {"text": "hi"}"
// asks before it runs, answers HI when allowed, and fails (an error result) on empty text.
import { defineConfig, defineTool } from '@once/daemon';
import { z } from 'zod';

export default defineConfig({
  tools: [
    defineTool({
      name: 'shout',
      description: 'Says the text in capitals.',
      input: z.object({ text: z.string() }),
      needsApproval: true,
      run: async ({ text }) => {
        if (text === '') throw new Error('There is nothing to shout.');
        return text.toUpperCase();
      },
    }),
  ],
});
