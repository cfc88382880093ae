import { createInMemoryLeaseTable, describeConversationLeasesConformance } from '@once/testing';

// The fake that lets service tests run several "daemons" in one process behaves like the real table.
describeConversationLeasesConformance('in memory', async () => {
  const tables = new Map<number, ReturnType<typeof createInMemoryLeaseTable>>();
  let owners = 0;
  return {
    async open(ttlMs) {
      let table = tables.get(ttlMs);
      if (table === undefined) {
        table = createInMemoryLeaseTable({ ttlMs });
        tables.set(ttlMs, table);
      }
      owners += 1;
      return table.leasesFor(`owner-${owners}`);
    },
    cleanup: async () => {},
  };
});
