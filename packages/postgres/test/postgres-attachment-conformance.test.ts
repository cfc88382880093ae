import { createPostgresTestSchema, describeAttachmentStoreConformance } from '@once/testing';
import { openPostgresAttachmentStore } from '../src/index.ts';

describeAttachmentStoreConformance('PostgreSQL', async () => {
  const database = await createPostgresTestSchema();
  const opened: Awaited<ReturnType<typeof openPostgresAttachmentStore>>[] = [];
  const open = async () => {
    const store = await openPostgresAttachmentStore({ url: database.url });
    opened.push(store);
    return store;
  };
  try {
    return {
      store: await open(),
      reopen: open,
      cleanup: async () => {
        await Promise.allSettled(opened.map((store) => store.close()));
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
});
