import { describeSnapshotStoreConformance } from '@once/testing';
import { createPostgresFixture } from './postgres-fixture.ts';

describeSnapshotStoreConformance('PostgreSQL', () => createPostgresFixture());
