// The demo model with what the rendering tests need beside it: release_notes, a tool that
// waits for the user's approval (the demo model calls it for a prompt naming it); thinking
// first for a prompt with the word "think"; and three answers that stop partway and wait
// until the turn is cancelled (or the daemon killed), so a test sees a half-written answer
// for as long as it looks: "halfway" (a code block, then a bold phrase not yet closed),
// "ponder" (thinking) and "drafting" (a tool call's input); and "stumble", an answer that
// fails after its first words.
import { setTimeout as sleep } from 'node:timers/promises';
import { createDemoProvider, defineConfig, defineTool, type ModelPart, type ModelProvider } from '@once/daemon';
import { z } from 'zod';

const demo = createDemoProvider({ delayMs: 5, tokens: 40 });

/** What each stalling prompt word streams before it waits. */
const STALLS: Readonly<Record<string, readonly ModelPart[]>> = {
  halfway: [
    { type: 'text', text: '```ts\nconst offset = 42;\n' },
    { type: 'text', text: '```\n\nHere is **the plan so far' },
  ],
  ponder: [{ type: 'thinking', text: 'Still weighing it' }],
  drafting: [
    { type: 'tool_call_start', toolUseId: 'drafting-call', toolName: 'release_notes' },
    { type: 'tool_call_delta', toolUseId: 'drafting-call', partialJson: '{"version": "4' },
  ],
};

const renderingDemo: ModelProvider = {
  name: 'rendering-demo',
  async *stream(request) {
    const prompt =
      request.history
        .findLast((message) => message.role === 'user')
        ?.blocks.map((block) => ('text' in block ? block.text : ''))
        .join('') ?? '';
    if (/\bstumble\b/.test(prompt)) {
      yield { type: 'text', text: 'Starting the answer' };
      throw new Error('The model lost its connection.');
    }
    const stall = Object.entries(STALLS).find(([word]) => new RegExp(`\\b${word}\\b`).test(prompt))?.[1];
    if (stall !== undefined) {
      yield* stall;
      // Until the turn is cancelled: sleep rejects when the signal aborts.
      await sleep(600_000, undefined, { signal: request.signal });
      return;
    }
    if (request.current.blocks.length === 0 && /\bthink\b/i.test(prompt)) {
      for (const word of ['Weighing ', 'the ', 'question ', 'before ', 'answering.']) {
        await sleep(5, undefined, { signal: request.signal });
        yield { type: 'thinking', text: word };
      }
    }
    yield* demo.stream(request);
  },
};

export default defineConfig({
  provider: renderingDemo,
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
