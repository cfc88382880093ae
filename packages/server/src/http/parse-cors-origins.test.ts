import { describe, expect, it } from 'vitest';
import { parseCorsOrigins } from './parse-cors-origins.ts';

describe('parseCorsOrigins', () => {
  it('normalises origins the way a browser writes Origin', () => {
    expect(
      parseCorsOrigins([
        'https://App.Example.com/',
        'http://localhost:3000',
        'https://app.example.com:443',
        'http://[::1]:8080',
      ]),
    ).toEqual(['https://app.example.com', 'http://localhost:3000', 'http://[::1]:8080']);
    expect(parseCorsOrigins(['*'])).toEqual(['*']);
  });

  it('says what is wrong with a value that is no origin', () => {
    const cases: readonly [string[], RegExp][] = [
      [['example.com'], /"example.com" has no scheme; write it as scheme:\/\/host\[:port\]/],
      [['localhost:3000'], /"localhost:3000" has no scheme/],
      [['ftp://example.com'], /"ftp:\/\/example.com" is not http or https/],
      [['https://example.com/app'], /has more than an origin/],
      [['https://example.com/?'], /has more than an origin/],
      [['https://example.com#x'], /has more than an origin/],
      [['https://user@example.com'], /has more than an origin/],
      [['http://exa mple.com'], /is not a valid origin/],
      [['*', 'https://example.com'], /give "\*" alone/],
      [[], /is empty/],
    ];
    for (const [values, message] of cases) {
      expect(() => parseCorsOrigins(values), JSON.stringify(values)).toThrow(message);
    }
  });
});
