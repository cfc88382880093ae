import { isOnceError } from '@once/protocol';
import { describeSettings, readConfig } from './config.ts';
import { serve } from './serve.ts';

// The client commands (send, regenerate, branches, switch-branch, tail, chat, export) and their client library are imported only when
// run: the daemon's start-up does without them.

/** The help text; the client's default URL is the client commands' own. */
const usage = (defaultUrl: string) => `Usage: once [serve] [flags]
       once send [--url URL] [--token TOKEN] [--conversation ID] <message>
       once regenerate [--url URL] [--token TOKEN] <conversation id> [message id]
       once branches [--url URL] [--token TOKEN] <conversation id> [message id]
       once switch-branch [--url URL] [--token TOKEN] <conversation id> <message id>
       once tail [--url URL] [--token TOKEN] <conversation id>
       once chat [--url URL] [--token TOKEN] [conversation id]
       once export [--url URL] [--token TOKEN] [--format markdown|json|events] [--output FILE] <conversation id>

once serve (the default) runs the Once daemon: the HTTP API, live event streams, the
web app and the demo model. --config once.config.ts adds your tools, provider and system
prompt (its default export: defineConfig({ … }) from @once/daemon).

Flags of serve (each also an environment variable; flags win):
${describeSettings()}

once send sends a message (to a new conversation unless --conversation names one) and
prints the answer as it streams; the conversation's id goes to stderr.
once regenerate asks for a new answer in place of one (by default the conversation's
last) and prints it as it streams; the answer it replaces stays, on a branch of its own.
once branches lists a message's alternatives (regenerated answers, edited questions),
one a line with its id, * on the one shown; without a message, those of every message
on the conversation's current path that has some.
once switch-branch shows the branch through a message, for every client, and prints
the conversation from that message on.
once tail prints a conversation and follows it live until Ctrl-C.
once chat is an interactive chat (a new conversation unless one is named): each line
typed is sent and its answer streams; a tool call waiting for approval asks [y/N];
Ctrl-C stops the running turn, and at the prompt or twice within 2 s quits; Ctrl-D
quits once the running turn has ended. Piped input (echo hi | once chat) is sent a
line per turn, and the command exits when it ends.
once export writes a conversation to stdout (or --output FILE, created only once it is
whole): markdown (the default) a readable transcript, json its whole snapshot, events
every stored event as NDJSON.
All seven talk to the daemon at --url (ONCE_URL, default ${defaultUrl}) with --token
(ONCE_TOKEN) when it requires one.

  --help                                   this text
`;

const output = { out: process.stdout, err: process.stderr };

/** Settles on the first SIGINT or SIGTERM. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/** Hands each SIGINT and SIGTERM to `listener`, in place of the default exit. */
function onSignal(listener: (signal: NodeJS.Signals) => void): () => void {
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}

async function main(args: readonly string[]): Promise<number> {
  const [first, ...rest] = args;
  // Anywhere among the flags: `npm start -- --help` runs `once serve --help`.
  if (first === 'help' || args.includes('--help') || args.includes('-h')) {
    const { DEFAULT_URL } = await import('./cli/client-flags.ts');
    process.stdout.write(usage(DEFAULT_URL));
    return 0;
  }
  const command = first === undefined || first.startsWith('--') ? 'serve' : first;
  const flags = command === first ? rest : args;
  if (command === 'send') return (await import('./cli/send-command.ts')).sendCommand(flags, process.env, output);
  if (command === 'regenerate') {
    return (await import('./cli/regenerate-command.ts')).regenerateCommand(flags, process.env, output);
  }
  if (command === 'branches') {
    return (await import('./cli/branches-command.ts')).branchesCommand(flags, process.env, output);
  }
  if (command === 'switch-branch') {
    return (await import('./cli/switch-branch-command.ts')).switchBranchCommand(flags, process.env, output);
  }
  if (command === 'tail') {
    return (await import('./cli/tail-command.ts')).tailCommand(flags, process.env, output, stopSignal());
  }
  if (command === 'chat') {
    const { chatCommand } = await import('./cli/chat-command.ts');
    return chatCommand(flags, process.env, { ...output, input: process.stdin, onSignal });
  }
  if (command === 'export') return (await import('./cli/export-command.ts')).exportCommand(flags, process.env, output);
  if (command !== 'serve') {
    process.stderr.write(`once: unknown command "${command}". Run "once --help" for what it can do.\n`);
    return 2;
  }
  const daemon = await serve(readConfig(flags, process.env));
  await new Promise<void>((resolveStop) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void daemon.stop().then(resolveStop, (error: unknown) => {
        process.stderr.write(`once: error while stopping after ${signal}: ${String(error)}\n`);
        process.exitCode = 1;
        resolveStop();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (isOnceError(error)) {
    process.stderr.write(`once: ${error.message}\n`);
    process.exitCode = 2;
  } else if (isPortInUse(error)) {
    process.stderr.write(
      `once: port ${error.port} on ${error.address} is already in use: stop what listens there, or start Once on another port with --port.\n`,
    );
    process.exitCode = 2;
  } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`once: ${error.message}. Run "once --help" for the flags.\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}

/** The error `listen` fails with when another process has the port. */
function isPortInUse(error: unknown): error is Error & { port: number; address: string } {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE' && 'port' in error;
}
