import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageWriter, type MessageWriter } from '@once/producer';
import { type ConversationId, type ConversationSnapshot, newId, type TurnId } from '@once/protocol';
import { openDirectoryAttachmentStore, openSqliteEventLog, type SqliteEventLog } from '@once/sqlite';
import type { FastifyInstance } from 'fastify';
import { vi } from 'vitest';
import type { HttpServerOptions } from '../../src/http/create-http-server.ts';
import {
  type AttachmentOptions,
  type ConversationService,
  createOnceServer,
  DEFAULT_ACCOUNT,
  type OnceServer,
} from '../../src/index.ts';
import { createFakeTurnRunner, type FakeTurnRunner } from './fake-turn-runner.ts';

/** What a test sends; `body` is JSON-encoded, `rawBody` goes as it is. */
export interface ApiRequest {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
}

/** A response with its JSON body parsed (undefined when there is none). */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  readonly body: any;
}

/** A daemon's HTTP API on a real socket over a real SQLite file, with a fake model. */
export interface ApiFixture extends AsyncDisposable {
  readonly url: string;
  /** The temporary data directory: `once.db`, and `attachments/` when the fixture keeps attachments. */
  readonly directory: string;
  /** The daemon's parts, for what a test runs by hand (a retention pass, an attachment sweep). */
  readonly server: OnceServer;
  /** The Fastify instance, to close it the way a test of closing needs. */
  readonly app: FastifyInstance;
  readonly log: SqliteEventLog;
  readonly service: ConversationService;
  readonly runner: FakeTurnRunner;
  request(method: string, path: string, request?: ApiRequest): Promise<ApiResponse>;
  /** Creates a conversation through the API and returns its id. */
  createConversation(token?: string): Promise<string>;
  /** Writes a new assistant message of the conversation straight to the log, outside any turn. */
  assistantWriter(conversationId: string): MessageWriter;
  /** The last committed offset of an account's stream. */
  accountHead(account?: string): Promise<number>;
  /** The last committed offset of a conversation's stream. */
  conversationHead(conversationId: string): Promise<number>;
  /** Event streams opened so far, by transport (the `once_sse_streams_opened_total` metric). */
  streamsOpened(): Promise<{ socket: number; http: number }>;
  /** Events written to event streams so far (the `once_sse_events_sent_total` metric). */
  eventsSent(): Promise<number>;
  /** Ends every open event stream, as a stopping daemon does; clients resume. */
  endStreams(): void;
  /** Waits until no turn runs and every user message has its answer. */
  settled(conversationId: string, account?: string): Promise<ConversationSnapshot>;
  close(): Promise<void>;
}

/** Options of {@link startApi}: anything {@link createHttpServer} takes besides its parts. */
export type ApiOptions = Partial<
  Pick<HttpServerOptions, 'authTokens' | 'maxBodyBytes' | 'heartbeatMs' | 'corsOrigins'>
> & {
  /** Keep attachments in `<directory>/attachments`, with these limits (the defaults when empty). */
  readonly attachments?: Omit<AttachmentOptions, 'store'>;
};

export async function startApi(options: ApiOptions = {}): Promise<ApiFixture> {
  const directory = await mkdtemp(join(tmpdir(), 'once-http-'));
  const log = openSqliteEventLog({ path: join(directory, 'once.db') });
  const runner = createFakeTurnRunner();
  const { attachments, ...serverOptions } = options;
  const server = createOnceServer({
    log,
    logKind: 'sqlite',
    runTurn: runner.run,
    ...serverOptions,
    ...(attachments === undefined
      ? {}
      : {
          attachments: {
            ...attachments,
            store: await openDirectoryAttachmentStore({ directory: join(directory, 'attachments') }),
          },
        }),
  });
  const { service } = server;
  await server.recover();
  const url = await server.listen({ port: 0, host: '127.0.0.1' });

  const request = async (method: string, path: string, input: ApiRequest = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...input.headers };
    if (input.token !== undefined) headers.authorization = `Bearer ${input.token}`;
    let body: string | undefined = input.rawBody;
    if (input.body !== undefined) {
      body = JSON.stringify(input.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    })();
    return closing;
  };

  return {
    url,
    directory,
    server,
    app: server.app,
    log,
    service,
    runner,
    request,
    async createConversation(token) {
      const response = await request('POST', '/v1/conversations', { body: {}, ...(token ? { token } : {}) });
      if (response.status !== 201) throw new Error(`create failed: ${JSON.stringify(response.body)}`);
      return response.body.conversation.id;
    },
    assistantWriter: (conversationId) =>
      createMessageWriter(
        { conversationId: conversationId as ConversationId, role: 'assistant', turnId: newId() as TurnId },
        { append: (drafts) => log.append({ stream: 'conversation', conversationId }, drafts) },
      ),
    accountHead: (account = DEFAULT_ACCOUNT) => log.head({ stream: 'account', accountId: account }),
    conversationHead: (conversationId) => log.head({ stream: 'conversation', conversationId }),
    async streamsOpened() {
      const { values } = await server.metrics.streamsOpened.get();
      const count = (transport: string) => values.find((value) => value.labels.transport === transport)?.value ?? 0;
      return { socket: count('socket'), http: count('http') };
    },
    eventsSent: async () => (await server.metrics.eventsSent.get()).values[0]?.value ?? 0,
    endStreams: () => server.connections.endAll(),
    settled: (conversationId, account = DEFAULT_ACCOUNT) =>
      vi.waitFor(
        async () => {
          const { snapshot } = await service.snapshot(account, conversationId);
          const users = snapshot.messages.filter((message) => message.role === 'user').length;
          const answers = snapshot.messages.filter(
            (message) => message.role === 'assistant' && message.status !== 'streaming',
          ).length;
          if (snapshot.activeTurn !== undefined || answers < users) throw new Error('a turn is still running');
          return snapshot;
        },
        { timeout: 5000, interval: 5 },
      ),
    close,
    [Symbol.asyncDispose]: close,
  };
}
