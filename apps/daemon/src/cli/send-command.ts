import { OnceError } from '@once/protocol';
import { connectClient } from './client-flags.ts';
import { followTurn } from './follow-turn.ts';
import type { TextSink } from './print-transcript.ts';

/** Output streams of a command: the transcript on one, notes for the person on the other. */
export interface CommandOutput {
  readonly out: TextSink;
  readonly err: TextSink;
}

/**
 * `once send [--url URL] [--token T] [--conversation ID] <message…>`: sends a message
 * (to a new conversation unless `--conversation` names one), prints the answer as it
 * streams, and returns once its turn has ended. The conversation's id goes to stderr, so
 * `once send --conversation <id> …` and `once tail <id>` can go on with it.
 * @returns the exit code: 0 when the answer completed, 1 when it ended otherwise.
 */
export async function sendCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: CommandOutput,
): Promise<number> {
  const { transport, client, values, positionals } = connectClient(args, env, ['conversation']);
  const content = positionals.join(' ').trim();
  if (content === '') throw new OnceError('invalid_request', 'Say what to send: once send "your message".');
  const conversationId =
    (values.conversation as string | undefined) ?? (await transport.createConversation(undefined)).id;
  output.err.write(`conversation ${conversationId}\n`);
  const conversation = client.conversation(conversationId);
  try {
    const { turnId } = await conversation.send(content);
    return await followTurn(conversation, turnId, output.out);
  } finally {
    client.close();
  }
}
