import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/**
 * The database the PostgreSQL tests create their schemas in: `ONCE_TEST_DATABASE_URL`,
 * default `postgres://postgres@127.0.0.1:5432/test` (the CI service, trust auth).
 */
export const TEST_DATABASE_URL = process.env.ONCE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A schema of its own in the test database, for one test file or test. */
export interface PostgresTestSchema extends AsyncDisposable {
  /** `once_test_<random>`. */
  readonly schema: string;
  /** The test database's URL with `?schema=<schema>`, as the daemon's `--database-url` takes it. */
  readonly url: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/**
 * Names a fresh schema in the test database (the log creates it on open) and checks
 * that the database answers, so that a missing PostgreSQL fails the test with a sentence
 * saying so instead of a driver's stack trace or a silent skip.
 * @throws Error naming the URL and `ONCE_TEST_DATABASE_URL` when PostgreSQL is unreachable.
 */
export async function createPostgresTestSchema(): Promise<PostgresTestSchema> {
  const schema = `once_test_${randomBytes(6).toString('hex')}`;
  const sql = postgres(TEST_DATABASE_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
  } catch (error) {
    await sql.end({ timeout: 0 });
    throw new Error(
      `The PostgreSQL tests need a database: ${TEST_DATABASE_URL} did not answer (${String(error)}). Start PostgreSQL there, or set ONCE_TEST_DATABASE_URL to a database these tests may create and drop schemas in.`,
      { cause: error },
    );
  }
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('schema', schema);
  let dropped: Promise<void> | undefined;
  const drop = () => {
    dropped ??= sql
      .unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      .then(() => undefined)
      .finally(() => sql.end({ timeout: 1 }));
    return dropped;
  };
  return { schema, url: url.toString(), drop, [Symbol.asyncDispose]: drop };
}
