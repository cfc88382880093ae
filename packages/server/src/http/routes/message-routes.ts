import {
  approvalDecisionSchema,
  attachmentHashSchema,
  attachmentNameSchema,
  type ClientMessageId,
  clientMessageIdSchema,
  MAX_MESSAGE_ATTACHMENTS,
  OnceError,
} from '@once/protocol';
import { z } from 'zod';
import { resolveAttachments } from '../../attachments/resolve-attachments.ts';
import { parseInput } from '../parse-input.ts';
import type { RouteContext } from './route-context.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });
const approvalParams = z.object({ id: z.string().min(1).max(100), toolUseId: z.string().min(1).max(200) });
const sendBody = z.strictObject({
  content: z
    .string({ error: (issue) => (issue.input === undefined ? 'content is required' : 'content must be a string') })
    .max(100_000, 'content must be at most 100,000 characters')
    // Empty content is allowed only with attachments (checked below): a message of only
    // whitespace and no file would start a turn the model has nothing to answer in.
    .optional(),
  clientMessageId: clientMessageIdSchema.optional(),
  /** The user message this one edits (decision 022). */
  replaces: z.string('replaces must be a message id').min(1).max(100).optional(),
  attachments: z
    .array(z.strictObject({ hash: attachmentHashSchema, name: attachmentNameSchema.optional() }))
    .max(MAX_MESSAGE_ATTACHMENTS, `a message has at most ${MAX_MESSAGE_ATTACHMENTS} attachments`)
    .optional(),
});
const messageParams = z.object({ id: z.string().min(1).max(100), messageId: z.string().min(1).max(100) });
const regenerateBody = z.strictObject({ clientMessageId: clientMessageIdSchema.optional() });
const branchBody = z.strictObject({
  messageId: z.string({ error: 'messageId is required: the id of a message on the branch to show' }).min(1).max(100),
});
const decisionBody = z.strictObject({ decision: approvalDecisionSchema });

/** Send or edit a message, regenerate an answer, switch branches, cancel the running turn, decide on a tool approval. */
export function registerMessageRoutes(context: RouteContext): void {
  const { app, service, accountOf } = context;
  app.post('/v1/conversations/:id/messages', async (request, reply) => {
    const account = accountOf(request);
    const { id } = parseInput(idParams, request.params, 'path');
    const { content, clientMessageId, replaces, attachments = [] } = parseInput(sendBody, request.body, 'request body');
    if (attachments.length === 0 && (content ?? '').trim() === '') {
      throw new OnceError(
        'invalid_request',
        `Invalid request body: content: ${content === undefined ? 'content is required' : 'content must not be empty or only whitespace'}.`,
      );
    }
    // The conversation must be the account's before its files are noted as referenced by it.
    if (attachments.length > 0) await service.accounts.get(account, id);
    const resolved = await resolveAttachments(context.attachments?.store, account, id, attachments);
    const result = await service.send(account, id, {
      content: content ?? '',
      ...(clientMessageId === undefined ? {} : { clientMessageId: clientMessageId as ClientMessageId }),
      ...(replaces === undefined ? {} : { replaces }),
      ...(resolved.length === 0 ? {} : { attachments: resolved }),
    });
    return reply.status(202).send({ userMessageId: result.userMessageId, turnId: result.turnId });
  });

  app.post('/v1/conversations/:id/messages/:messageId/regenerate', async (request, reply) => {
    const account = accountOf(request);
    const { id, messageId } = parseInput(messageParams, request.params, 'path');
    const { clientMessageId } = parseInput(regenerateBody, request.body, 'request body');
    const result = await service.regenerate(
      account,
      id,
      messageId,
      clientMessageId === undefined ? {} : { clientMessageId: clientMessageId as ClientMessageId },
    );
    return reply.status(202).send({ turnId: result.turnId, userMessageId: result.userMessageId, replaces: messageId });
  });

  app.post('/v1/conversations/:id/branch', async (request) => {
    const account = accountOf(request);
    const { id } = parseInput(idParams, request.params, 'path');
    const { messageId } = parseInput(branchBody, request.body, 'request body');
    const { leafId } = await service.selectBranch(account, id, messageId);
    return { messageId, leafId };
  });

  app.post('/v1/conversations/:id/cancel', async (request) => {
    const account = accountOf(request);
    const { id } = parseInput(idParams, request.params, 'path');
    return service.cancel(account, id);
  });

  app.post('/v1/conversations/:id/approvals/:toolUseId', async (request) => {
    const account = accountOf(request);
    const { id, toolUseId } = parseInput(approvalParams, request.params, 'path');
    const { decision } = parseInput(decisionBody, request.body, 'request body');
    await service.decide(account, id, toolUseId, decision);
    return { toolUseId, decision };
  });
}
