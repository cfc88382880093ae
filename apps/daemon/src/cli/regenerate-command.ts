import type { Transport } from '@once/client';
import { currentPath } from '@once/core';
import { type ConversationId, type MessageId, OnceError } from '@once/protocol';
import { connectClient } from './client-flags.ts';
import { followTurn } from './follow-turn.ts';
import type { CommandOutput } from './send-command.ts';

/**
 * `once regenerate [--url URL] [--token T] <conversation id> [message id]`: asks for a new
 * answer in place of an assistant message (by default the last answer on the
 * conversation's current path), prints it as it streams, and returns once its turn has
 * ended. The answer it replaces stays, on a branch of its own (`POST
 * …/messages/:messageId/regenerate`, docs/decisions/022-branches.md).
 * @returns the exit code: 0 when the new answer completed, 1 when it ended otherwise.
 */
export async function regenerateCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: CommandOutput,
): Promise<number> {
  const { transport, client, positionals } = connectClient(args, env);
  const [conversationId, messageId, ...extra] = positionals;
  if (conversationId === undefined || extra.length > 0) {
    throw new OnceError(
      'invalid_request',
      'Name the conversation, and the answer to regenerate unless it is the last one: once regenerate <conversation id> [message id].',
    );
  }
  const conversation = client.conversation(conversationId);
  try {
    const target = (messageId as MessageId | undefined) ?? (await lastAnswer(transport, conversationId));
    const { turnId } = await conversation.regenerate(target);
    output.err.write(`regenerating ${target}\n`);
    return await followTurn(conversation, turnId, output.out);
  } finally {
    client.close();
  }
}

/** The last assistant message on the conversation's current path. */
async function lastAnswer(transport: Transport, conversationId: string): Promise<MessageId> {
  const path = currentPath(await transport.snapshot(conversationId as ConversationId));
  const answer = path.findLast((message) => message.role === 'assistant');
  if (answer === undefined) {
    throw new OnceError('invalid_request', `Conversation ${conversationId} has no answer to regenerate yet.`);
  }
  return answer.id;
}
