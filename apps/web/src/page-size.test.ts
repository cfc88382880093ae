import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, pageSizeOf } from './page-size.ts';

describe('pageSizeOf', () => {
  it('takes ?pageSize= from 1 to 1000 and falls back to the default for anything else', () => {
    expect(pageSizeOf('?pageSize=10')).toBe(10);
    expect(pageSizeOf('?x=1&pageSize=1000')).toBe(1000);
    for (const search of ['', '?pageSize=0', '?pageSize=1001', '?pageSize=-5', '?pageSize=ten', '?pageSize=05']) {
      expect(pageSizeOf(search), search).toBe(DEFAULT_PAGE_SIZE);
    }
  });
});
