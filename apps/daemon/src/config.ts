import { parseArgs } from 'node:util';
import { describeZodError, mediaTypeSchema, OnceError } from '@once/protocol';
import { z } from 'zod';
import { durationSchema } from './duration.ts';
import { parseAuthTokens, parseHeaders, readCorsOrigins, readUrl } from './read-setting-values.ts';

/** Every setting of the daemon: each is a flag and an environment variable. */
export interface DaemonConfig {
  /** TCP port. `--port` / `ONCE_PORT`, default 7420. */
  readonly port: number;
  /** Interface to bind. `--host` / `ONCE_HOST`, default 127.0.0.1 (this machine only). */
  readonly host: string;
  /** Where the SQLite log lives. `--data-dir` / `ONCE_DATA_DIR`, default ./.once */
  readonly dataDir: string;
  /**
   * Model provider. `--provider` / `ONCE_PROVIDER`: demo (default), anthropic, openai, or
   * ui-stream (each turn goes to the AI SDK chat route at `upstreamUrl`). A config file's
   * `provider` or `runTurn` takes its place.
   */
  readonly provider: 'demo' | 'anthropic' | 'openai' | 'ui-stream';
  /**
   * With `--provider ui-stream`: the AI SDK chat route each turn is POSTed to, an http(s)
   * URL. `--upstream-url` / `ONCE_UPSTREAM_URL`; required by ui-stream, refused otherwise.
   */
  readonly upstreamUrl?: string;
  /**
   * Headers sent with every upstream request, by name. `--upstream-header 'Name: value'`,
   * repeatable; `ONCE_UPSTREAM_HEADERS` holds one `Name: value` a line (a header's value
   * may hold commas, so lines part them). Default: none.
   */
  readonly upstreamHeaders: Readonly<Record<string, string>>;
  /**
   * Longest wait for the upstream's next byte (its response headers included), in ms, before
   * the message ends `error`. `--upstream-timeout-ms` / `ONCE_UPSTREAM_TIMEOUT_MS`, default 120000.
   */
  readonly upstreamTimeoutMs: number;
  /**
   * A postgres:// URL switches the log to PostgreSQL; its `?schema=NAME` query parameter
   * names the PostgreSQL schema of the log's tables (default `once`). `--database-url` /
   * `ONCE_DATABASE_URL`; unset: SQLite in the data dir.
   */
  readonly databaseUrl?: string;
  /**
   * With PostgreSQL: how long a daemon's hold on a conversation (the right to run its
   * turns) lasts without renewal, in ms; a daemon that dies has its conversations taken
   * over by a live one within about this. `--lease-ms` / `ONCE_LEASE_MS`, default 5000.
   */
  readonly leaseMs: number;
  /**
   * Completed messages this old lose their deltas from the log; their final state stays
   * and every cursor still resumes (docs/decisions/021-compaction.md). A duration: `30m`,
   * `12h`, `7d`. `--compact-after` / `ONCE_COMPACT_AFTER`; unset: never.
   */
  readonly compactAfterMs?: number;
  /**
   * Conversations last active this long ago are deleted and their events removed from the
   * log. A duration: `30d`. `--retention` / `ONCE_RETENTION`; unset: kept for ever.
   */
  readonly retentionMs?: number;
  /** Demo model: milliseconds between tokens. `--demo-delay-ms` / `ONCE_DEMO_DELAY_MS`, default 15. */
  readonly demoDelayMs: number;
  /** Demo model: about how many tokens an answer has. `--demo-tokens` / `ONCE_DEMO_TOKENS`, default 120. */
  readonly demoTokens: number;
  /** How long the clock tool takes, in ms (to watch a tool run). `--demo-tool-delay-ms` / `ONCE_DEMO_TOOL_DELAY_MS`, default 0. */
  readonly demoToolDelayMs: number;
  /**
   * Bearer tokens and the account each one opens, `token=account,token2=account2`.
   * `--auth-tokens` / `ONCE_AUTH_TOKENS`. Unset: no auth, one account named `default`.
   */
  readonly authTokens?: ReadonlyMap<string, string>;
  /**
   * Origins whose pages may call every endpoint and open every event stream from a
   * browser, `scheme://host[:port]` each, comma-separated (`*`: any origin, only with
   * `authTokens`). `--cors-origins` / `ONCE_CORS_ORIGINS`. Unset: none, no CORS headers.
   */
  readonly corsOrigins?: readonly string[];
  /** Deltas of one block within this many ms become one event. `--coalesce-ms` / `ONCE_COALESCE_MS`, default 0. */
  readonly coalesceMs: number;
  /** Longest wait before a group commit, in ms. `--commit-delay-ms` / `ONCE_COMMIT_DELAY_MS`, default 0 (the end of the event-loop turn). */
  readonly commitDelayMs: number;
  /** Largest request body, in bytes. `--max-body-bytes` / `ONCE_MAX_BODY_BYTES`, default 1048576. */
  readonly maxBodyBytes: number;
  /** Largest attachment, in bytes. `--attachment-max-bytes` / `ONCE_ATTACHMENT_MAX_BYTES`, default 20971520 (20 MiB). */
  readonly attachmentMaxBytes: number;
  /**
   * Media types an attachment may have, comma-separated. `--attachment-types` /
   * `ONCE_ATTACHMENT_TYPES`. Unset: image/png, image/jpeg, image/gif, image/webp,
   * application/pdf, text/plain, text/markdown, text/csv, application/json.
   */
  readonly attachmentTypes?: readonly string[];
  /**
   * How long an uploaded file no message has named yet is kept (then swept). A duration.
   * `--attachment-grace` / `ONCE_ATTACHMENT_GRACE`, default 24h. Files messages name go
   * when the last conversation naming them is deleted or expires.
   */
  readonly attachmentGraceMs: number;
  /** Model name for the provider. `--model` / `ONCE_MODEL`; default per provider. */
  readonly model?: string;
  /**
   * Base URL of the provider's API. `--base-url`, or `OPENAI_BASE_URL` / `ANTHROPIC_BASE_URL`
   * for the provider in use; lets `openai` talk to any compatible server (Ollama, vLLM, LM Studio).
   */
  readonly baseUrl?: string;
  /** How long a tool call waits for approval before it is denied, in ms. `--approval-timeout-ms` / `ONCE_APPROVAL_TIMEOUT_MS`, default 300000. */
  readonly approvalTimeoutMs: number;
  /**
   * Milliseconds between SSE heartbeat comments on every open event stream (each names
   * the last offset the connection wrote). `--heartbeat-ms` / `ONCE_HEARTBEAT_MS`, default
   * 15000; clients treat twice this long without a byte as a dead connection.
   */
  readonly heartbeatMs: number;
  /**
   * A config file (`once.config.ts`) whose default export, made with `defineConfig`, adds
   * tools, a model provider, a system prompt, or a whole turn runner. `--config` /
   * `ONCE_CONFIG`; unset: the built-in tools and `--provider`.
   */
  readonly configFile?: string;
  /** pino log level. `--log-level` / `ONCE_LOG_LEVEL`, default info. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Flag name, environment variable, and how to read the value. */
const SETTINGS = {
  port: { env: 'ONCE_PORT', schema: z.coerce.number().int().min(0).max(65535), fallback: 7420 },
  host: { env: 'ONCE_HOST', schema: z.string().min(1), fallback: '127.0.0.1' },
  'data-dir': { env: 'ONCE_DATA_DIR', schema: z.string().min(1), fallback: './.once' },
  provider: { env: 'ONCE_PROVIDER', schema: z.enum(['demo', 'anthropic', 'openai', 'ui-stream']), fallback: 'demo' },
  'upstream-url': {
    env: 'ONCE_UPSTREAM_URL',
    schema: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
    fallback: undefined,
  },
  'upstream-header': { env: 'ONCE_UPSTREAM_HEADERS', schema: z.string().min(1), fallback: undefined },
  'upstream-timeout-ms': {
    env: 'ONCE_UPSTREAM_TIMEOUT_MS',
    schema: z.coerce.number().int().min(100).max(3_600_000),
    fallback: 120_000,
  },
  'database-url': {
    env: 'ONCE_DATABASE_URL',
    schema: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    fallback: undefined,
  },
  'lease-ms': { env: 'ONCE_LEASE_MS', schema: z.coerce.number().int().min(300).max(600_000), fallback: 5_000 },
  'demo-delay-ms': { env: 'ONCE_DEMO_DELAY_MS', schema: z.coerce.number().int().min(0).max(60_000), fallback: 15 },
  'demo-tokens': { env: 'ONCE_DEMO_TOKENS', schema: z.coerce.number().int().min(1).max(100_000), fallback: 120 },
  'demo-tool-delay-ms': {
    env: 'ONCE_DEMO_TOOL_DELAY_MS',
    schema: z.coerce.number().int().min(0).max(600_000),
    fallback: 0,
  },
  'auth-tokens': { env: 'ONCE_AUTH_TOKENS', schema: z.string().min(1), fallback: undefined },
  'cors-origins': { env: 'ONCE_CORS_ORIGINS', schema: z.string().min(1), fallback: undefined },
  'coalesce-ms': { env: 'ONCE_COALESCE_MS', schema: z.coerce.number().int().min(0).max(1000), fallback: 0 },
  'commit-delay-ms': { env: 'ONCE_COMMIT_DELAY_MS', schema: z.coerce.number().min(0).max(1000), fallback: 0 },
  'max-body-bytes': { env: 'ONCE_MAX_BODY_BYTES', schema: z.coerce.number().int().min(1024), fallback: 1_048_576 },
  'attachment-max-bytes': {
    env: 'ONCE_ATTACHMENT_MAX_BYTES',
    schema: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    fallback: 20_971_520,
  },
  'attachment-types': {
    env: 'ONCE_ATTACHMENT_TYPES',
    schema: z
      .string()
      .transform((list) => list.split(',').map((item) => item.trim().toLowerCase()))
      .pipe(z.array(mediaTypeSchema).min(1, 'list at least one media type')),
    fallback: undefined,
  },
  'attachment-grace': { env: 'ONCE_ATTACHMENT_GRACE', schema: durationSchema, fallback: 86_400_000 },
  model: { env: 'ONCE_MODEL', schema: z.string().min(1).max(200), fallback: undefined },
  'base-url': { env: 'ONCE_BASE_URL', schema: z.url({ message: 'must be an http(s) URL' }), fallback: undefined },
  config: { env: 'ONCE_CONFIG', schema: z.string().min(1), fallback: undefined },
  'heartbeat-ms': {
    env: 'ONCE_HEARTBEAT_MS',
    schema: z.coerce.number().int().min(10).max(60_000),
    fallback: 15_000,
  },
  'approval-timeout-ms': {
    env: 'ONCE_APPROVAL_TIMEOUT_MS',
    schema: z.coerce.number().int().min(1000).max(86_400_000),
    fallback: 300_000,
  },
  'compact-after': { env: 'ONCE_COMPACT_AFTER', schema: durationSchema, fallback: undefined },
  retention: { env: 'ONCE_RETENTION', schema: durationSchema, fallback: undefined },
  'log-level': {
    env: 'ONCE_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    fallback: 'info',
  },
} as const;

type SettingName = keyof typeof SETTINGS;

/** The flags and environment variables, for `--help`. */
export function describeSettings(): string {
  return Object.entries(SETTINGS)
    .map(
      ([flag, setting]) => `  --${flag.padEnd(16)} ${setting.env.padEnd(20)} default: ${setting.fallback ?? '(unset)'}`,
    )
    .join('\n');
}

/**
 * Reads the settings from flags (which win) and the environment.
 * @throws OnceError `invalid_request` naming the flag or variable that is wrong.
 */
export function readConfig(args: readonly string[], env: Readonly<Record<string, string | undefined>>): DaemonConfig {
  const { values } = parseArgs({
    args: [...args],
    options: Object.fromEntries(
      Object.keys(SETTINGS).map((name) => [name, { type: 'string' as const, multiple: name === REPEATABLE }]),
    ),
    strict: true,
    allowPositionals: false,
  });
  const read = <N extends SettingName>(name: N): z.infer<(typeof SETTINGS)[N]['schema']> | undefined => {
    const setting = SETTINGS[name];
    const fromFlag = values[name];
    const raw = typeof fromFlag === 'string' ? fromFlag : env[setting.env];
    if (raw === undefined || raw === '')
      return (setting.fallback ?? undefined) as z.infer<(typeof SETTINGS)[N]['schema']> | undefined;
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) {
      const source = typeof fromFlag === 'string' ? `--${name}` : setting.env;
      throw new OnceError(
        'invalid_request',
        `${source}=${JSON.stringify(raw)} is not valid: ${describeZodError(parsed.error)}`,
      );
    }
    return parsed.data as z.infer<(typeof SETTINGS)[N]['schema']>;
  };
  const databaseUrl = read('database-url');
  const provider = read('provider') ?? 'demo';
  const model = read('model');
  // The SDKs' own variables name the base URL of the provider in use.
  const baseUrlVariable =
    provider === 'openai' ? 'OPENAI_BASE_URL' : provider === 'anthropic' ? 'ANTHROPIC_BASE_URL' : undefined;
  const baseUrl =
    read('base-url') ??
    (baseUrlVariable !== undefined && env[baseUrlVariable]
      ? readUrl(baseUrlVariable, env[baseUrlVariable])
      : undefined);
  const authTokens = read('auth-tokens');
  const corsOrigins = readCorsOrigins(
    read('cors-origins'),
    typeof values['cors-origins'] === 'string' ? '--cors-origins' : 'ONCE_CORS_ORIGINS',
    authTokens !== undefined,
  );
  const configFile = read('config');
  const attachmentTypes = read('attachment-types');
  const compactAfterMs = read('compact-after');
  const retentionMs = read('retention');
  const upstreamUrl = read('upstream-url');
  if (provider === 'ui-stream' && upstreamUrl === undefined) {
    throw new OnceError(
      'invalid_request',
      '--provider ui-stream needs --upstream-url (or ONCE_UPSTREAM_URL): the URL of the AI SDK chat route to send turns to.',
    );
  }
  if (provider !== 'ui-stream' && upstreamUrl !== undefined) {
    throw new OnceError(
      'invalid_request',
      `--upstream-url is read only with --provider ui-stream, and the provider is ${provider}; add --provider ui-stream, or drop the upstream URL.`,
    );
  }
  const headerFlags = values[REPEATABLE];
  return {
    port: read('port') ?? 7420,
    host: read('host') ?? '127.0.0.1',
    dataDir: read('data-dir') ?? './.once',
    provider,
    ...(upstreamUrl === undefined ? {} : { upstreamUrl }),
    upstreamHeaders: Array.isArray(headerFlags)
      ? parseHeaders(headerFlags, '--upstream-header')
      : parseHeaders((env.ONCE_UPSTREAM_HEADERS ?? '').split(/\r?\n/), 'ONCE_UPSTREAM_HEADERS'),
    upstreamTimeoutMs: read('upstream-timeout-ms') ?? 120_000,
    ...(model === undefined ? {} : { model }),
    ...(baseUrl === undefined ? {} : { baseUrl }),
    approvalTimeoutMs: read('approval-timeout-ms') ?? 300_000,
    heartbeatMs: read('heartbeat-ms') ?? 15_000,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    leaseMs: read('lease-ms') ?? 5_000,
    ...(compactAfterMs === undefined ? {} : { compactAfterMs }),
    ...(retentionMs === undefined ? {} : { retentionMs }),
    demoDelayMs: read('demo-delay-ms') ?? 15,
    demoTokens: read('demo-tokens') ?? 120,
    demoToolDelayMs: read('demo-tool-delay-ms') ?? 0,
    ...(authTokens === undefined ? {} : { authTokens: parseAuthTokens(authTokens) }),
    ...(corsOrigins === undefined ? {} : { corsOrigins }),
    coalesceMs: read('coalesce-ms') ?? 0,
    commitDelayMs: read('commit-delay-ms') ?? 0,
    maxBodyBytes: read('max-body-bytes') ?? 1_048_576,
    attachmentMaxBytes: read('attachment-max-bytes') ?? 20_971_520,
    ...(attachmentTypes === undefined ? {} : { attachmentTypes }),
    attachmentGraceMs: read('attachment-grace') ?? 86_400_000,
    ...(configFile === undefined ? {} : { configFile }),
    logLevel: read('log-level') ?? 'info',
  };
}

/** The one setting that may be given more than once. */
const REPEATABLE = 'upstream-header';
