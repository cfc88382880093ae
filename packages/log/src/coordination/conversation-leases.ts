/**
 * Who may run a conversation's turns. A daemon runs turns in a conversation only while it
 * holds the conversation's lease, and recovers what was left open there (a streaming
 * message, a running turn) only when it takes the lease from nobody live: a lease that
 * was released, or that its holder stopped renewing (it died).
 *
 *   free ──acquire──► held by A ──renew (every ttl/3)──► held by A
 *     ▲                   │ release            │ no renewal for ttl
 *     └───────────────────┘                    ▼
 *                                          lapsed ──acquire by B──► held by B
 *
 * Implementations: in-process (one daemon per SQLite file, always granted) and
 * PostgreSQL (`@once/postgres`), where the lease's clock is the database's.
 */
export interface ConversationLeases {
  /** This daemon process's owner id, unique per process (a restart is a new owner). */
  readonly owner: string;
  /** How long a lease lasts without renewal, in ms. */
  readonly ttlMs: number;
  /**
   * Takes the conversation's lease when it is free or lapsed, or extends it when this
   * owner already holds it. @returns whether this owner now holds it.
   */
  acquire(conversationId: string): Promise<boolean>;
  /**
   * Extends the leases this owner still holds among `conversationIds`.
   * @returns the conversations whose lease this owner still holds; the others were taken over.
   */
  renew(conversationIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** Gives the lease up, if this owner holds it. */
  release(conversationId: string): Promise<void>;
  /** Conversations whose lease lapsed without being released: their owner is presumed dead. */
  lapsed(): Promise<readonly string[]>;
}
