import { join } from 'node:path';
import { createDaemonClient, readConversation, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';

// Real daemon processes on a machine that may be busy: generous, never a timing assertion.
const PROCESS_TEST_MS = 60_000;
const CONFIGS = join(import.meta.dirname, 'configs');

afterEach(stopLeftoverDaemons);

/** Sends `prompts` one turn after the other and returns the text of each answer. */
async function answers(url: string, prompts: readonly string[]): Promise<string[]> {
  const client = createDaemonClient(url);
  const conversationId = await client.createConversation();
  for (const [index, prompt] of prompts.entries()) {
    await client.sendMessage(conversationId, prompt);
    await readConversation(client, conversationId, index + 1);
  }
  const { messages } = await client.getSnapshot(conversationId);
  return messages
    .filter((message) => message.role === 'assistant')
    .map((message) => message.blocks.map((block) => (block.type === 'text' ? block.text : '')).join(''));
}

describe('a config file', () => {
  it(
    'with its own runTurn answers every turn with it',
    async () => {
      await using daemon = await startDaemon({ flags: ['--config', join(CONFIGS, 'echo-run-turn.config.ts')] });
      expect(await answers(daemon.url, ['Hello', 'Use a tool, please'])).toEqual([
        'Turn 1: Hello',
        'Turn 2: Use a tool, please',
      ]);
    },
    PROCESS_TEST_MS,
  );

  it(
    'with its own provider overrides --provider, and gives it the system prompt and only its tools',
    async () => {
      // --provider anthropic without a key would stop start-up: the config's provider replaces it.
      await using daemon = await startDaemon({
        flags: ['--config', join(CONFIGS, 'report-provider.config.ts'), '--provider', 'anthropic'],
      });
      expect(await answers(daemon.url, ['Hello'])).toEqual(['system: Answer in French.; tools: shout']);
    },
    PROCESS_TEST_MS,
  );
});
