// The append function of a schema, created with its tables: a batch of appends in one
// call, one round trip (docs/decisions/029-postgresql-append-in-one-call.md).

/** The qualified names the function's definition uses (see `SchemaNames`). */
export interface AppendFunctionNames {
  readonly appendFunction: string;
  readonly streams: string;
  readonly events: string;
  readonly messages: string;
  readonly leases: string;
}

/**
 * The SQLSTATE the function raises when a fenced append's conversation is held by
 * another daemon: the batch is then written the careful way, which refuses that append
 * alone. Class `ON` is no class of PostgreSQL's own.
 */
export const FENCED_OUT = 'ON001';

/**
 * The SQLSTATE the function raises when a stream's head is not the one the caller
 * expected (another daemon appended to it, or this daemon never learned the outcome of a
 * batch): the batch is then written the careful way, which reads the heads under lock.
 * Its detail lists the row keys of those streams, comma-separated, so that the careful
 * way reads their messages back with its first statements. Two daemons' batches of the same streams (a takeover) may also meet in a deadlock,
 * which PostgreSQL breaks by failing one of them (`DEADLOCK_DETECTED`), written the
 * careful way too.
 */
export const HEAD_MOVED = 'ON002';

/**
 * Creates (or replaces) the append function of a schema. Its name carries a version: a
 * change to its body or parameters is a new name, so that daemons of different versions
 * on one schema each call the one they were written for and never replace each other's.
 *
 * The caller sends the batch as it would store it, envelopes and offsets included,
 * placed after the heads it expects (the heads its last batch of each stream left), and
 * the messages the batch opens with their first offsets. The function moves each stream's
 * head from the expected one (raising {@link HEAD_MOVED} if one is not where the caller
 * expects: the update locks the row, and re-reads it once another transaction holding it
 * ends), share-locks the lease rows of the fenced conversations and checks their owners
 * (raising {@link FENCED_OUT}), inserts the rows and the messages (a message stored
 * before refuses the batch by `messages`' primary key), and sets the session setting
 * `once.commit` to the batch's token, which the notifying statement after the commit reads.
 */
export function appendFunctionDefinition(names: AppendFunctionNames): string {
  return `
    CREATE OR REPLACE FUNCTION ${names.appendFunction}(
      stream_keys bigint[], heads_before bigint[], heads_after bigint[],
      row_streams bigint[], row_offsets bigint[], row_envelopes text,
      message_streams bigint[], message_ids text[], message_offsets bigint[],
      fenced_conversations text[], fence_owners text[], commit_token text)
    RETURNS void
    LANGUAGE plpgsql SET plan_cache_mode = auto AS $function$
    DECLARE
      envelopes text[] := string_to_array(row_envelopes, chr(30));
      moved bigint[];
    BEGIN
      -- A separator inside an envelope would shift every row after it: refuse the batch.
      IF cardinality(envelopes) IS DISTINCT FROM cardinality(row_streams) THEN
        RAISE EXCEPTION 'append: % envelopes for % rows', cardinality(envelopes), cardinality(row_streams);
      END IF;
      WITH moved_rows AS (
        UPDATE ${names.streams} AS s SET head = moved_to.head
          FROM unnest(stream_keys, heads_before, heads_after) AS moved_to (key, before, head)
          WHERE s.key = moved_to.key AND s.head = moved_to.before
          RETURNING s.key
      )
      SELECT array_agg(moved_rows.key) INTO moved FROM moved_rows;
      IF cardinality(moved) IS DISTINCT FROM cardinality(stream_keys) THEN
        RAISE EXCEPTION 'append: a stream''s head is not where this daemon last left it' USING ERRCODE = '${HEAD_MOVED}',
          DETAIL = (SELECT string_agg(k::text, ',') FROM unnest(stream_keys) AS k WHERE NOT k = ANY(coalesce(moved, '{}')));
      END IF;
      IF cardinality(fenced_conversations) > 0 THEN
        PERFORM 1 FROM (SELECT l.conversation FROM ${names.leases} AS l
                        WHERE l.conversation = ANY(fenced_conversations) ORDER BY l.conversation FOR SHARE) AS held;
        IF EXISTS (SELECT 1 FROM unnest(fenced_conversations, fence_owners) AS f (conversation, owner)
                   WHERE NOT EXISTS (SELECT 1 FROM ${names.leases} AS l
                                     WHERE l.conversation = f.conversation AND l.owner = f.owner)) THEN
          RAISE EXCEPTION 'append: a fenced conversation is held by another daemon' USING ERRCODE = '${FENCED_OUT}';
        END IF;
      END IF;
      INSERT INTO ${names.events} (stream, stream_offset, envelope)
      SELECT * FROM unnest(row_streams, row_offsets, envelopes);
      IF cardinality(message_ids) > 0 THEN
        INSERT INTO ${names.messages} (stream, message_id, first_offset)
        SELECT * FROM unnest(message_streams, message_ids, message_offsets);
      END IF;
      PERFORM set_config('once.commit', commit_token, false);
    END
    $function$`;
}
