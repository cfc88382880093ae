/** How many of a conversation's latest messages the app opens with, unless the page's address says otherwise. */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * The page size the app opens conversations with: `?pageSize=N` in the page's address
 * (a whole number from 1 to 1000, for trying pages on a short conversation), else
 * {@link DEFAULT_PAGE_SIZE}. Older messages load as the user scrolls up.
 */
export function pageSizeOf(search: string): number {
  const text = new URLSearchParams(search).get('pageSize');
  const value = text === null || !/^[1-9][0-9]{0,3}$/.test(text) ? Number.NaN : Number(text);
  return value <= 1000 ? value : DEFAULT_PAGE_SIZE;
}
