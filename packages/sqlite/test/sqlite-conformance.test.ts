import { describeEventLogConformance } from '@once/testing';
import { createSqliteFixture } from './sqlite-fixture.ts';

describeEventLogConformance('SQLite', () => createSqliteFixture());
describeEventLogConformance('SQLite, synchronous=FULL, no delay, small batches', () =>
  createSqliteFixture({ synchronous: 'full', maxDelayMs: 0, maxBatchSize: 3 }),
);
// Indexing rounds run after almost every commit and whenever the log pauses, so the suite
// reads and deduplicates across the tail and the indexed runs.
describeEventLogConformance('SQLite, tiny tail, indexed after nearly every commit', () =>
  createSqliteFixture({ tailLimit: 2, idleIndexDelayMs: 0 }),
);
