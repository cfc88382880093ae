import { Readable } from 'node:stream';
import { conversationMarkdown } from '@once/core';
import { type ExportFormat, exportFormatSchema } from '@once/protocol';
import { z } from 'zod';
import { exportEventLines } from '../../export/export-event-lines.ts';
import { exportFileName } from '../../export/export-file-name.ts';
import { parseInput } from '../parse-input.ts';
import type { RouteContext } from './route-context.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });
const exportQuery = z.object({ format: exportFormatSchema.default('markdown') });

const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  markdown: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  events: 'application/x-ndjson; charset=utf-8',
};

/**
 * `GET /v1/conversations/:id/export?format=markdown|json|events`: the conversation as a
 * file to download (docs/decisions/024-export.md). Its checks run before anything is
 * sent, so a refused request gets a plain error body.
 */
export function registerExportRoutes({ app, service, feed, accountOf }: RouteContext): void {
  app.get('/v1/conversations/:id/export', async (request, reply) => {
    const account = accountOf(request);
    const { id } = parseInput(idParams, request.params, 'path');
    const { format } = parseInput(exportQuery, request.query, 'query');
    void reply
      .type(CONTENT_TYPES[format])
      // An export is the conversation at one moment; a cached copy would hide what came since.
      .header('cache-control', 'no-store');
    if (format === 'events') {
      const conversation = await service.accounts.get(account, id);
      const lines = exportEventLines(feed, { stream: 'conversation', conversationId: conversation.id });
      void reply.header('content-disposition', attachment(exportFileName(conversation, format)));
      return reply.send(Readable.from(lines, { objectMode: false }));
    }
    const { conversation, snapshot } = await service.snapshot(account, id);
    void reply.header('content-disposition', attachment(exportFileName(conversation, format)));
    if (format === 'json') return reply.send(JSON.stringify({ conversation, ...snapshot }));
    return reply.send(conversationMarkdown({ title: conversation.title, messages: snapshot.messages }));
  });
}

function attachment(fileName: string): string {
  return `attachment; filename="${fileName}"`;
}
