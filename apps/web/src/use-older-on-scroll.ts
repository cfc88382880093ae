import { useOlderMessages } from '@once/react';
import { type RefObject, useEffect, useLayoutEffect, useRef } from 'react';

/** How close to the top of the list (in pixels) a scroll loads the next older page. */
const NEAR_TOP_PX = 200;

/**
 * Loads the next page of older messages when the user scrolls `list` near its top, and
 * keeps what they were looking at in place when the page lands above it. Loads only on
 * scrolling, so opening a conversation shows its latest page and fetches nothing more.
 * `firstKey` is the key of the first message shown: it changes when a page lands.
 */
export function useOlderOnScroll(
  conversationId: string,
  list: RefObject<HTMLElement | null>,
  firstKey: string | undefined,
): void {
  const { hasOlder, loading, loadOlder } = useOlderMessages(conversationId);
  // The list's height and scroll position just before a page was asked for.
  const before = useRef<{ height: number; top: number } | undefined>(undefined);

  useEffect(() => {
    const element = list.current;
    if (element === null || !hasOlder || loading) return;
    const onScroll = () => {
      if (element.scrollTop > NEAR_TOP_PX) return;
      before.current = { height: element.scrollHeight, top: element.scrollTop };
      void loadOlder();
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, [list, hasOlder, loading, loadOlder]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the first message changes, i.e. a page landed.
  useLayoutEffect(() => {
    const element = list.current;
    const kept = before.current;
    if (element === null || kept === undefined) return;
    before.current = undefined;
    element.scrollTop = kept.top + (element.scrollHeight - kept.height);
  }, [firstKey, list]);
}
