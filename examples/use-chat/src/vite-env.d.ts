/// <reference types="vite/client" />

// The settings this page reads at build time (`.env`, or the environment of `npm run dev`).
interface ImportMetaEnv {
  /** The daemon's base URL; default http://127.0.0.1:7420. */
  readonly VITE_ONCE_URL?: string;
  /** A bearer token for a daemon started with `--auth-tokens`; default none. */
  readonly VITE_ONCE_TOKEN?: string;
}
