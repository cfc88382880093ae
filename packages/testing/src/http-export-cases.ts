import { describe, expect, it } from 'vitest';
import type { SuiteDaemon } from './http-protocol-fixture.ts';
import { readConversation } from './read-conversation.ts';

/** A conversation id no conversation has (a valid UUIDv7). */
const UNKNOWN_CONVERSATION = '019a5b1e-2f00-7c3a-9b1d-4e5f60718293';

/** `GET /v1/conversations/:id/export`: each format, as a client downloads it. */
export function describeExportCases(daemon: () => SuiteDaemon): void {
  describe('export', () => {
    it('gives the events the log holds as NDJSON, the snapshot as JSON and a Markdown transcript', async () => {
      const client = daemon().client();
      const id = await client.createConversation('Exported');
      await client.sendMessage(id, 'Export me');
      const { events, snapshot } = await readConversation(client, id);
      const download = async (format: string) => {
        const response = await fetch(`${client.url}/v1/conversations/${id}/export?format=${format}`, {
          headers: client.token === undefined ? {} : { authorization: `Bearer ${client.token}` },
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-disposition')).toMatch(
          /^attachment; filename="exported-\d{4}-\d{2}-\d{2}\./,
        );
        return response.text();
      };

      const lines = (await download('events')).trimEnd().split('\n');
      expect(lines.map((line) => JSON.parse(line))).toEqual(events);
      expect(JSON.parse(await download('json'))).toEqual(snapshot);
      const markdown = await download('markdown');
      expect(markdown.startsWith('# Exported\n\n## User · ')).toBe(true);
      expect(markdown).toContain('Export me');
    });

    it('refuses an unknown format with 400 and an unknown conversation with 404, writing nothing', async () => {
      const client = daemon().client();
      const id = await client.createConversation();
      const heads = [await client.accountHead(), await client.conversationHead(id)];
      const format = await client.request('GET', `/v1/conversations/${id}/export?format=html`);
      expect(format.status).toBe(400);
      expect(format.body.error.code).toBe('invalid_request');
      expect(format.body.error.message).toContain('markdown, json, events');
      const missing = await client.request('GET', `/v1/conversations/${UNKNOWN_CONVERSATION}/export`);
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('conversation_not_found');
      expect([await client.accountHead(), await client.conversationHead(id)]).toEqual(heads);
    });
  });
}
