import { describeSnapshotStoreConformance } from '@once/testing';
import { createSqliteFixture } from './sqlite-fixture.ts';

describeSnapshotStoreConformance('SQLite', () => createSqliteFixture());
// A tail indexed after nearly every commit: a snapshot's head check sees indexed and unindexed events.
describeSnapshotStoreConformance('SQLite, tiny tail', () => createSqliteFixture({ tailLimit: 2, idleIndexDelayMs: 0 }));
