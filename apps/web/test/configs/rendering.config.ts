// The demo model with two additions for the rendering tests: it thinks aloud first when the
// prompt has the word "think", and it is offered release_notes, a tool that waits for the
// user's approval (the demo model calls it for a prompt naming it).
import { setTimeout as sleep } from 'node:timers/promises';
import { createDemoProvider, defineConfig, defineTool, type ModelProvider } from '@once/daemon';
import { z } from 'zod';

const demo = createDemoProvider({ delayMs: 5, tokens: 40 });

const thinkingDemo: ModelProvider = {
  name: 'thinking-demo',
  async *stream(request) {
    const prompt = request.history
      .findLast((message) => message.role === 'user')
      ?.blocks.map((block) => ('text' in block ? block.text : ''))
      .join('');
    if (request.current.blocks.length === 0 && /\bthink\b/i.test(prompt ?? '')) {
      for (const word of ['Weighing ', 'the ', 'question ', 'before ', 'answering.']) {
        await sleep(5, undefined, { signal: request.signal });
        yield { type: 'thinking', text: word };
      }
    }
    yield* demo.stream(request);
  },
};

export default defineConfig({
  provider: thinkingDemo,
  tools: [
    defineTool({
      name: 'release_notes',
      description: 'Reads the release notes of a version.',
      input: z.object({ version: z.string() }),
      needsApproval: true,
      run: async ({ version }) => `Version ${version} delivers every answer exactly once.`,
    }),
  ],
});
