import type { IncomingEvent } from '@once/protocol';
import type { DaemonClient, DaemonProcess } from '@once/testing';
import { expect } from 'vitest';

/** Every event of the conversation the daemon serves as history (JSON pages from offset 0). */
export async function historyOf(client: DaemonClient, conversationId: string): Promise<IncomingEvent[]> {
  const events: IncomingEvent[] = [];
  for (;;) {
    const page = await client.request('GET', `/v1/conversations/${conversationId}/events?after=${events.length}`);
    expect(page.status).toBe(200);
    events.push(...(page.body.events as IncomingEvent[]));
    if (page.body.upToDate === true) return events;
  }
}

/**
 * Sends a message where the storage refuses writes, and checks the refusal a user
 * sees: `507` with `code`, and a sentence naming the data directory and the problem.
 */
export async function expectSendRefused(
  client: DaemonClient,
  conversationId: string,
  code: 'storage_full' | 'storage_read_only',
  dataDir: string,
): Promise<void> {
  const refused = await client.request('POST', `/v1/conversations/${conversationId}/messages`, {
    body: { content: 'Will this be stored?' },
  });
  expect(refused.status).toBe(507);
  expect(refused.body.error.code).toBe(code);
  expect(refused.body.error.message).toContain(dataDir);
  expect(refused.body.error.message).toMatch(code === 'storage_full' ? /is full/ : /read-only/);
}

/** Waits until a daemon log line contains `text`; the test's timeout bounds the wait. */
export async function waitForLog(daemon: DaemonProcess, text: string): Promise<void> {
  while (!daemon.logs().includes(text)) await new Promise((resolve) => setTimeout(resolve, 50));
}
