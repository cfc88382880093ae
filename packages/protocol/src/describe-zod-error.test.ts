import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodError } from './describe-zod-error.ts';

function describeFailure(schema: z.ZodType, input: unknown, maxIssues?: number): string {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be refused');
  return describeZodError(result.error, maxIssues);
}

describe('describeZodError', () => {
  it('names each wrong field by its dotted path and ends the sentence', () => {
    const schema = z.object({ a: z.object({ b: z.string() }), list: z.array(z.number()) });
    expect(describeFailure(schema, { a: { b: 1 }, list: [1, 'two'] })).toBe(
      'a.b: Invalid input: expected string, received number; list.1: Invalid input: expected number, received string.',
    );
  });

  it('gives a problem with the whole value without a path', () => {
    expect(describeFailure(z.object({}), 'text')).toBe('Invalid input: expected object, received string.');
  });

  it('lists at most maxIssues problems and counts the rest', () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string() });
    const message = describeFailure(schema, {}, 2);
    expect(message.match(/: Invalid input/g)).toHaveLength(2);
    expect(message).toMatch(/ \(and 2 more\)\.$/);
  });

  it('describes a union by the branch the input comes closest to', () => {
    const schema = z.object({
      data: z.union([z.strictObject({ text: z.string() }), z.strictObject({ partialJson: z.string() })]),
    });
    expect(describeFailure(schema, { data: { text: 5 } })).toBe(
      'data.text: Invalid input: expected string, received number.',
    );
  });

  it('gives the problem all union branches share, or the union’s own message when they disagree', () => {
    const schema = z.object({
      data: z.union([z.strictObject({ text: z.string() }), z.strictObject({ partialJson: z.string() })], {
        error: 'data carries text or partialJson',
      }),
    });
    expect(describeFailure(schema, {})).toBe('data: Invalid input: expected object, received undefined.');
    expect(describeFailure(schema, { data: { text: 'a', partialJson: 'b' } })).toBe(
      'data: data carries text or partialJson.',
    );
  });
});
