import { afterEach, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';

let api: ApiFixture | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('deleting a conversation while its turn streams', () => {
  it('cancels the running turn, drops the queued one, and answers 404 afterwards', async () => {
    api = await startApi();
    api.runner.hold = true;
    const id = await api.createConversation();
    await api.request('POST', `/v1/conversations/${id}/messages`, {
      body: { content: 'first', clientMessageId: 'd-1' },
    });
    await api.request('POST', `/v1/conversations/${id}/messages`, {
      body: { content: 'queued', clientMessageId: 'd-2' },
    });
    while (api.runner.started.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    expect((await api.request('DELETE', `/v1/conversations/${id}`)).status).toBe(204);
    expect((await api.request('GET', `/v1/conversations/${id}`)).status).toBe(404);

    // The held turn ends because it was cancelled, and the queued turn never starts.
    const events = await api.log.read({ stream: 'conversation', conversationId: id }, 0 as never, 1000);
    const settle = async () => {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const all = await api?.log.read({ stream: 'conversation', conversationId: id }, 0 as never, 1000);
        if (all?.some((event) => event.type === 'turn_end')) return all;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return events;
    };
    const final = await settle();
    expect(
      final.filter((event) => event.type === 'turn_end').map((event) => (event.data as { reason: string }).reason),
    ).toEqual(['cancelled']);
    expect(api.runner.started).toHaveLength(1);
  });
});
