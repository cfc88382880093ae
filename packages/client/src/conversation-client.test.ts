import { describe, expect, it, vi } from 'vitest';
import { createManualTimers } from '../test/manual-timers.ts';
import {
  activityAt,
  CONVERSATION_ID,
  createScriptedTransport,
  emptySnapshot,
  orphanDeltaAt,
} from '../test/scripted-transport.ts';
import { openConversation } from './conversation-client.ts';
import type { TurnDomainState } from './domains/turn-domain.ts';

describe('openConversation domains', () => {
  it('deliver each accepted event once, and the state again when a refused event makes the store refetch', async () => {
    const transport = createScriptedTransport(emptySnapshot(5));
    const conversation = openConversation(CONVERSATION_ID, {
      transport,
      timers: createManualTimers(),
      random: () => 0.5,
      now: () => 0,
    });
    await vi.waitFor(() => expect(transport.streams).toHaveLength(1));
    const turn = conversation.domains.turn;
    const items: string[] = [];
    let folded: TurnDomainState | undefined;
    turn.subscribe((item) => {
      folded = turn.foldItem(folded, item);
      items.push(item.kind === 'resync' ? `${item.reason}@${item.offset}` : `${item.kind}@${item.event.offset}`);
    });
    const first = transport.streams[0];
    // 6 is new, 6 again is a duplicate, 7 refers to a message never opened: refused, refetch.
    first?.push(activityAt(6), activityAt(6), orphanDeltaAt(7));
    transport.setSnapshot({ ...emptySnapshot(9), activity: { phase: 'streaming' } });
    await vi.waitFor(() => expect(transport.streams).toHaveLength(2));
    transport.streams[1]?.push(activityAt(10));
    await vi.waitFor(() => expect(items).toEqual(['subscribed@5', 'event@6', 'refetch@9', 'event@10']));
    expect(folded).toEqual({ activity: { phase: 'thinking' } });
    expect(folded).toEqual(turn.current().state);
    conversation.close();
    await conversation.closed;
  });
});
