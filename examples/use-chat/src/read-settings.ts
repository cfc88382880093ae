/** Which transport carries useChat's requests. */
export type TransportName = 'once' | 'default';

/** Where the page finds its daemon, and how it talks to it. */
export interface Settings {
  /** The daemon's base URL, e.g. `http://127.0.0.1:7420`. */
  readonly baseUrl: string;
  /** The bearer token for a daemon started with `--auth-tokens`; undefined for none. */
  readonly token: string | undefined;
  /** `once` (Once's own transport, the default) or `default` (the AI SDK's stock `DefaultChatTransport`). */
  readonly transport: TransportName;
}

/** The build-time settings Vite reads from `.env` files and the environment. */
export interface BuildSettings {
  readonly VITE_ONCE_URL?: string;
  readonly VITE_ONCE_TOKEN?: string;
}

/** The daemon's own default address (`once serve` without `--port`). */
const DEFAULT_BASE_URL = 'http://127.0.0.1:7420';

/**
 * The settings of this page load. The query string (`?once=URL&token=T&transport=default`)
 * wins over the build's `VITE_ONCE_URL` / `VITE_ONCE_TOKEN`, so one build can be pointed
 * at any daemon, which is how the browser tests use it. A real app would not put a token in
 * its URL; it is there for the tests and for trying things out.
 */
export function readSettings(search: string, build: BuildSettings): Settings {
  const query = new URLSearchParams(search);
  const baseUrl = query.get('once') ?? build.VITE_ONCE_URL ?? DEFAULT_BASE_URL;
  const token = query.get('token') ?? build.VITE_ONCE_TOKEN;
  return {
    // The endpoints are appended to it, so a trailing slash would double.
    baseUrl: baseUrl.replace(/\/+$/, ''),
    token: token === '' ? undefined : token,
    transport: query.get('transport') === 'default' ? 'default' : 'once',
  };
}
