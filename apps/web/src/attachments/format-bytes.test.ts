import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [4300, '4.2 KB'],
    [20 * 1024 * 1024, '20 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
  ])('shows %i bytes as %s', (bytes, shown) => {
    expect(formatBytes(bytes)).toBe(shown);
  });
});
