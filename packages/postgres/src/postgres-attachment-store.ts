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
          `INSERT INTO ${blobs} (hash, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING`,
          [hash, bytes.byteLength, bytes],
        );
        return transaction.unsafe<{ hash: string }[]>(
          `INSERT INTO ${records} (account, hash, media_type, name) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account, hash) DO NOTHING RETURNING hash`,
          [account, hash, details.mediaType, details.name ?? null],
        );
      });
      const attachment = await find(account, hash);
      if (attachment === undefined) throw new Error(`The attachment ${hash} was stored but cannot be read back.`);
      return { attachment, created: inserted.length > 0 };
    },

    find,

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
