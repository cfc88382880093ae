import { describeZodError, OnceError } from '@once/protocol';
import type { z } from 'zod';

/**
 * Validates a request part (body, query, params) against a schema.
 * @throws OnceError `invalid_request` naming what is wrong and where.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new OnceError('invalid_request', `Invalid ${where}: ${describeZodError(result.error)}`);
}
