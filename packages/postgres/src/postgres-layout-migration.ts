import type { TransactionSql } from 'postgres';

// What opening a schema written by an older build changes in it, in the transaction that
// prepares the schema (postgres-schema.ts), under its advisory lock.

/** The qualified names a migration uses (the schema's `SchemaNames` has them). */
interface SchemaNames {
  readonly schema: string;
  readonly events: string;
  readonly messages: string;
  readonly sentMessages: string;
}

/**
 * Fills a new `sent_messages` table from the user messages a layout 1 log already holds,
 * the first of a stream's messages sent with an id keeping it, should there be two. Reads
 * layout 1's identity columns, so it runs before {@link migrateToLayout2}.
 */
export async function recordSentMessages(sql: TransactionSql, names: SchemaNames): Promise<void> {
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
 * Layout 1 → 2 (docs/decisions/039): records each message's first offset in `messages`
 * (created empty just before), then drops the identity columns of `events` with their
 * unique index, and layout 1's append function. A daemon of an older build still running
 * on the schema then fails its appends (its rows name columns that are gone) rather than
 * store events the identity checks of layout 2 do not know about; one opening the schema
 * anew is refused by the layout check.
 */
export async function migrateToLayout2(sql: TransactionSql, names: SchemaNames): Promise<void> {
  await sql
    .unsafe(`
      INSERT INTO ${names.messages} (stream, message_id, first_offset)
      SELECT stream, message_id, min(stream_offset) FROM ${names.events}
      WHERE message_id IS NOT NULL GROUP BY stream, message_id;
      DROP INDEX IF EXISTS "${names.schema}".events_identity;
      ALTER TABLE ${names.events} DROP COLUMN message_id, DROP COLUMN block_index, DROP COLUMN seq;
      DROP FUNCTION IF EXISTS "${names.schema}".append_batch_v1;
      UPDATE "${names.schema}".layout SET version = 2;
    `)
    .simple();
}
