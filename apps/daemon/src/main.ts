import { isOnceError } from '@once/protocol';
import { describeSettings, readConfig } from './config.ts';
import { serve } from './serve.ts';

const USAGE = `Usage: once [serve] [flags]

Runs the Once daemon: the HTTP API, live event streams and the demo model.

Flags (each also an environment variable; flags win):
${describeSettings()}

  --help                                   this text
`;

async function main(args: readonly string[]): Promise<number> {
  const [first, ...rest] = args;
  // Anywhere among the flags: `npm start -- --help` runs `once serve --help`.
  if (first === 'help' || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = first === undefined || first.startsWith('--') ? 'serve' : first;
  const flags = command === first ? rest : args;
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
  } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`once: ${error.message}. Run "once --help" for the flags.\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
