import { describeHttpProtocolConformance, startDaemon } from '@once/testing';

describeHttpProtocolConformance('a daemon on SQLite', async (flags) => {
  const daemon = await startDaemon({ flags });
  return { url: daemon.url, logKind: 'sqlite', [Symbol.asyncDispose]: () => daemon[Symbol.asyncDispose]() };
});
