import { alternativesOf, currentPath } from '@once/core';
import {
  type ConversationId,
  type ConversationSnapshot,
  type MessageId,
  type MessageSnapshot,
  OnceError,
} from '@once/protocol';
import { connectClient } from './client-flags.ts';
import type { CommandOutput } from './send-command.ts';

/** Characters of a message's text a listed alternative shows. */
const PREVIEW_LENGTH = 60;

/**
 * `once branches [--url URL] [--token T] <conversation id> [message id]`: lists a
 * message's alternatives (the answers regenerating it made, the edits of a question),
 * one a line — `* 2/3 <id> <role> <status> <start of its text>`, `*` on the one the
 * conversation shows — so that `once switch-branch` can pick one. Without a message,
 * lists the alternatives of every message on the conversation's current path that has
 * some, a block each.
 * @returns the exit code: 0 (also when there is nothing to list, said on stderr).
 * @throws OnceError `invalid_request` for a bad command line, `message_not_found` for a
 *   message the conversation lacks, or what the daemon answered.
 */
export async function branchesCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: CommandOutput,
): Promise<number> {
  const { transport, client, positionals } = connectClient(args, env);
  client.close();
  const [conversationId, messageId, ...extra] = positionals;
  if (conversationId === undefined || extra.length > 0) {
    throw new OnceError(
      'invalid_request',
      'Name the conversation, and the message whose alternatives to list unless it is every one on the current path: once branches <conversation id> [message id].',
    );
  }
  const snapshot = await transport.snapshot(conversationId as ConversationId);
  const shown = new Set(currentPath(snapshot).map((message) => message.id));
  const branchPoints =
    messageId === undefined
      ? currentPath(snapshot).filter((message) => alternativesOf(snapshot, message.id).ids.length > 1)
      : [messageIn(snapshot, conversationId, messageId)];
  if (branchPoints.length === 0) {
    output.err.write(
      `Conversation ${conversationId} has no branches yet: regenerating an answer (once regenerate) or editing a question makes one.\n`,
    );
    return 0;
  }
  const byId = new Map(snapshot.messages.map((message) => [message.id, message]));
  const blocks = branchPoints.map((point) => {
    const { ids } = alternativesOf(snapshot, point.id);
    return ids
      .map((id, index) => {
        const message = byId.get(id) as MessageSnapshot;
        const mark = shown.has(id) ? '*' : ' ';
        return `${mark} ${index + 1}/${ids.length} ${id} ${message.role} ${message.status} ${preview(message)}\n`;
      })
      .join('');
  });
  output.out.write(blocks.join('\n'));
  return 0;
}

/**
 * The conversation's message with this id.
 * @throws OnceError `message_not_found` naming how to find one.
 */
export function messageIn(snapshot: ConversationSnapshot, conversationId: string, messageId: string): MessageSnapshot {
  const message = snapshot.messages.find((candidate) => candidate.id === (messageId as MessageId));
  if (message === undefined) {
    throw new OnceError(
      'message_not_found',
      `Conversation ${conversationId} has no message ${messageId.slice(0, 64)}; once branches ${conversationId} lists the alternatives.`,
    );
  }
  return message;
}

/** The start of the message's text on one line, quoted; what it holds when it has no text. */
function preview(message: MessageSnapshot): string {
  const text = message.blocks
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') {
    const files = message.attachments?.length ?? 0;
    return files > 0 ? `(${files} attachment${files === 1 ? '' : 's'})` : '(no text)';
  }
  return JSON.stringify(text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text);
}
