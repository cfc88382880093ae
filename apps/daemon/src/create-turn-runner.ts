import { builtInTools, runTurn } from '@once/agent';
import type { TurnRunner } from '@once/producer';
import type { DaemonConfig } from './config.ts';
import type { OnceConfig } from './config-file/define-config.ts';
import { createProvider } from './create-provider.ts';

/** What runs the daemon's turns, and what the ready line says about it. */
export interface DaemonTurns {
  readonly runTurn: TurnRunner;
  /** The provider's name, or `runTurn` when the config file runs whole turns. */
  readonly provider: string;
  /** Names of the tools offered to the model (none known for a config's own `runTurn`). */
  readonly tools: readonly string[];
}

/**
 * The turn runner of the settings and the config file: the config's own `runTurn`; with
 * `--provider ui-stream` (and no provider in the config), the AI SDK chat route at
 * `--upstream-url`, which runs its own model and tools; or
 * Once's `runTurn` with the config's provider (else the one `--provider` names), the
 * built-in tools (unless `builtInTools: false`) followed by the config's tools, and the
 * config's system prompt.
 */
export function createTurnRunner(
  config: DaemonConfig,
  env: Readonly<Record<string, string | undefined>>,
  file: OnceConfig = {},
): DaemonTurns {
  if (file.runTurn !== undefined) return { runTurn: file.runTurn, provider: 'runTurn', tools: [] };
  if (config.provider === 'ui-stream' && file.provider === undefined && config.upstreamUrl !== undefined) {
    const options = {
      url: config.upstreamUrl,
      headers: config.upstreamHeaders,
      timeoutMs: config.upstreamTimeoutMs,
      writer: { coalesceMs: config.coalesceMs },
    };
    // Imported at the first turn: start-up does without the AI SDK.
    let runUpstream: Promise<TurnRunner> | undefined;
    const load = () => {
      runUpstream ??= import('@once/ai-sdk').then(({ createUIStreamTurnRunner }) => createUIStreamTurnRunner(options));
      return runUpstream;
    };
    return { runTurn: async (turn) => (await load())(turn), provider: 'ui-stream', tools: [] };
  }
  const provider = file.provider ?? createProvider(config, env);
  const tools = [
    ...(file.builtInTools === false ? [] : builtInTools({ clockDelayMs: config.demoToolDelayMs })),
    ...(file.tools ?? []),
  ];
  const system = file.system;
  return {
    provider: provider.name,
    tools: tools.map((tool) => tool.name),
    runTurn: async (turn) => {
      await runTurn({
        ...turn,
        provider,
        tools,
        ...(system === undefined ? {} : { system }),
        writer: { coalesceMs: config.coalesceMs },
      });
    },
  };
}
