import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';
import { createProvider } from './create-provider.ts';

describe('createProvider', () => {
  it('runs the demo model by default, with no key and no network', () => {
    expect(createProvider(readConfig([], {}), {}).name).toBe('demo');
  });

  it.each([
    ['anthropic', 'ANTHROPIC_API_KEY'],
    ['openai', 'OPENAI_API_KEY'],
  ])('says in one sentence that %s needs %s when it is missing', (provider, variable) => {
    expect(() => createProvider(readConfig(['--provider', provider], {}), {})).toThrow(
      new RegExp(`needs ${variable} in the environment.*--provider demo`),
    );
  });

  it('builds the real providers when their key is set', () => {
    expect(createProvider(readConfig(['--provider', 'anthropic'], {}), { ANTHROPIC_API_KEY: 'sk-test' }).name).toBe(
      'anthropic',
    );
    expect(createProvider(readConfig(['--provider', 'openai'], {}), { OPENAI_API_KEY: 'sk-test' }).name).toBe('openai');
  });

  it('lets openai talk to a compatible local server without a key', () => {
    const config = readConfig(
      ['--provider', 'openai', '--base-url', 'http://127.0.0.1:11434/v1', '--model', 'llama3.2'],
      {},
    );
    expect(createProvider(config, {}).name).toBe('openai');
  });
});
