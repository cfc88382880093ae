import { describeEventLogConformance } from '@once/testing';
import { createPostgresFixture } from './postgres-fixture.ts';

describeEventLogConformance('PostgreSQL', () => createPostgresFixture());
describeEventLogConformance('PostgreSQL, small batches', () => createPostgresFixture({ maxBatchSize: 3 }));
