import type { ModelProvider, Tool } from '@once/agent';
import type { TurnRunner } from '@once/producer';

/**
 * A config that keeps Once's turn runner (model calls, tools, approvals, retries) and
 * changes what it runs with: your tools, your model provider, a system prompt.
 */
export interface AgentConfig {
  /**
   * Your tools (made with `defineTool`), offered to the model beside the built-in ones
   * (`clock`, `calculator`, `show_surface`) unless {@link builtInTools} is false. Names
   * must be unique among all the tools offered. Default: none.
   */
  readonly tools?: readonly Tool[];
  /** Whether the built-in tools are offered too. Default true. */
  readonly builtInTools?: boolean;
  /**
   * The model provider, any `ModelProvider`. Overrides `--provider` (and with it
   * `--model`, `--base-url` and the demo settings). Default: the one `--provider` names.
   */
  readonly provider?: ModelProvider;
  /** The system prompt every model call gets: who the assistant is, how it answers. Default: none. */
  readonly system?: string;
  readonly runTurn?: never;
}

/**
 * A config that runs whole turns itself, for full control: it gets each turn's history,
 * `append`, abort signal and approvals, and writes every event of the turn.
 */
export interface RunTurnConfig {
  /** Runs one turn to its end; see `TurnRunner`. `--provider` and the demo settings are unused. */
  readonly runTurn: TurnRunner;
  readonly tools?: never;
  readonly builtInTools?: never;
  readonly provider?: never;
  readonly system?: never;
}

/** What a config file's default export holds: {@link AgentConfig} or {@link RunTurnConfig}. */
export type OnceConfig = AgentConfig | RunTurnConfig;

/**
 * Declares the config of `once serve --config <file>`: returns it unchanged, typed, so
 * an editor checks it. The daemon validates it again when it loads the file.
 *
 * @example
 * // once.config.ts
 * import { defineConfig, defineTool } from '@once/daemon';
 * import { z } from 'zod';
 *
 * export default defineConfig({
 *   system: 'You are the release assistant of the Acme team.',
 *   tools: [defineTool({ name: 'weather', description: 'Current weather for a city.',
 *     input: z.object({ city: z.string() }), run: async ({ city }) => ({ city, celsius: 21 }) })],
 * });
 */
export function defineConfig<Config extends OnceConfig>(config: Config): Config {
  return config;
}
