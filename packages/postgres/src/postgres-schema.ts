import type { Sql, TransactionSql } from 'postgres';
import { appendFunctionDefinition } from './postgres-append-function-definition.ts';

/** The layout this code writes; recorded in the schema's `layout` table. */
export const POSTGRES_LAYOUT_VERSION = 1;

/** Default PostgreSQL schema (namespace) of the log's tables. */
export const DEFAULT_SCHEMA = 'once';

/**
 * A schema name is put into SQL text (identifiers cannot be bound as parameters), so only
 * plain lower-case identifiers are accepted. 54 characters at most, so that the
 * notification channels `<schema>_commits` and `<schema>_commands` stay within
 * PostgreSQL's 63.
 */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,53}$/;

/** Qualified names of the log's tables and its notification channel, for one schema. */
export interface SchemaNames {
  readonly schema: string;
  readonly streams: string;
  readonly events: string;
  /** Which daemon runs each conversation's turns, and until when (docs/decisions/007). */
  readonly leases: string;
  /** Each stream's latest folded state at one offset (docs/decisions/016). */
  readonly snapshots: string;
  /** Each user message sent with a clientMessageId, one per stream and id (docs/decisions/038). */
  readonly sentMessages: string;
  /** The function that appends a batch in one call (docs/decisions/029). */
  readonly appendFunction: string;
  /** LISTEN/NOTIFY channel: one per schema, so logs in other schemas never wake this one. */
  readonly channel: string;
  /** LISTEN/NOTIFY channel of cancels and approval decisions for the daemon running a turn. */
  readonly commandChannel: string;
}

/**
 * Checks a schema name and derives the table names from it.
 * @throws Error naming the rule when `schema` is not a plain lower-case identifier.
 */
export function schemaNames(schema: string): SchemaNames {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `The PostgreSQL schema name ${JSON.stringify(schema)} is not valid: use lower-case letters, digits and _ (at most 54, not starting with a digit).`,
    );
  }
  return {
    schema,
    streams: `"${schema}".streams`,
    events: `"${schema}".events`,
    leases: `"${schema}".leases`,
    snapshots: `"${schema}".snapshots`,
    sentMessages: `"${schema}".sent_messages`,
    appendFunction: `"${schema}".append_batch_v1`,
    channel: `${schema}_commits`,
    commandChannel: `${schema}_commands`,
  };
}

/**
 * Creates the schema and its tables when missing, and checks the recorded layout version.
 * Idempotent, and safe when several daemons open the same database at once: an advisory
 * lock (per schema) makes them take turns, since `CREATE … IF NOT EXISTS` alone can still
 * clash in the catalog when two sessions run it together.
 * @throws Error when the schema holds a layout newer than this code knows.
 */
export async function preparePostgresSchema(sql: Sql, names: SchemaNames): Promise<void> {
  const { schema, streams, events, leases, snapshots, sentMessages } = names;
  await sql.begin(async (transaction) => {
    await transaction`SELECT pg_advisory_xact_lock(hashtext(${`once:${schema}`}))`;
    const [before] = await transaction<{ sent: string | null }[]>`SELECT to_regclass(${sentMessages}) AS sent`;
    await transaction
      .unsafe(`
      CREATE SCHEMA IF NOT EXISTS "${schema}";
      CREATE TABLE IF NOT EXISTS "${schema}".layout (
        id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        version integer NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ${streams} (
        key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        head bigint NOT NULL DEFAULT 0,
        UNIQUE (kind, name)
      );
      CREATE TABLE IF NOT EXISTS ${events} (
        stream bigint NOT NULL,
        stream_offset bigint NOT NULL,
        message_id text,
        block_index bigint,
        seq bigint,
        envelope text NOT NULL,
        PRIMARY KEY (stream, stream_offset)
      );
      CREATE UNIQUE INDEX IF NOT EXISTS events_identity
        ON ${events} (stream, message_id, block_index, seq) WHERE message_id IS NOT NULL;
      CREATE TABLE IF NOT EXISTS ${leases} (
        conversation text PRIMARY KEY,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL
      );
      -- Added within layout 1: a cache of the log, which code that does not know it ignores.
      CREATE TABLE IF NOT EXISTS ${snapshots} (
        stream bigint PRIMARY KEY,
        stream_offset bigint NOT NULL,
        summary text NOT NULL,
        state text NOT NULL
      );
      -- Added within layout 1 too (docs/decisions/038): one user message per clientMessageId.
      -- A daemon that does not know it keeps appending without it, as before.
      CREATE TABLE IF NOT EXISTS ${sentMessages} (
        stream bigint NOT NULL,
        sent_as text NOT NULL,
        message_id text NOT NULL,
        PRIMARY KEY (stream, sent_as)
      );
      INSERT INTO "${schema}".layout (version) VALUES (${POSTGRES_LAYOUT_VERSION}) ON CONFLICT (id) DO NOTHING;
    `)
      .simple();
    if (before?.sent === null) await recordSentMessages(transaction, names);
    // Added within layout 1 too: code that does not know the function never calls it, and
    // a schema made before it gets it at the next open.
    await transaction.unsafe(appendFunctionDefinition(names)).simple();
    const [row] = await transaction.unsafe<{ version: number }[]>(`SELECT version FROM "${schema}".layout`);
    if (row === undefined || row.version > POSTGRES_LAYOUT_VERSION) {
      throw new Error(
        `The PostgreSQL schema "${schema}" holds an event log of layout ${row?.version ?? 'unknown'}; this build reads layout ${POSTGRES_LAYOUT_VERSION}. Upgrade Once, or use another schema.`,
      );
    }
  });
}

/**
 * Fills a new `sent_messages` table from the user messages the log already holds, the
 * first of a stream's messages sent with an id keeping it, should there be two.
 */
async function recordSentMessages(sql: TransactionSql, names: SchemaNames): Promise<void> {
  await sql.unsafe(`
    INSERT INTO ${names.sentMessages} (stream, sent_as, message_id)
    SELECT DISTINCT ON (stream, sent_as) stream, sent_as, message_id
    FROM (
      SELECT stream, stream_offset, message_id, envelope::jsonb -> 'data' AS data
      FROM ${names.events}
      WHERE block_index = -1 AND envelope LIKE '%"type":"message_open"%'
    ) AS opened, LATERAL (SELECT data ->> 'clientMessageId' AS sent_as) AS sent
    WHERE data ->> 'role' = 'user' AND sent_as IS NOT NULL
    ORDER BY stream, sent_as, stream_offset
  `);
}

/**
 * Query options for statements with parameters. `sql.unsafe` does not prepare by
 * default, and an unprepared statement with parameters costs a describe round trip and
 * stops the pipeline; these statements are the same text for the life of the log, so
 * each connection prepares each once.
 */
export const PREPARED = { prepare: true } as const;
