import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtInTools } from '@once/agent';
import { describeZodError, OnceError } from '@once/protocol';
import { configFileSchema } from './config-file-schema.ts';
import type { OnceConfig } from './define-config.ts';
import { resolveFromDaemon } from './resolve-from-daemon.ts';

/**
 * Imports a config file (`.ts`, `.js` or `.mjs`; Node runs TypeScript by stripping its
 * types) and checks its default export.
 * @throws OnceError `invalid_request`: one sentence naming the file and what is wrong
 *   with it — missing, not loadable, throwing, no default export, the wrong shape.
 */
export async function loadConfigFile(file: string): Promise<OnceConfig> {
  const path = resolve(file);
  const fail = (problem: string): never => {
    throw new OnceError('invalid_request', `The config file ${path} ${problem}`);
  };
  if (!existsSync(path)) fail('does not exist.');
  resolveFromDaemon(dirname(path));
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    return fail(describeLoadError(error, path));
  }
  if (!('default' in module)) fail('has no default export; end it with export default defineConfig({ … }).');
  const config = module.default;
  const parsed = configFileSchema.safeParse(config);
  if (!parsed.success) fail(`is not valid: ${describeZodError(parsed.error)}`);
  return check(config as OnceConfig, fail);
}

/** What the shape cannot say: which keys go together, and that tool names are unique. */
function check(config: OnceConfig, fail: (problem: string) => never): OnceConfig {
  if (config.runTurn !== undefined) {
    // The types forbid these beside runTurn; a plain-JavaScript config may still set them.
    const others = (['provider', 'tools', 'builtInTools', 'system'] as const).filter(
      (key) => config[key] !== undefined,
    );
    if (others.length > 0) {
      fail(`sets runTurn and ${others.join(', ')}; runTurn runs the whole turn, so give runTurn alone.`);
    }
    return config;
  }
  const builtInNames = new Set(config.builtInTools === false ? [] : builtInTools().map((tool) => tool.name));
  const names = new Set<string>();
  for (const { name } of config.tools ?? []) {
    if (builtInNames.has(name))
      fail(`has a tool named ${name}, like a built-in tool; rename it, or set builtInTools: false.`);
    if (names.has(name)) fail(`has two tools named ${name}; give each tool a name of its own.`);
    names.add(name);
  }
  return config;
}

/** One clause for why importing failed: a syntax error (with its line when Node gives it), a missing import, or a throw. */
function describeLoadError(error: unknown, path: string): string {
  const message = firstLine(error instanceof Error ? error.message : String(error));
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  const line = lineOf(error, path);
  const at = line === undefined ? '' : ` at line ${line}`;
  if (error instanceof SyntaxError) return `has a syntax error${at}: ${message}.`;
  // Node's own loader errors (a missing import, a directory, an unknown extension) all carry ERR_ codes.
  if (code?.startsWith('ERR_')) return `could not be loaded: ${message}.`;
  return `threw while loading${at}: ${message}.`;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim().replace(/[.:]+$/, '') || 'no message';
}

/** The line of the config file the error points at: Node puts `path:line` atop a stack. */
function lineOf(error: unknown, path: string): number | undefined {
  if (!(error instanceof Error) || error.stack === undefined) return undefined;
  const url = pathToFileURL(path).href;
  for (const location of [path, url]) {
    const escaped = location.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`${escaped}:(\\d+)`).exec(error.stack);
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}
