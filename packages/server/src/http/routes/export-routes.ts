import { Readable } from 'node:stream';
import { conversationMarkdown, currentPath } from '@once/core';
import { type Conversation, type ExportFormat, exportFormatSchema } from '@once/protocol';
import type { FastifyReply } from 'fastify';
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
    if (format === 'events') {
      const conversation = await service.accounts.get(account, id);
      const stream = { stream: 'conversation', conversationId: conversation.id } as const;
      // Read before the head goes out, so a store that cannot answer gets its error status.
      const head = await feed.head(stream);
      const lines = exportEventLines(feed, stream, head);
      return download(reply, conversation, format).send(Readable.from(lines, { objectMode: false }));
    }
    const { conversation, snapshot } = await service.snapshot(account, id);
    if (format === 'json') {
      return download(reply, conversation, format).send(JSON.stringify({ conversation, ...snapshot }));
    }
    // A transcript reads as the conversation is shown: the current branch only.
    const markdown = conversationMarkdown({ title: conversation.title, messages: currentPath(snapshot) });
    return download(reply, conversation, format).send(markdown);
  });
}

/** The headers of an export, set once the conversation was found: a refusal keeps the error's own. */
function download(reply: FastifyReply, conversation: Conversation, format: ExportFormat): FastifyReply {
  return (
    reply
      .type(CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${exportFileName(conversation, format)}"`)
      // An export is the conversation at one moment; a cached copy would hide what came since.
      .header('cache-control', 'no-store')
  );
}
