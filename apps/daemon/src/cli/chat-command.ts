import { createInterface } from 'node:readline';
import type { ConversationClient } from '@once/client';
import { OnceError } from '@once/protocol';
import { createConnectionNotes } from './chat-connection-notes.ts';
import { createChatScreen } from './chat-screen.ts';
import { createChatSession } from './chat-session.ts';
import { connectClient } from './client-flags.ts';
import type { CommandOutput } from './send-command.ts';

/** The terminal `once chat` runs in: what the person types, and their Ctrl-C. */
export interface ChatTerminal extends CommandOutput {
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Registers the Ctrl-C (SIGINT) and SIGTERM listener; returns the function that removes it. */
  onSignal(listener: (signal: NodeJS.Signals) => void): () => void;
}

/**
 * `once chat [--url URL] [--token T] [conversation id]`: an interactive chat on a
 * conversation (a new one unless named; its id goes to stderr). Each line typed is sent,
 * the answer streams once, in order, across reconnects and daemon restarts; a tool call
 * waiting for approval is asked `[y/N]`; Ctrl-C stops the running turn, and at the prompt
 * or twice within two seconds quits; Ctrl-D quits once the running turn has ended.
 * Piped input (stdin not a terminal) is sent a line per turn, and the command returns
 * once it has ended and the last turn is over.
 * @returns the exit code: 0 when the person quit, 1 when the daemon refused the conversation.
 */
export async function chatCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  terminal: ChatTerminal,
): Promise<number> {
  const { transport, client, positionals } = connectClient(args, env);
  const [named, ...extra] = positionals;
  if (extra.length > 0) {
    throw new OnceError('invalid_request', 'Name at most one conversation: once chat [conversation id].');
  }
  const conversationId = named ?? (await transport.createConversation(undefined)).id;
  if (named === undefined) terminal.err.write(`conversation ${conversationId}\n`);
  const conversation = client.conversation(conversationId);
  const screen = createChatScreen(terminal.out, terminal.err);
  const session = createChatSession({
    conversation,
    screen,
    now: Date.now,
    interactive: terminal.input.isTTY === true,
  });
  const stopTelling = tellConnection(conversation, (text) => {
    screen.note(text);
    // The note went below the prompt: show it again.
    session.update();
  });
  const stopSignals = terminal.onSignal((signal) => (signal === 'SIGINT' ? session.interrupt() : session.quit()));
  // Read from the start, so no line typed or piped early is lost: the session holds them
  // until the history is printed. Not a readline terminal: the terminal's own line
  // editing, echo and Ctrl-C stay on, so an answer streaming while the person types is
  // never redrawn over.
  const lines = createInterface({ input: terminal.input, terminal: false });
  lines.on('line', session.line);
  lines.on('close', session.endOfInput);
  const stopRendering = conversation.store.subscribe(session.update);
  void firstLive(conversation).then((live) => live && session.start());
  await Promise.race([session.done, conversation.closed]);
  stopRendering();
  stopSignals();
  lines.off('close', session.endOfInput);
  lines.close();
  const { lastError, status } = conversation.connection.getSnapshot();
  stopTelling();
  client.close();
  await conversation.closed;
  if (status === 'closed' && lastError !== undefined) {
    screen.note(`once: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    return 1;
  }
  return 0;
}

/** Settles true once the conversation's history is loaded and its stream live; false if it closed first. */
function firstLive(conversation: ConversationClient): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      const { status } = conversation.connection.getSnapshot();
      if (status !== 'live' && status !== 'closed') return;
      stop();
      resolve(status === 'live');
    };
    const stop = conversation.connection.subscribe(check);
    check();
  });
}

/** Notes the connection's changes that matter (see {@link createConnectionNotes}) on stderr. */
function tellConnection(conversation: ConversationClient, note: (text: string) => void): () => void {
  const noteFor = createConnectionNotes();
  return conversation.connection.subscribe(() => {
    const text = noteFor(conversation.connection.getSnapshot());
    if (text !== undefined) note(text);
  });
}
