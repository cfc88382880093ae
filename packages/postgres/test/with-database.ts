import { TEST_DATABASE_URL } from '@once/testing';
import postgres from 'postgres';

/** Runs `use` on a connection of its own to the test database, as an operator's psql would. */
export async function withDatabase<T>(use: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    return await use(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}
