import type { ConnectionState } from '@once/client';

/**
 * What `once chat` tells the person about its connection, one note per change that
 * matters: `(reconnecting…)` once when a live connection is lost, however many attempts
 * coming back takes, and `(live)` once it is back. A connection that was never live yet
 * says `(connecting…)` once, after its first failed attempt.
 * @returns a function fed every connection state; it returns the note to print, if any.
 */
export function createConnectionNotes(): (state: ConnectionState) => string | undefined {
  let everLive = false;
  let noted: 'connecting' | 'reconnecting' | undefined;
  return ({ status, failures }) => {
    if (status === 'live') {
      const back = noted === 'reconnecting';
      everLive = true;
      noted = undefined;
      return back ? '(live)' : undefined;
    }
    if (noted !== undefined) return undefined;
    if (everLive && (status === 'reconnecting' || status === 'offline')) {
      noted = 'reconnecting';
      return '(reconnecting…)';
    }
    if (!everLive && failures > 0 && (status === 'connecting' || status === 'offline')) {
      noted = 'connecting';
      return '(connecting…)';
    }
    return undefined;
  };
}
