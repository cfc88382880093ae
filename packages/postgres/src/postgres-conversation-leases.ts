import { randomUUID } from 'node:crypto';
import type { ConversationLeases } from '@once/log';
import type { Sql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/**
 * {@link ConversationLeases} in the log's schema: one row per conversation some daemon
 * holds, `(conversation, owner, expires_at)`. Expiry is measured on the database's
 * clock (`clock_timestamp()`), so daemons whose clocks disagree still agree on who holds
 * a lease. Every decision is one statement on a row, which PostgreSQL serialises: of two
 * daemons taking a lapsed lease at once, one updates the row and the other finds it
 * taken. A row left behind is a lease its owner never released: it died.
 */
export class PostgresConversationLeases implements ConversationLeases {
  readonly owner = randomUUID();
  readonly ttlMs: number;
  readonly #sql: Sql;
  readonly #statements: ReturnType<typeof statements>;

  constructor(sql: Sql, names: SchemaNames, ttlMs: number) {
    this.#sql = sql;
    this.ttlMs = ttlMs;
    this.#statements = statements(names);
  }

  async acquire(conversationId: string): Promise<boolean> {
    const rows = await this.#sql.unsafe(this.#statements.acquire, [conversationId, this.owner, this.ttlMs], PREPARED);
    return rows.length === 1;
  }

  async renew(conversationIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (conversationIds.length === 0) return new Set();
    const rows = await this.#sql.unsafe<{ conversation: string }[]>(
      this.#statements.renew,
      [this.owner, [...conversationIds], this.ttlMs],
      PREPARED,
    );
    return new Set(rows.map((row) => row.conversation));
  }

  async release(conversationId: string): Promise<void> {
    await this.#sql.unsafe(this.#statements.release, [conversationId, this.owner], PREPARED);
  }

  async lapsed(): Promise<readonly string[]> {
    const rows = await this.#sql.unsafe<{ conversation: string }[]>(this.#statements.lapsed, [], PREPARED);
    return rows.map((row) => row.conversation);
  }
}

/** Most lapsed leases one sweep reports; the next sweep reports the rest. */
const LAPSED_PER_SWEEP = 100;

function statements({ leases }: SchemaNames) {
  const expiry = `clock_timestamp() + $3::double precision * interval '1 millisecond'`;
  return {
    // Inserts a free lease; takes over a lapsed one; extends this owner's own.
    acquire: `INSERT INTO ${leases} AS lease (conversation, owner, expires_at) VALUES ($1, $2, ${expiry})
      ON CONFLICT (conversation) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
      WHERE lease.owner = excluded.owner OR lease.expires_at <= clock_timestamp()
      RETURNING owner`,
    // A lease that lapsed but that nobody took over is still this owner's: nobody recovered
    // the conversation, so extending it is safe. The rows are locked in conversation order,
    // the order in which an append share-locks the leases of its batch: updated in the order
    // the table holds them, a renewal and an append each waited for a row the other held,
    // and PostgreSQL failed one of them after a second.
    renew: `WITH held AS (
        SELECT conversation FROM ${leases} WHERE owner = $1 AND conversation = ANY($2::text[])
        ORDER BY conversation FOR UPDATE
      )
      UPDATE ${leases} AS lease SET expires_at = ${expiry} FROM held
      WHERE lease.conversation = held.conversation AND lease.owner = $1
      RETURNING lease.conversation`,
    release: `DELETE FROM ${leases} WHERE conversation = $1 AND owner = $2`,
    lapsed: `SELECT conversation FROM ${leases} WHERE expires_at <= clock_timestamp()
      ORDER BY expires_at LIMIT ${LAPSED_PER_SWEEP}`,
  };
}
