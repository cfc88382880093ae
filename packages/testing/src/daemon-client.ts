import type { Conversation, ConversationId, ConversationSnapshot } from '@once/protocol';

/** What `GET /v1/conversations/:id` returns: the snapshot and the conversation's metadata. */
export type SnapshotResponse = ConversationSnapshot & { readonly conversation: Conversation };

/** One request to a daemon: `body` is sent as JSON, `rawBody` as it is. */
export interface DaemonRequest {
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `Authorization: Bearer <token>`; `null` sends none, even when the client has a token. */
  readonly token?: string | null;
}

/** A response, with its JSON body parsed (undefined when there is none). */
export interface DaemonResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  readonly body: any;
}

/**
 * A plain HTTP client of a running daemon, as a test talks to it: `request` returns any
 * status, the other methods throw with the daemon's answer unless it succeeded.
 */
export interface DaemonClient {
  /** The daemon's base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The bearer token every request carries unless it names another; undefined for none. */
  readonly token: string | undefined;
  request(method: string, path: string, request?: DaemonRequest): Promise<DaemonResponse>;
  /** `POST /v1/conversations`; returns the new conversation's id. */
  createConversation(title?: string): Promise<ConversationId>;
  /** `POST /v1/conversations/:id/messages`; the daemon answers it with a turn. */
  sendMessage(
    conversationId: string,
    content: string,
    clientMessageId?: string,
  ): Promise<{ userMessageId: string; turnId: string }>;
  /** `GET /v1/conversations/:id`: the server's snapshot. */
  getSnapshot(conversationId: string): Promise<SnapshotResponse>;
  /** The offset of the conversation's last event: its snapshot's offset. */
  conversationHead(conversationId: string): Promise<number>;
  /** The offset of the account stream's last event: the conversation list's offset. */
  accountHead(): Promise<number>;
  /** The conversation's events URL, with `query` (e.g. `?after=3`) appended. */
  eventsUrl(conversationId: string, query?: string): string;
}

/** A {@link DaemonClient} of the daemon at `url`, authenticating with `token` when one is given. */
export function createDaemonClient(url: string, token?: string): DaemonClient {
  const request = async (method: string, path: string, input: DaemonRequest = {}): Promise<DaemonResponse> => {
    const headers: Record<string, string> = { ...input.headers };
    const bearer = input.token === undefined ? token : input.token;
    if (bearer !== undefined && bearer !== null) headers.authorization = `Bearer ${bearer}`;
    let body = input.rawBody;
    if (input.body !== undefined) {
      body = JSON.stringify(input.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  const succeeded = async (method: string, path: string, body?: unknown) => {
    const response = await request(method, path, body === undefined ? {} : { body });
    if (response.status >= 300) {
      throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  };
  return {
    url,
    token,
    request,
    async createConversation(title) {
      const body = await succeeded('POST', '/v1/conversations', title === undefined ? {} : { title });
      return body.conversation.id;
    },
    sendMessage: (conversationId, content, clientMessageId) =>
      succeeded(
        'POST',
        `/v1/conversations/${conversationId}/messages`,
        clientMessageId === undefined ? { content } : { content, clientMessageId },
      ),
    getSnapshot: (conversationId) => succeeded('GET', `/v1/conversations/${conversationId}`),
    conversationHead: async (conversationId) => (await succeeded('GET', `/v1/conversations/${conversationId}`)).offset,
    accountHead: async () => (await succeeded('GET', '/v1/conversations')).offset,
    eventsUrl: (conversationId, query = '') => `${url}/v1/conversations/${conversationId}/events${query}`,
  };
}
