/** A database URL with Once's own `schema` query parameter taken out. */
export interface DatabaseUrl {
  /** The URL to hand to the driver. */
  readonly url: string;
  /** The value of `?schema=`, if the URL had one. */
  readonly schema: string | undefined;
}

/**
 * Takes the `schema` query parameter out of a `postgres://` URL (`…/db?schema=once_eu`).
 * It is Once's, not PostgreSQL's: the driver would send every unknown query parameter to
 * the server as a setting, and the server would refuse the connection.
 * @throws Error when `url` is not a postgres:// or postgresql:// URL.
 */
export function splitDatabaseUrl(url: string): DatabaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new Error('The database URL is not a URL; expected postgres://user@host:port/database.', { cause: error });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`The database URL must start with postgres://, not ${parsed.protocol}//.`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}
