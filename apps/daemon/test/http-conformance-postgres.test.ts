import { createPostgresTestSchema, describeHttpProtocolConformance, startDaemon } from '@once/testing';

// Each daemon of the suite gets a fresh schema, dropped when the daemon is stopped.
describeHttpProtocolConformance('a daemon on PostgreSQL', async (flags) => {
  const database = await createPostgresTestSchema();
  try {
    const daemon = await startDaemon({ flags: [...flags, '--database-url', database.url] });
    return {
      url: daemon.url,
      logKind: 'postgres',
      async [Symbol.asyncDispose]() {
        try {
          await daemon[Symbol.asyncDispose]();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
});
