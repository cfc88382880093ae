// Requests a careless or hostile client could send to every endpoint the daemon has: odd
// methods, mangled paths and ids, cursors of every shape, headers that lie about the body,
// bodies that are not JSON, JSON of the wrong shape, and bodies near and over the limit.
import fc from 'fast-check';

/** One request, as the fuzz test sends it. `{id}` in the path is replaced by a known conversation's id. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Every route the daemon serves, `{id}` and `{toolUseId}` standing for path segments. */
const ROUTES = [
  '/v1/conversations',
  '/v1/conversations/{id}',
  '/v1/conversations/{id}/messages',
  '/v1/conversations/{id}/cancel',
  '/v1/conversations/{id}/approvals/{toolUseId}',
  '/v1/conversations/{id}/events',
  '/v1/account/events',
  '/v1/health',
  '/metrics',
  '/v1/ai-sdk/chat',
  '/v1/ai-sdk/chat/{id}/stream',
  '/',
] as const;

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'] as const;

/** A path segment: a known conversation's id most often, else anything that could break a router. */
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constant('{known}') },
  fc.uuid(),
  fc.constantFrom('..', '%2e%2e', '%00', '%', 'null', '-1', ' ', '%F0%9F%98%80', 'a'.repeat(300)),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);

/** A cursor value: valid offsets, and everything else `after` and `Last-Event-ID` could be. */
const cursor = fc.oneof(
  fc.nat({ max: 50 }).map(String),
  fc.constantFrom('-1', '1.5', '1e3', '0x10', '', ' 1', '9007199254740993', '99999999999999999999', 'abc', '١٢'),
  fc.string({ maxLength: 12 }),
);

/** A cursor a header can carry: header values are visible ASCII on the wire. */
const headerCursor = cursor.filter((value) => /^[\x21-\x7e]*$/.test(value));

const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  fc
    .record(
      {
        after: cursor,
        limit: fc.oneof(fc.nat({ max: 2000 }).map(String), fc.constantFrom('-5', '0', 'all', '1.5')),
        before: cursor,
      },
      { requiredKeys: [] },
    )
    .map((params) => `?${new URLSearchParams(params as Record<string, string>)}`),
);

const path = fc
  .tuple(fc.constantFrom(...ROUTES), segment, segment, query)
  .map(([route, id, toolUseId, search]) => route.replace('{id}', id).replace('{toolUseId}', toolUseId) + search);

/** A user message in the AI SDK's shape, sometimes wrong in one way. */
const uiMessage = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
    role: fc.constantFrom('user', 'assistant', 'system', 'tool', 7),
    parts: fc.oneof(
      fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('text'), text: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('   ')) }),
          fc.record({ type: fc.constant('file'), url: fc.webUrl(), mediaType: fc.constant('image/png') }),
          fc.jsonValue(),
        ),
        { maxLength: 3 },
      ),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);

/** JSON bodies close to what an endpoint takes, each a little off (or, sometimes, right). */
const nearlyValidJson = fc.oneof(
  fc.record(
    {
      content: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('', '  \n\t ', null),
        fc.integer(),
        fc.jsonValue(),
      ),
      clientMessageId: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null)),
    },
    { requiredKeys: [] },
  ),
  fc.record({ title: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)) }, { requiredKeys: [] }),
  fc.record(
    { decision: fc.oneof(fc.constantFrom('allow', 'deny', 'ALLOW', ''), fc.jsonValue()) },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      id: fc.oneof(fc.constant('{known}'), fc.string({ maxLength: 120 }), fc.integer()),
      messages: fc.oneof(fc.array(uiMessage, { maxLength: 3 }), fc.jsonValue()),
      trigger: fc.constantFrom('submit-message', 'regenerate-message', 'other', 3),
      messageId: fc.string({ maxLength: 20 }),
    },
    { requiredKeys: [] },
  ),
);

const body = fc.oneof(
  { weight: 4, arbitrary: nearlyValidJson.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"content":', '[]', 'null', '""', '\u0000', '{"content":"x"}{"content":"y"}'),
  // Over any body limit the daemon sets (1 MiB by default) and just under it.
  fc.constantFrom(1_100_000, 200_000).map((length) => JSON.stringify({ content: 'x'.repeat(length) })),
);

const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      '',
    ),
    accept: fc.constantFrom('text/event-stream', 'application/json', '*/*', 'text/html'),
    'last-event-id': headerCursor,
    authorization: fc.constantFrom('Bearer ', 'Bearer nonsense', 'Basic Zm9vOmJhcg=='),
    origin: fc.constantFrom('http://evil.example', 'null'),
  },
  { requiredKeys: [] },
);

/** Any request, on any route. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({ method: fc.constantFrom(...METHODS), path, headers, body: fc.option(body, { nil: undefined }) })
  .map(({ method, path, headers, body }) =>
    method === 'GET' || method === 'HEAD' || body === undefined
      ? { method, path, headers }
      : { method, path, headers, body },
  );
