import { useEffect, useRef, useState } from 'react';

/** What {@link useReconnect} reports for the page to show. */
export interface Reconnecting {
  /** Attempts made since the trouble began; 0 when there is none. */
  readonly attempt: number;
  /** Tries again now instead of waiting for the next attempt. */
  readonly now: () => void;
}

/** The first wait after a drop, doubled after each attempt up to {@link LONGEST_WAIT_MS}. */
const FIRST_WAIT_MS = 250;
const LONGEST_WAIT_MS = 5_000;

/**
 * Calls `reconnect` while `trouble` is set, waiting longer before each attempt. The AI SDK
 * resumes on its own only when a hidden tab becomes visible again; a drop in a visible
 * tab, or a daemon restart, would otherwise leave the chat in `error` for good.
 *
 * `reconnect` rejects when it could not even start (the daemon is still down): then the
 * next attempt follows. When it started but failed later, the caller reports that as new
 * `trouble`, which starts the next attempt too.
 */
export function useReconnect(trouble: unknown, reconnect: () => Promise<void>): Reconnecting {
  const [attempt, setAttempt] = useState(0);
  const attempts = useRef(0);
  const latest = useRef(reconnect);
  latest.current = reconnect;

  useEffect(() => {
    if (trouble === undefined) {
      attempts.current = 0;
      setAttempt(0);
      return;
    }
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const scheduleAttempt = () => {
      const wait = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** attempts.current);
      timer = setTimeout(() => {
        attempts.current += 1;
        setAttempt(attempts.current);
        latest.current().catch(() => {
          if (!cancelled) scheduleAttempt();
        });
      }, wait);
    };
    scheduleAttempt();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [trouble]);

  return {
    attempt,
    now: () => {
      latest.current().catch(() => {});
    },
  };
}
