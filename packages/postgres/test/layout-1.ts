import { withDatabase } from './with-database.ts';

/**
 * Turns a schema this build wrote into what a build of layout 1 left: each event's
 * identity in columns of `events` under a unique index, no `messages` table, layout 1's
 * append function instead of this build's, and (unless `sentMessages`) no `sent_messages`
 * table, as before docs/decisions/038. Done by hand as an operator's psql would, the
 * events themselves untouched.
 */
export async function downgradeToLayout1(schema: string, options: { readonly sentMessages: boolean }): Promise<void> {
  const name = `"${schema}"`;
  await withDatabase((sql) =>
    sql
      .unsafe(`
        ALTER TABLE ${name}.events ADD COLUMN message_id text, ADD COLUMN block_index bigint, ADD COLUMN seq bigint;
        UPDATE ${name}.events SET message_id = envelope::jsonb ->> 'messageId',
          block_index = (envelope::jsonb ->> 'blockIndex')::bigint, seq = (envelope::jsonb ->> 'seq')::bigint;
        CREATE UNIQUE INDEX events_identity ON ${name}.events (stream, message_id, block_index, seq)
          WHERE message_id IS NOT NULL;
        DROP TABLE ${name}.messages;
        DROP FUNCTION ${name}.append_batch_v2;
        CREATE FUNCTION ${name}.append_batch_v1() RETURNS void LANGUAGE sql AS 'SELECT';
        ${options.sentMessages ? '' : `DROP TABLE ${name}.sent_messages;`}
        UPDATE ${name}.layout SET version = 1;
      `)
      .simple(),
  );
}
