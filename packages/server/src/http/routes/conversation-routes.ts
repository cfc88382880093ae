import { messageIdSchema, OnceError } from '@once/protocol';
import { z } from 'zod';
import { latestPage, olderPage } from '../../service/snapshot-pages.ts';
import { parseInput } from '../parse-input.ts';
import type { RouteContext } from './route-context.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });
const createBody = z.strictObject({ title: z.string().max(200, 'title must be at most 200 characters').optional() });
const renameBody = z.strictObject({ title: z.string().max(200, 'title must be at most 200 characters') });
const listQuery = z.object({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(200, 'limit must be at most 200')
    .default(50),
  cursor: z.string().max(200).optional(),
});
/** How many messages a history page may hold. */
const pageLimit = z.coerce
  .number({ error: 'limit must be a number' })
  .int('limit must be a whole number')
  .min(1, 'limit must be at least 1')
  .max(1000, 'limit must be at most 1000');
const snapshotQuery = z.object({ limit: pageLimit.optional() });
const olderQuery = z.object({ limit: pageLimit.default(50), before: z.string().optional() });

/** Create, list, read (snapshot, whole or in pages of messages), rename and delete conversations. */
export function registerConversationRoutes({ app, service, accountOf }: RouteContext): void {
  app.post('/v1/conversations', async (request, reply) => {
    const account = accountOf(request);
    const { title } = parseInput(createBody, request.body, 'request body');
    const conversation = await service.create(account, title);
    return reply.status(201).send({ conversation });
  });

  app.get('/v1/conversations', async (request) => {
    const account = accountOf(request);
    const { limit, cursor } = parseInput(listQuery, request.query, 'query');
    const list = await service.accounts.list(account);
    const start = cursor === undefined ? 0 : list.conversations.findIndex((entry) => entry.id === cursor) + 1;
    if (cursor !== undefined && start === 0) {
      throw new OnceError(
        'bad_cursor',
        'That page cursor is no longer in the list (the conversation was deleted); start again without a cursor.',
      );
    }
    const conversations = list.conversations.slice(start, start + limit);
    const last = conversations.at(-1);
    const more = start + limit < list.conversations.length;
    return { conversations, offset: list.offset, ...(more && last ? { nextCursor: last.id } : {}) };
  });

  app.get('/v1/conversations/:id', async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const { limit } = parseInput(snapshotQuery, request.query, 'query');
    const { conversation, snapshot } = await service.snapshot(accountOf(request), id);
    return { conversation, ...(limit === undefined ? snapshot : latestPage(snapshot, limit)) };
  });

  app.get('/v1/conversations/:id/messages', async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const { limit, before } = parseInput(olderQuery, request.query, 'query');
    if (before === undefined || !messageIdSchema.safeParse(before).success) {
      throw new OnceError(
        'bad_cursor',
        'before must be the id of a message (the older.before of a page): ask GET /v1/conversations/:id?limit=N for the latest page first.',
      );
    }
    const { snapshot } = await service.snapshot(accountOf(request), id);
    return olderPage(snapshot, before, limit);
  });

  app.patch('/v1/conversations/:id', async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const { title } = parseInput(renameBody, request.body, 'request body');
    const conversation = await service.accounts.update(accountOf(request), id, { title });
    return { conversation };
  });

  app.delete('/v1/conversations/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'path');
    await service.delete(accountOf(request), id);
    return reply.status(204).send();
  });
}
