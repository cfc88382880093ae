import { describe, expect, it } from 'vitest';
import { splitDatabaseUrl } from './database-url.ts';

describe('splitDatabaseUrl', () => {
  it('takes the schema parameter out and keeps the driver’s own parameters', () => {
    expect(splitDatabaseUrl('postgres://once:secret@db:5432/app?schema=once_eu&sslmode=require')).toEqual({
      url: 'postgres://once:secret@db:5432/app?sslmode=require',
      schema: 'once_eu',
    });
  });

  it('leaves a URL without a schema as it is', () => {
    expect(splitDatabaseUrl('postgresql://127.0.0.1/test')).toEqual({
      url: 'postgresql://127.0.0.1/test',
      schema: undefined,
    });
  });

  it('refuses what is not a postgres URL, saying what it expects', () => {
    expect(() => splitDatabaseUrl('mysql://db/app')).toThrow(/must start with postgres:\/\//);
    expect(() => splitDatabaseUrl('db:5432')).toThrow(/must start with postgres:\/\/|not a URL/);
  });
});
