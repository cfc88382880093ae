import { MAX_PAYLOAD_BYTES } from './commit-payload.ts';

// The append function of a schema, created with its tables: a batch of appends in one
// call, one round trip (docs/decisions/029-postgresql-append-in-one-call.md).

/** The qualified names the function's definition uses (see `SchemaNames`). */
export interface AppendFunctionNames {
  readonly appendFunction: string;
  readonly streams: string;
  readonly events: string;
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
 */
export const HEAD_MOVED = 'ON002';

/**
 * Creates (or replaces) the append function of a schema. Its name carries a version: a
 * change to its body or parameters is a new name, so that daemons of different versions
 * on one schema each call the one they were written for and never replace each other's.
 *
 * The caller sends the batch as it would store it, envelopes and offsets included,
 * placed after the heads it expects (the heads its last batch of each stream left). The
 * function locks the streams' rows in key order and checks those heads (raising
 * {@link HEAD_MOVED} if one moved), share-locks the lease rows of the fenced
 * conversations and checks their owners (raising {@link FENCED_OUT}), inserts the rows,
 * moves the heads, and sets two session settings that the notifying statement after the
 * commit reads: `once.commit` (the batch's token) and `once.notify` (the payloads
 * announcing the new heads, split as `encodeCommitPayloads` splits them, joined by U+001E).
 */
export function appendFunctionDefinition(names: AppendFunctionNames): string {
  return `
    CREATE OR REPLACE FUNCTION ${names.appendFunction}(
      stream_keys bigint[], heads_before bigint[], heads_after bigint[],
      row_streams bigint[], row_offsets bigint[], row_message_ids text[], row_block_indexes bigint[],
      row_seqs bigint[], row_envelopes text, fenced_conversations text[], fence_owners text[],
      log_instance text, commit_token text)
    RETURNS void
    LANGUAGE plpgsql SET plan_cache_mode = auto AS $function$
    DECLARE
      envelopes text[] := string_to_array(row_envelopes, chr(30));
      locked_keys bigint[];
      locked_heads bigint[];
      entries text[];
      entry text;
      prefix text := '{"from":' || to_json(log_instance)::text || ',"heads":[';
      payload text;
      bytes bigint;
      payloads text[] := '{}';
    BEGIN
      -- A separator inside an envelope would shift every row after it: refuse the batch.
      IF cardinality(envelopes) IS DISTINCT FROM cardinality(row_streams) THEN
        RAISE EXCEPTION 'append: % envelopes for % rows', cardinality(envelopes), cardinality(row_streams);
      END IF;
      SELECT array_agg(locked.key ORDER BY locked.key), array_agg(locked.head ORDER BY locked.key)
        INTO locked_keys, locked_heads
        FROM (SELECT s.key, s.head FROM ${names.streams} AS s WHERE s.key = ANY(stream_keys)
              ORDER BY s.key FOR UPDATE) AS locked;
      IF locked_keys IS DISTINCT FROM stream_keys OR locked_heads IS DISTINCT FROM heads_before THEN
        RAISE EXCEPTION 'append: a stream''s head is not where this daemon last left it' USING ERRCODE = '${HEAD_MOVED}';
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
      INSERT INTO ${names.events} (stream, stream_offset, message_id, block_index, seq, envelope)
      SELECT * FROM unnest(row_streams, row_offsets, row_message_ids, row_block_indexes, row_seqs, envelopes);
      WITH moved AS (
        UPDATE ${names.streams} AS s SET head = moved_to.head
        FROM unnest(stream_keys, heads_after) AS moved_to (key, head)
        WHERE s.key = moved_to.key
        RETURNING s.key, json_build_array(s.kind, s.name, s.head)::text AS entry
      )
      SELECT array_agg(moved.entry ORDER BY moved.key), string_agg(moved.entry, ',' ORDER BY moved.key),
             sum(octet_length(moved.entry) + 1)
        INTO entries, payload, bytes FROM moved;
      IF octet_length(prefix) + bytes + 2 <= ${MAX_PAYLOAD_BYTES} THEN
        payloads := ARRAY[prefix || payload || ']}'];
      ELSE
        -- Rare (about 100 streams fit in one): split, as encodeCommitPayloads does.
        payload := '';
        FOREACH entry IN ARRAY entries LOOP
          IF payload <> '' AND octet_length(prefix) + octet_length(payload) + octet_length(entry) + 3 > ${MAX_PAYLOAD_BYTES} THEN
            payloads := payloads || (prefix || payload || ']}');
            payload := '';
          END IF;
          payload := CASE WHEN payload = '' THEN entry ELSE payload || ',' || entry END;
        END LOOP;
        payloads := payloads || (prefix || payload || ']}');
      END IF;
      PERFORM set_config('once.commit', commit_token, false),
              set_config('once.notify', array_to_string(payloads, chr(30)), false);
    END
    $function$`;
}
