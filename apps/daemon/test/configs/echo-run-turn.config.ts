// A config that runs whole turns itself: every answer is "Turn N: <the user's words>".
import { defineConfig, type ModelProvider, runTurn } from '@once/daemon';

export default defineConfig({
  async runTurn(turn) {
    const userTurns = turn.history.filter((message) => message.role === 'user').length;
    const prompt =
      turn.history
        .at(-1)
        ?.blocks.map((block) => ('text' in block ? block.text : ''))
        .join('') ?? '';
    const provider: ModelProvider = {
      name: 'echo',
      async *stream() {
        yield { type: 'text', text: `Turn ${userTurns}: ${prompt}` };
        yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
      },
    };
    await runTurn({ ...turn, provider, tools: [] });
  },
});
