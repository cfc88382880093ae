import type { Settings } from './read-settings.ts';

/** The daemon's address and token as Once's loader and transport take them. */
export function connectionOf(settings: Settings): { baseUrl: string; token?: string } {
  return settings.token === undefined
    ? { baseUrl: settings.baseUrl }
    : { baseUrl: settings.baseUrl, token: settings.token };
}

/** The `authorization` header for the daemon's bearer token, or no header without one. */
export function authorizationHeader(settings: Settings): Record<string, string> {
  return settings.token === undefined ? {} : { authorization: `Bearer ${settings.token}` };
}
