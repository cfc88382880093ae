import type { Sql } from 'postgres';
import { appendFunctionDefinition } from './postgres-append-function-definition.ts';
import { migrateToLayout2, recordSentMessages } from './postgres-layout-migration.ts';

/**
 * The layout this code writes; recorded in the schema's `layout` table. Layout 2
 * (docs/decisions/039): an event's identity is no longer a column of `events` with a
 * unique index, but checked by the appender against its messages' highest seqs, each
 * message's first offset in `messages`.
 */
export const POSTGRES_LAYOUT_VERSION = 2;

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
  /** Each message of a stream and the offset of its first event (layout 2). */
  readonly messages: string;
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
    messages: `"${schema}".messages`,
    leases: `"${schema}".leases`,
    snapshots: `"${schema}".snapshots`,
    sentMessages: `"${schema}".sent_messages`,
    appendFunction: `"${schema}".append_batch_v2`,
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
  const { schema, streams, events, messages, leases, snapshots, sentMessages } = names;
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
        envelope text NOT NULL,
        PRIMARY KEY (stream, stream_offset)
      );
      CREATE TABLE IF NOT EXISTS ${messages} (
        stream bigint NOT NULL,
        message_id text NOT NULL,
        first_offset bigint NOT NULL,
        PRIMARY KEY (stream, message_id)
      );
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
    const [row] = await transaction.unsafe<{ version: number }[]>(`SELECT version FROM "${schema}".layout`);
    if (row === undefined || row.version > POSTGRES_LAYOUT_VERSION) {
      throw new Error(
        `The PostgreSQL schema "${schema}" holds an event log of layout ${row?.version ?? 'unknown'}; this build reads layout ${POSTGRES_LAYOUT_VERSION}. Upgrade Once, or use another schema.`,
      );
    }
    if (row.version === 1) {
      // A layout 1 schema made before sent_messages existed fills it from the identity
      // columns, which the migration then drops.
      if (before?.sent === null) await recordSentMessages(transaction, names);
      await migrateToLayout2(transaction, names);
    }
    // Code that does not know the function never calls it; the name carries its version.
    await transaction.unsafe(appendFunctionDefinition(names)).simple();
  });
}

/**
 * Query options for statements with parameters. `sql.unsafe` does not prepare by
 * default, and an unprepared statement with parameters costs a describe round trip and
 * stops the pipeline; these statements are the same text for the life of the log, so
 * each connection prepares each once.
 */
export const PREPARED = { prepare: true } as const;
