// Waits until a tab shows exactly what the daemon holds, once the turn is over.

import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { DaemonClient, SnapshotResponse } from '@once/testing';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { chatStatus } from './chat-page.ts';
import { expectedMessages, readShownMessages, type ShownMessage } from './shown-messages.ts';

/** Tens of seconds: a busy 2-core CI machine runs a browser, a daemon and Vite's output at once. */
const SETTLE_TIMEOUT_MS = 60_000;
const POLL_MS = 250;

interface Observation {
  readonly snapshot: SnapshotResponse | undefined;
  readonly shown: ShownMessage[];
  readonly expected: ShownMessage[];
  readonly status: string | null;
  readonly turnOver: boolean;
}

/**
 * Polls until the conversation has no running turn and no streaming message, the page's
 * chat is `ready`, and every message the page shows, with every part, equals the daemon's
 * snapshot mapped by `toUIMessages`. Fails with the difference when that never happens.
 * @returns the snapshot the page matched.
 */
export async function waitUntilPageMatches(
  page: Page,
  daemon: DaemonClient,
  conversationId: string,
): Promise<SnapshotResponse> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let last: Observation | undefined;
  while (Date.now() < deadline) {
    last = await observe(page, daemon, conversationId);
    if (
      last.snapshot !== undefined &&
      last.turnOver &&
      last.status === 'ready' &&
      isDeepStrictEqual(last.shown, last.expected)
    ) {
      return last.snapshot;
    }
    await sleep(POLL_MS);
  }
  expect(last?.shown, 'the page never showed what the daemon holds').toEqual(last?.expected);
  expect({ status: last?.status, turnOver: last?.turnOver }).toEqual({ status: 'ready', turnOver: true });
  throw new Error('unreachable: the page matched after the deadline');
}

async function observe(page: Page, daemon: DaemonClient, conversationId: string): Promise<Observation> {
  // The daemon may be restarting: an unanswered request is one more poll.
  const snapshot = await daemon.getSnapshot(conversationId).catch(() => undefined);
  const shown = await readShownMessages(page);
  const status = await chatStatus(page);
  const messages = snapshot?.messages ?? [];
  return {
    snapshot,
    shown,
    status,
    expected: expectedMessages(messages),
    turnOver:
      snapshot !== undefined &&
      snapshot.activeTurn === undefined &&
      messages.every((message) => message.status !== 'streaming'),
  };
}
