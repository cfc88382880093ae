// A config whose model answers with what it was given: `#N saw ["Q1","#1 saw [...]",…]`,
// N counting model calls, so a test sees exactly which messages (which branch) the model
// received. A message "hold" is never answered until its turn is cancelled, so a test can
// act while a turn runs without racing it.
import { defineConfig, type ModelProvider } from '@once/daemon';

let calls = 0;

const report: ModelProvider = {
  name: 'path-report',
  async *stream({ history, signal }) {
    const texts = history.map((message) =>
      message.blocks.map((block) => (block.type === 'text' ? block.text : '')).join(''),
    );
    if (texts.at(-1) === 'hold') {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return;
    }
    calls += 1;
    yield { type: 'text', text: `#${calls} saw ${JSON.stringify(texts)}` };
    yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
  },
};

export default defineConfig({ provider: report, builtInTools: false });
