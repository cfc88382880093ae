import { DEFAULT_ACCOUNT } from '@once/server';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';
import { FAKE_ANSWER } from './support/fake-turn-runner.ts';

let api: ApiFixture | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function exported(fixture: ApiFixture, path: string, token?: string) {
  const response = await fetch(`${fixture.url}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A conversation titled `title` with one answered message per entry of `contents`. */
async function conversationWith(fixture: ApiFixture, title: string, contents: readonly string[]) {
  const created = await fixture.request('POST', '/v1/conversations', { body: { title } });
  const id: string = created.body.conversation.id;
  for (const content of contents) {
    await fixture.request('POST', `/v1/conversations/${id}/messages`, { body: { content } });
    await fixture.settled(id);
  }
  // Sending renames an untitled conversation only; a title stays.
  return { id, createdAt: String(created.body.conversation.createdAt).slice(0, 10) };
}

/** Every stored event of the conversation, as the log holds its JSON text. */
async function storedLines(fixture: ApiFixture, conversationId: string): Promise<string[]> {
  const lines: string[] = [];
  let after = 0;
  for (;;) {
    const entries = await fixture.log.readEntries({ stream: 'conversation', conversationId }, after as never, 500);
    if (entries.length === 0) return lines;
    lines.push(...entries.map((entry) => entry.json));
    after = entries.at(-1)?.offset ?? after;
  }
}

describe('GET /v1/conversations/:id/export', () => {
  it('events: every stored event in offset order as NDJSON, each line as the log holds it, to download', async () => {
    api = await startApi();
    const { id, createdAt } = await conversationWith(api, 'Trip to Lisbon', ['Where to eat?', 'And to sleep?']);

    const response = await exported(api, `/v1/conversations/${id}/export?format=events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="trip-to-lisbon-${createdAt}.ndjson"`,
    );
    const lines = response.text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(await storedLines(api, id));
    expect(lines.map((line) => JSON.parse(line).offset)).toEqual(lines.map((_line, index) => index + 1));
    expect(lines.length).toBe(await api.conversationHead(id));
  });

  it('events: a conversation longer than one page of the log comes whole', async () => {
    api = await startApi();
    const { id } = await conversationWith(api, 'long', []);
    const writer = api.assistantWriter(id);
    const block = writer.openBlock({ blockType: 'text' });
    for (let index = 0; index < 2500; index += 1) writer.appendDelta(block, { text: `${index} ` });
    await writer.complete('complete');
    const head = await api.conversationHead(id);
    expect(head).toBeGreaterThan(2500);

    const response = await exported(api, `/v1/conversations/${id}/export?format=events`);
    const lines = response.text.trimEnd().split('\n');
    expect(lines).toHaveLength(head);
    expect(lines).toEqual(await storedLines(api, id));
  });

  it('events: after compaction, the events that remain, with their offsets and previousOffset', async () => {
    api = await startApi();
    const { id } = await conversationWith(api, 'compacted', ['one', 'two']);
    const pass = await api.service.compact([DEFAULT_ACCOUNT], Date.now() + 60_000);
    expect(pass.removed).toBeGreaterThan(0);

    const response = await exported(api, `/v1/conversations/${id}/export?format=events`);
    const lines = response.text.trimEnd().split('\n');
    expect(lines).toEqual(await storedLines(api, id));
    expect(lines.length).toBe((await api.conversationHead(id)) - pass.removed);
    expect(lines.some((line) => JSON.parse(line).previousOffset !== undefined)).toBe(true);
  });

  it('json: the whole snapshot with the conversation, as GET /v1/conversations/:id gives it', async () => {
    api = await startApi();
    const { id, createdAt } = await conversationWith(api, 'Café: notes & plans', ['hello']);

    const response = await exported(api, `/v1/conversations/${id}/export?format=json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="cafe-notes-plans-${createdAt}.json"`,
    );
    const snapshot = await api.request('GET', `/v1/conversations/${id}`);
    expect(JSON.parse(response.text)).toEqual(snapshot.body);
    expect(JSON.parse(response.text).messages).toHaveLength(2);
  });

  it('markdown (the default): the title, each message by role, the answer text', async () => {
    api = await startApi();
    const { id, createdAt } = await conversationWith(api, '', ['What is `x`?']);

    for (const path of [`/v1/conversations/${id}/export`, `/v1/conversations/${id}/export?format=markdown`]) {
      const response = await exported(api, path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      // The first message titled the conversation.
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="what-is-x-${createdAt}.md"`);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.text).toMatch(
        /^# What is \\`x\\`\?\n\n## User · .+ UTC\n\nWhat is `x`\?\n\n## Assistant · .+ UTC\n\n/,
      );
      expect(response.text).toContain(FAKE_ANSWER.join(''));
    }
  });

  it('an unknown conversation is 404 and an unknown format 400 naming the formats; nothing is written', async () => {
    api = await startApi();
    const { id } = await conversationWith(api, 'kept', ['hi']);
    const heads = [await api.accountHead(), await api.conversationHead(id)];

    const missing = await exported(api, '/v1/conversations/019a5b1e-2f00-7c3a-9b1d-4e5f60718293/export');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(missing.headers.get('content-disposition')).toBeNull();
    expect(JSON.parse(missing.text).error.code).toBe('conversation_not_found');

    const pdf = await exported(api, `/v1/conversations/${id}/export?format=pdf`);
    expect(pdf.status).toBe(400);
    expect(pdf.headers.get('content-disposition')).toBeNull();
    expect(JSON.parse(pdf.text).error).toEqual({
      code: 'invalid_request',
      message: 'Invalid query: format: format must be one of markdown, json, events.',
    });
    expect([await api.accountHead(), await api.conversationHead(id)]).toEqual(heads);
  });

  it("asks for a token like every route, and never exports another account's conversation", async () => {
    api = await startApi({
      authTokens: new Map([
        ['alice-token', 'alice'],
        ['bob-token', 'bob'],
      ]),
    });
    const id = await api.createConversation('alice-token');

    const anonymous = await exported(api, `/v1/conversations/${id}/export?format=events`);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text).error.code).toBe('unauthorized');
    for (const format of ['events', 'json', 'markdown']) {
      const other = await exported(api, `/v1/conversations/${id}/export?format=${format}`, 'bob-token');
      expect(other.status).toBe(404);
      expect(JSON.parse(other.text).error.code).toBe('conversation_not_found');
    }
    const own = await exported(api, `/v1/conversations/${id}/export?format=json`, 'alice-token');
    expect(own.status).toBe(200);
  });
});
