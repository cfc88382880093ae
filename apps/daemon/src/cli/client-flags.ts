import { parseArgs } from 'node:util';
import { createClient, createHttpTransport, type OnceClient, type Transport } from '@once/client';

/** Where the client commands find the daemon. */
export interface ClientConnection {
  readonly transport: Transport;
  readonly client: OnceClient;
  /** The daemon's address: `--url`, else `ONCE_URL`, else {@link DEFAULT_URL}. */
  readonly baseUrl: string;
  /** `--token`, else `ONCE_TOKEN`; undefined when neither is set. */
  readonly token: string | undefined;
  /** The rest of the command line: flags the command declared, and its words. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** The daemon's address when neither `--url` nor `ONCE_URL` says otherwise. */
export const DEFAULT_URL = 'http://127.0.0.1:7420';

/**
 * Reads `--url` (`ONCE_URL`, default {@link DEFAULT_URL}) and `--token` (`ONCE_TOKEN`)
 * plus the command's own string flags, and opens a client on that daemon.
 * @throws the parse error of an unknown or malformed flag (`ERR_PARSE_ARGS_*`).
 */
export function connectClient(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  flags: readonly string[] = [],
): ClientConnection {
  const options = Object.fromEntries(['url', 'token', ...flags].map((name) => [name, { type: 'string' as const }]));
  const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true });
  const baseUrl = (values.url as string | undefined) ?? env.ONCE_URL ?? DEFAULT_URL;
  const token = (values.token as string | undefined) ?? env.ONCE_TOKEN;
  const transport = createHttpTransport({ baseUrl, ...(token === undefined ? {} : { token }) });
  return { transport, client: createClient({ transport }), baseUrl, token, values, positionals };
}
