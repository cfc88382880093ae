import { OnceError } from '@once/protocol';
import { connectClient } from './client-flags.ts';
import { createTranscriptPrinter } from './print-transcript.ts';
import type { CommandOutput } from './send-command.ts';

/**
 * `once tail [--url URL] [--token T] <conversation id>`: prints the conversation, then
 * follows it live — each character once, across reconnects and daemon restarts — until
 * `stop` settles (SIGINT or SIGTERM in the `once` command). Connection trouble is told
 * on stderr.
 */
export async function tailCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: CommandOutput,
  stop: Promise<unknown>,
): Promise<number> {
  const { client, positionals } = connectClient(args, env);
  const [conversationId, ...extra] = positionals;
  if (conversationId === undefined || extra.length > 0) {
    throw new OnceError('invalid_request', 'Name one conversation to follow: once tail <conversation id>.');
  }
  const conversation = client.conversation(conversationId);
  const printer = createTranscriptPrinter(output.out);
  const render = () => printer.print(conversation.store.getSnapshot().messages);
  conversation.store.subscribe(render);
  let status = conversation.connection.getSnapshot().status;
  const stopTelling = conversation.connection.subscribe(() => {
    const state = conversation.connection.getSnapshot();
    if (state.status === status) return;
    status = state.status;
    if (status === 'reconnecting' || status === 'offline' || status === 'closed') {
      const reason = state.lastError instanceof Error ? `: ${state.lastError.message}` : '';
      output.err.write(`(${status}${reason})\n`);
    }
  });
  render();
  await Promise.race([stop, conversation.closed]);
  const { lastError, status: final } = conversation.connection.getSnapshot();
  stopTelling();
  client.close();
  await conversation.closed;
  // Closed by the daemon for good (an unknown conversation, a refused token): say why.
  if (final === 'closed' && lastError !== undefined) {
    output.err.write(`once: ${lastError instanceof Error ? lastError.message : String(lastError)}\n`);
    return 1;
  }
  return 0;
}
