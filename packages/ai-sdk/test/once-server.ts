import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TurnRunner } from '@once/producer';
import type { ConversationSnapshot, MessageSnapshot } from '@once/protocol';
import { createOnceServer, DEFAULT_ACCOUNT, type OnceServerOptions } from '@once/server';
import { openDirectoryAttachmentStore, openSqliteEventLog } from '@once/sqlite';
import { expect } from 'vitest';

const running: (() => Promise<void>)[] = [];

/** Stops every server {@link startOnceServer} started and deletes its log; for `afterEach`. */
export async function stopOnceServers(): Promise<void> {
  for (const stop of running.splice(0).reverse()) await stop();
}

/** What {@link startOnceServer} adds to its server. */
export interface OnceServerTestOptions {
  /** Keeps attachments in `<directory>/attachments`; a number is the largest upload, in bytes. Default none. */
  readonly attachments?: boolean | { readonly maxBytes: number };
  /** More routes, e.g. `aiSdkRoutes`. Default none. */
  readonly routes?: OnceServerOptions['routes'];
}

/**
 * The real conversation service and HTTP API on a temporary SQLite file, whose turns run
 * `runTurn`, with one conversation to talk in: messages go in over HTTP, answers are read
 * from the service's snapshots.
 */
export async function startOnceServer(runTurn: TurnRunner, options: OnceServerTestOptions = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'once-ai-sdk-'));
  const log = openSqliteEventLog({ path: join(directory, 'once.db') });
  const limits = typeof options.attachments === 'object' ? options.attachments : {};
  const attachments =
    options.attachments === undefined || options.attachments === false
      ? {}
      : {
          attachments: {
            store: await openDirectoryAttachmentStore({ directory: join(directory, 'attachments') }),
            ...limits,
          },
        };
  const server = createOnceServer({
    log,
    logKind: 'sqlite',
    runTurn,
    ...attachments,
    ...(options.routes === undefined ? {} : { routes: options.routes }),
  });
  await server.recover();
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  running.push(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });
  const { id } = await server.service.create(DEFAULT_ACCOUNT);
  const snapshotNow = async (): Promise<ConversationSnapshot> =>
    (await server.service.snapshot(DEFAULT_ACCOUNT, id)).snapshot;
  const waitFor = async (check: (snapshot: ConversationSnapshot) => boolean) => {
    while (!check(await snapshotNow())) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  /**
   * Sends `content` (with the files uploaded as `attachments`, by hash) and returns the
   * assistant message that answers it, once the turn has ended.
   */
  const ask = async (
    content: string,
    clientMessageId?: string,
    attachments?: readonly { readonly hash: string }[],
  ): Promise<MessageSnapshot> => {
    const before = (await snapshotNow()).messages.length;
    const response = await fetch(`${url}/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        content,
        ...(clientMessageId === undefined ? {} : { clientMessageId }),
        ...(attachments === undefined ? {} : { attachments }),
      }),
    });
    expect(response.status).toBe(202);
    let answer: MessageSnapshot | undefined;
    await waitFor((snapshot) => {
      answer = snapshot.messages[before + 1];
      return answer !== undefined && answer.status !== 'streaming' && snapshot.activeTurn === undefined;
    });
    return answer as MessageSnapshot;
  };
  const cancel = async () => {
    const response = await fetch(`${url}/v1/conversations/${id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(200);
  };
  /** The conversation's stored events, as a JSON page gives them. */
  const events = async () => {
    const response = await fetch(`${url}/v1/conversations/${id}/events?limit=1000`);
    return ((await response.json()) as { events: { type: string; data: Record<string, unknown> }[] }).events;
  };
  /** Uploads a file (`POST /v1/attachments`) and returns its hash. */
  const upload = async (bytes: Uint8Array, mediaType: string, name: string): Promise<string> => {
    const response = await fetch(`${url}/v1/attachments?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { attachment: { hash: string } }).attachment.hash;
  };
  return { url, server, directory, conversationId: id, ask, cancel, waitFor, snapshotNow, events, upload };
}
