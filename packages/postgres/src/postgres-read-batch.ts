import type { Sql } from 'postgres';
import { PREPARED, type SchemaNames } from './postgres-schema.ts';

/** One stream's page: the events of stream `key` after offset `after`, at most `limit`. */
interface PageRequest {
  readonly key: number;
  readonly after: number;
  readonly limit: number;
  readonly resolve: (envelopes: string[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Reads pages of events, one query for every page asked for in the same turn of the event
 * loop: a daemon that hears another daemon's commit of a hundred conversations refills each
 * one it serves, and those hundred reads then take one round trip instead of a hundred
 * (each a socket write and a query for PostgreSQL to parse, plan and answer). A page asked
 * for alone is the plain indexed range read. Each page is what the plain read would return.
 */
export class PostgresReadBatch {
  readonly #sql: Sql;
  readonly #single: string;
  readonly #batched: string;
  #pending: PageRequest[] = [];

  constructor(sql: Sql, names: SchemaNames) {
    this.#sql = sql;
    this.#single = `SELECT envelope FROM ${names.events} WHERE stream = $1 AND stream_offset > $2
      ORDER BY stream_offset LIMIT $3`;
    // Each request's page through the primary key (stream, stream_offset), numbered by
    // request so the rows can be dealt back; a page's rows come in offset order.
    this.#batched = `SELECT request.number, page.envelope
      FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS request(stream, after, page_limit, number)
      CROSS JOIN LATERAL (
        SELECT envelope, stream_offset FROM ${names.events}
        WHERE stream = request.stream AND stream_offset > request.after
        ORDER BY stream_offset LIMIT request.page_limit
      ) AS page
      ORDER BY request.number, page.stream_offset`;
  }

  /** The envelopes of stream `key` after offset `after`, at most `limit`, in offset order. */
  read(key: number, after: number, limit: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ key, after, limit, resolve, reject });
      // Pages asked for by the rest of this turn (other streams' refills) join this query.
      if (this.#pending.length === 1) queueMicrotask(() => this.#flush());
    });
  }

  #flush(): void {
    const requests = this.#pending;
    this.#pending = [];
    if (requests.length === 1) {
      const [request] = requests as [PageRequest];
      this.#sql
        .unsafe<{ envelope: string }[]>(this.#single, [request.key, request.after, request.limit], PREPARED)
        .then((rows) => request.resolve(rows.map((row) => row.envelope)), request.reject);
      return;
    }
    this.#sql
      .unsafe<{ number: string; envelope: string }[]>(
        this.#batched,
        [
          requests.map((request) => request.key),
          requests.map((request) => request.after),
          requests.map((request) => request.limit),
        ],
        PREPARED,
      )
      .then(
        (rows) => {
          const pages: string[][] = requests.map(() => []);
          for (const row of rows) pages[Number(row.number) - 1]?.push(row.envelope);
          for (const [index, request] of requests.entries()) request.resolve(pages[index] as string[]);
        },
        (error: unknown) => {
          for (const request of requests) request.reject(error);
        },
      );
  }
}
