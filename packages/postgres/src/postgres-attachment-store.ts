import { createHash } from 'node:crypto';
import type { AttachmentDetails, AttachmentStore, OpenedAttachment, PutAttachmentResult } from '@once/log';
import type { Attachment } from '@once/protocol';
import postgres from 'postgres';
import { splitDatabaseUrl } from './database-url.ts';
import { DEFAULT_SCHEMA, schemaNames } from './postgres-schema.ts';

/** Options of {@link openPostgresAttachmentStore}. */
export interface PostgresAttachmentStoreOptions {
  /** The log's database URL; its `?schema=` names the schema, as for the log. */
  readonly url: string;
  /** PostgreSQL schema; wins over the URL's. Default: the URL's `schema`, else `once`. */
  readonly schema?: string;
  /** Most connections. Default 2: uploads and reads of attachments are few and short. */
  readonly maxConnections?: number;
  /** The clock an upload's time is read from (for its grace period as an unsent upload). Default: the system's. */
  readonly now?: () => Date;
}

interface RecordRow {
  readonly hash: string;
  readonly size: string;
  readonly media_type: string;
  readonly name: string | null;
}

/**
 * Opens an {@link AttachmentStore} in PostgreSQL, beside the log in the same schema, so
 * every daemon on the database serves every attachment: `attachment_blobs` holds the
 * bytes once per hash (`bytea`), `attachment_records` each account's record of them. An
 * upload is read whole (hashing it) before anything is written, then stored in one
 * transaction: cut off halfway, it writes nothing. See docs/decisions/023-attachments.md.
 * @throws Error when the database cannot be reached.
 */
export async function openPostgresAttachmentStore(options: PostgresAttachmentStoreOptions): Promise<AttachmentStore> {
  const { url, schema: fromUrl } = splitDatabaseUrl(options.url);
  const { schema } = schemaNames(options.schema ?? fromUrl ?? DEFAULT_SCHEMA);
  const blobs = `"${schema}".attachment_blobs`;
  const records = `"${schema}".attachment_records`;
  const references = `"${schema}".attachment_references`;
  const now = options.now ?? (() => new Date());
  const sql = postgres(url, {
    max: options.maxConnections ?? 2,
    onnotice: () => {},
    connection: { application_name: 'once-attachments' },
  });
  try {
    await sql.begin(async (transaction) => {
      // The same lock as the log's schema preparation: CREATE … IF NOT EXISTS can clash in
      // the catalog when two daemons run it at once.
      await transaction`SELECT pg_advisory_xact_lock(hashtext(${`once:${schema}`}))`;
      await transaction
        .unsafe(`
        CREATE SCHEMA IF NOT EXISTS "${schema}";
        CREATE TABLE IF NOT EXISTS ${blobs} (
          hash text PRIMARY KEY,
          size bigint NOT NULL,
          bytes bytea NOT NULL
        );
        CREATE TABLE IF NOT EXISTS ${records} (
          account text NOT NULL,
          hash text NOT NULL REFERENCES ${blobs} (hash),
          media_type text NOT NULL,
          name text,
          PRIMARY KEY (account, hash)
        );
        -- When the upload was made, while no message has named it since; null once sent
        -- (and for records made before references existed, which are kept).
        ALTER TABLE ${records} ADD COLUMN IF NOT EXISTS unsent_since timestamptz;
        CREATE TABLE IF NOT EXISTS ${references} (
          account text NOT NULL,
          hash text NOT NULL,
          conversation text NOT NULL,
          PRIMARY KEY (account, hash, conversation),
          FOREIGN KEY (account, hash) REFERENCES ${records} (account, hash)
        );
        CREATE INDEX IF NOT EXISTS attachment_references_by_conversation
          ON ${references} (account, conversation);
      `)
        .simple();
    });
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }

  const find = async (account: string, hash: string): Promise<Attachment | undefined> => {
    const [row] = await sql.unsafe<RecordRow[]>(
      `SELECT r.hash, b.size::text AS size, r.media_type, r.name
         FROM ${records} r JOIN ${blobs} b ON b.hash = r.hash
        WHERE r.account = $1 AND r.hash = $2`,
      [account, hash],
    );
    return row === undefined ? undefined : toAttachment(row);
  };

  /**
   * Deletes the bytes no record names (of these hashes, or all). A put of the same bytes
   * in flight holds its blob row (its record's foreign key), so this waits for it and then
   * fails on the key rather than deleting bytes a record names: that failure is ignored,
   * and the next sweep decides again.
   */
  const deleteUnrecordedBlobs = async (hashes?: readonly string[]): Promise<number> => {
    try {
      const deleted = await sql.unsafe(
        `DELETE FROM ${blobs} b
          WHERE ($1::text[] IS NULL OR b.hash = ANY($1::text[]))
            AND NOT EXISTS (SELECT 1 FROM ${records} r WHERE r.hash = b.hash)`,
        [hashes === undefined ? null : [...hashes]],
      );
      return deleted.count;
    } catch (error) {
      if ((error as { code?: unknown }).code === '23503') return 0;
      throw error;
    }
  };

  return {
    async put(account, source, details: AttachmentDetails): Promise<PutAttachmentResult> {
      const digest = createHash('sha256');
      const chunks: Uint8Array[] = [];
      for await (const chunk of source) {
        digest.update(chunk);
        chunks.push(chunk);
      }
      const bytes = Buffer.concat(chunks);
      const hash = digest.digest('hex');
      const inserted = await sql.begin(async (transaction) => {
        await transaction.unsafe(
          `INSERT INTO ${blobs} (hash, size, bytes) VALUES ($1, $2, $3)
             ON CONFLICT (hash) DO UPDATE SET size = EXCLUDED.size`,
          [hash, bytes.byteLength, bytes],
        );
        // (xmax = 0): the row was inserted, not updated; an upload again only restarts its grace period.
        return transaction.unsafe<{ created: boolean }[]>(
          `INSERT INTO ${records} (account, hash, media_type, name, unsent_since) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account, hash) DO UPDATE SET unsent_since = EXCLUDED.unsent_since
             RETURNING (xmax = 0) AS created`,
          [account, hash, details.mediaType, details.name ?? null, now()],
        );
      });
      const attachment = await find(account, hash);
      if (attachment === undefined) throw new Error(`The attachment ${hash} was stored but cannot be read back.`);
      return { attachment, created: inserted[0]?.created === true };
    },

    find,

    async reference(account, conversation, hashes) {
      await sql.begin(async (transaction) => {
        // Locks the records (in hash order, as release does: no deadlock): a release or sweep
        // deciding about them waits, then sees the reference.
        const [found] = await transaction.unsafe<{ hashes: string[] | null }[]>(
          `WITH locked AS (
             SELECT hash FROM ${records} WHERE account = $1 AND hash = ANY($2::text[]) ORDER BY hash FOR UPDATE
           ) SELECT array_agg(hash) AS hashes FROM locked`,
          [account, [...hashes]],
        );
        const existing = found?.hashes ?? [];
        if (existing.length === 0) return;
        await transaction.unsafe(
          `INSERT INTO ${references} (account, hash, conversation)
             SELECT $1, hash, $3 FROM unnest($2::text[]) AS hash ON CONFLICT DO NOTHING`,
          [account, existing, conversation],
        );
        await transaction.unsafe(
          `UPDATE ${records} SET unsent_since = NULL WHERE account = $1 AND hash = ANY($2::text[])`,
          [account, existing],
        );
      });
      return Promise.all(hashes.map((hash) => find(account, hash)));
    },

    async release(account, conversation) {
      const released = await sql.begin(async (transaction) => {
        const dropped = await transaction.unsafe<{ hash: string }[]>(
          `DELETE FROM ${references} WHERE account = $1 AND conversation = $2 RETURNING hash`,
          [account, conversation],
        );
        if (dropped.length === 0) return [];
        const hashes = dropped.map((row) => row.hash);
        // Lock first, so the check below sees a reference another send committed meanwhile.
        await transaction.unsafe(
          `SELECT 1 FROM ${records} WHERE account = $1 AND hash = ANY($2::text[]) ORDER BY hash FOR UPDATE`,
          [account, hashes],
        );
        return transaction.unsafe<{ hash: string }[]>(
          `DELETE FROM ${records} r
            WHERE r.account = $1 AND r.hash = ANY($2::text[]) AND r.unsent_since IS NULL
              AND NOT EXISTS (SELECT 1 FROM ${references} x WHERE x.account = r.account AND x.hash = r.hash)
            RETURNING r.hash`,
          [account, hashes],
        );
      });
      if (released.length > 0) await deleteUnrecordedBlobs(released.map((row) => row.hash));
    },

    async *referencingConversations() {
      // A page at a time, after the last one listed: no connection is held between pages.
      let after: readonly [string, string] | undefined;
      for (;;) {
        const page = await sql.unsafe<{ account: string; conversation: string }[]>(
          `SELECT DISTINCT account, conversation FROM ${references}
            WHERE $1::text IS NULL OR (account, conversation) > ($1::text, $2::text)
            ORDER BY account, conversation LIMIT ${LISTING_PAGE}`,
          [after?.[0] ?? null, after?.[1] ?? null],
        );
        for (const { account, conversation } of page) yield { account, conversation };
        const last = page.at(-1);
        if (last === undefined || page.length < LISTING_PAGE) return;
        after = [last.account, last.conversation];
      }
    },

    async remove(account, hash) {
      const outcome = await sql.begin(async (transaction) => {
        const [record] = await transaction.unsafe<{ referenced: boolean }[]>(
          `SELECT EXISTS (SELECT 1 FROM ${references} x WHERE x.account = r.account AND x.hash = r.hash) AS referenced
             FROM ${records} r WHERE r.account = $1 AND r.hash = $2 FOR UPDATE`,
          [account, hash],
        );
        if (record === undefined) return 'absent' as const;
        if (record.referenced) return 'referenced' as const;
        await transaction.unsafe(`DELETE FROM ${records} WHERE account = $1 AND hash = $2`, [account, hash]);
        return 'removed' as const;
      });
      if (outcome === 'removed') await deleteUnrecordedBlobs([hash]);
      return outcome;
    },

    async sweep(uploadedBefore) {
      const swept = await sql.begin(async (transaction) => {
        const candidates = await transaction.unsafe<{ account: string; hash: string }[]>(
          `SELECT account, hash FROM ${records} WHERE unsent_since <= $1 FOR UPDATE SKIP LOCKED`,
          [uploadedBefore],
        );
        if (candidates.length === 0) return [];
        return transaction.unsafe<{ hash: string }[]>(
          `DELETE FROM ${records} r
            USING unnest($1::text[], $2::text[]) AS c (account, hash)
            WHERE r.account = c.account AND r.hash = c.hash AND r.unsent_since <= $3
              AND NOT EXISTS (SELECT 1 FROM ${references} x WHERE x.account = r.account AND x.hash = r.hash)
            RETURNING r.hash`,
          [candidates.map((row) => row.account), candidates.map((row) => row.hash), uploadedBefore],
        );
      });
      return { records: swept.length, blobs: await deleteUnrecordedBlobs() };
    },

    async open(hash): Promise<OpenedAttachment | undefined> {
      const [row] = await sql.unsafe<{ bytes: Buffer }[]>(`SELECT bytes FROM ${blobs} WHERE hash = $1`, [hash]);
      if (row === undefined) return undefined;
      const bytes = new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
      return { size: bytes.byteLength, bytes: once(bytes) };
    },

    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

/** Conversations {@link AttachmentStore.referencingConversations} reads in one query (the conformance suite lists one more). */
const LISTING_PAGE = 1000;

function toAttachment(row: RecordRow): Attachment {
  return {
    hash: row.hash,
    size: Number(row.size),
    mediaType: row.media_type,
    ...(row.name === null ? {} : { name: row.name }),
  };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
