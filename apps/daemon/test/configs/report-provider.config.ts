// A config with its own model provider: it answers with what it was given — the system
// prompt and the names of the tools offered — so a test can see both arrive.
import { defineConfig, defineTool, type ModelProvider } from '@once/daemon';
import { z } from 'zod';

const report: ModelProvider = {
  name: 'report',
  async *stream({ system, tools }) {
    yield { type: 'text', text: `system: ${system ?? '(none)'}; tools: ${tools.map((tool) => tool.name).join(', ')}` };
    yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
  },
};

export default defineConfig({
  provider: report,
  builtInTools: false,
  system: 'Answer in French.',
  tools: [
    defineTool({
      name: 'shout',
      description: 'Says the text in capitals.',
      input: z.object({ text: z.string() }),
      run: async ({ text }) => text.toUpperCase(),
    }),
  ],
});
