import { createConversationState, reduceAll, snapshot } from '@once/core';
import { type ConversationId, OnceError, parseIncomingEvent } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { exportConversation } from '../src/export-conversation.ts';
import { createConversation, DEMO_FLAGS, sendDirect, waitUntilQuiet } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

describe('exportConversation', () => {
  it('reads each format from a real daemon; its events fold into the snapshot the daemon serves', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    await sendDirect(daemon.url, conversationId, 'Use a tool, please');
    await sendDirect(daemon.url, conversationId, 'And once more');
    const served = await waitUntilQuiet(daemon.url, conversationId);

    const events = await exportConversation({ baseUrl: `${daemon.url}/` }, conversationId, 'events');
    expect(events.contentType).toBe('application/x-ndjson; charset=utf-8');
    expect(events.fileName).toMatch(/^use-a-tool-please-\d{4}-\d{2}-\d{2}\.ndjson$/);
    const lines = (await events.text()).trimEnd().split('\n');
    const folded = reduceAll(
      createConversationState(conversationId as ConversationId),
      lines.map((line) => parseIncomingEvent(JSON.parse(line))),
    );
    expect(snapshot(folded)).toEqual(served);

    const json = await exportConversation({ baseUrl: daemon.url }, conversationId, 'json');
    expect(JSON.parse(await json.text())).toMatchObject(served);

    const markdown = await exportConversation({ baseUrl: daemon.url }, conversationId);
    expect(markdown.format).toBe('markdown');
    expect(markdown.fileName).toMatch(/\.md$/);
    const text = await markdown.text();
    expect(text.startsWith('# Use a tool, please\n')).toBe(true);
    expect(text).toContain('**Tool call: `');
  }, 60_000);

  it('throws what the daemon refused with, or unavailable when nothing answers', async () => {
    await using daemon = await startDaemon();
    const missing = exportConversation({ baseUrl: daemon.url }, '019a5b1e-2f00-7c3a-9b1d-4e5f60718293');
    await expect(missing).rejects.toMatchObject({ code: 'conversation_not_found' });
    await expect(missing).rejects.toBeInstanceOf(OnceError);

    const { url } = daemon;
    await daemon.kill('SIGTERM');
    await expect(exportConversation({ baseUrl: url }, 'any')).rejects.toMatchObject({
      code: 'unavailable',
      message: `Could not reach the daemon at ${url}.`,
    });
  }, 60_000);
});
