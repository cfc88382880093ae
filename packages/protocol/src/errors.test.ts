import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode, isOnceError, OnceError } from './errors.ts';

const codes = Object.keys(ERROR_STATUS) as ErrorCode[];

describe('ERROR_STATUS', () => {
  it.each(codes)('maps %s to an HTTP error status', (code) => {
    const status = ERROR_STATUS[code];
    expect(Number.isInteger(status)).toBe(true);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
  });

  it('answers bad input with 400 and a missing thing with 404', () => {
    for (const code of ['invalid_json', 'invalid_request', 'invalid_event', 'bad_cursor'] as const) {
      expect(ERROR_STATUS[code]).toBe(400);
    }
    for (const code of codes.filter((name) => name.endsWith('not_found'))) expect(ERROR_STATUS[code]).toBe(404);
  });

  it('uses snake_case codes', () => {
    for (const code of codes) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });
});

describe('OnceError', () => {
  it.each(codes)('carries the status that goes with %s', (code) => {
    const error = new OnceError(code, 'Something went wrong.');
    expect(error.status).toBe(ERROR_STATUS[code]);
    expect(error.code).toBe(code);
  });

  it('is an Error with a name, message, stack and cause', () => {
    const cause = new TypeError('boom');
    const error = new OnceError('conversation_not_found', 'No conversation has this id.', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OnceError');
    expect(error.message).toBe('No conversation has this id.');
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('OnceError');
  });

  it('toBody() is exactly { error: { code, message } } and survives JSON', () => {
    const body = new OnceError('bad_cursor', 'Send a decimal offset.', { cause: new Error('hidden') }).toBody();
    expect(body).toStrictEqual({ error: { code: 'bad_cursor', message: 'Send a decimal offset.' } });
    expect(JSON.parse(JSON.stringify(body))).toStrictEqual(body);
  });
});

describe('isOnceError', () => {
  it('recognises a OnceError and one made by another copy of the package', () => {
    expect(isOnceError(new OnceError('internal', 'Oops.'))).toBe(true);
    const lookalike = Object.assign(new Error('Gone.'), { name: 'OnceError', code: 'not_found', status: 404 });
    expect(isOnceError(lookalike)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['an Error named OnceError without a code', Object.assign(new Error('x'), { name: 'OnceError' })],
    ['a plain object shaped like one', { name: 'OnceError', code: 'internal', message: 'x' }],
    ['an error body', { error: { code: 'internal', message: 'x' } }],
    ['null', null],
    ['a string', 'OnceError'],
  ])('refuses %s', (_label, value) => {
    expect(isOnceError(value)).toBe(false);
  });
});
