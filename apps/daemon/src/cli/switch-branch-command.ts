import { alternativesOf, currentPath } from '@once/core';
import { type ConversationId, type MessageId, OnceError } from '@once/protocol';
import { messageIn } from './branches-command.ts';
import { connectClient } from './client-flags.ts';
import { createTranscriptPrinter } from './print-transcript.ts';
import type { CommandOutput } from './send-command.ts';

/**
 * `once switch-branch [--url URL] [--token T] <conversation id> <message id>`: makes the
 * conversation show the branch through the message (one `once branches` listed), for
 * every client (`POST …/branch`, docs/decisions/022-branches.md), and prints what it now
 * shows from that message on. Refused while a turn runs or waits in the conversation.
 * @returns the exit code: 0 once switched.
 * @throws OnceError `invalid_request` for a bad command line, `message_not_found` for a
 *   message the conversation lacks, or what the daemon answered (`conflict` while a turn runs).
 */
export async function switchBranchCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: CommandOutput,
): Promise<number> {
  const { transport, client, positionals } = connectClient(args, env);
  const [conversationId, messageId, ...extra] = positionals;
  try {
    if (conversationId === undefined || messageId === undefined || extra.length > 0) {
      throw new OnceError(
        'invalid_request',
        'Name the conversation and the message to switch to (once branches lists them): once switch-branch <conversation id> <message id>.',
      );
    }
    messageIn(await transport.snapshot(conversationId as ConversationId), conversationId, messageId);
    await client.conversation(conversationId).selectBranch(messageId as MessageId);
    const snapshot = await transport.snapshot(conversationId as ConversationId);
    const path = currentPath(snapshot);
    const { ids, index } = alternativesOf(snapshot, messageId as MessageId);
    output.err.write(`switched to ${messageId} (${index + 1}/${ids.length})\n`);
    const from = path.findIndex((message) => message.id === messageId);
    createTranscriptPrinter(output.out).print(path.slice(Math.max(0, from)));
    return 0;
  } finally {
    client.close();
  }
}
