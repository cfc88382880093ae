import { approvalDecisionSchema, type ClientMessageId, clientMessageIdSchema } from '@once/protocol';
import { z } from 'zod';
import { parseInput } from '../parse-input.ts';
import type { RouteContext } from './route-context.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });
const approvalParams = z.object({ id: z.string().min(1).max(100), toolUseId: z.string().min(1).max(200) });
const sendBody = z.strictObject({
  content: z
    .string({ error: (issue) => (issue.input === undefined ? 'content is required' : 'content must be a string') })
    .max(100_000, 'content must be at most 100,000 characters')
    // A message of only whitespace would start a turn the model has nothing to answer in.
    .refine((content) => content.trim() !== '', 'content must not be empty or only whitespace'),
  clientMessageId: clientMessageIdSchema.optional(),
});
const decisionBody = z.strictObject({ decision: approvalDecisionSchema });

/** Send a message, cancel the running turn, decide on a tool approval. */
export function registerMessageRoutes({ app, service, accountOf }: RouteContext): void {
  app.post('/v1/conversations/:id/messages', async (request, reply) => {
    const account = accountOf(request);
    const { id } = parseInput(idParams, request.params, 'path');
    const { content, clientMessageId } = parseInput(sendBody, request.body, 'request body');
    const result = await service.send(account, id, {
      content,
      ...(clientMessageId === undefined ? {} : { clientMessageId: clientMessageId as ClientMessageId }),
    });
    return reply.status(202).send({ userMessageId: result.userMessageId, turnId: result.turnId });
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
