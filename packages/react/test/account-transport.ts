// A transport that serves only the account stream, from events the test pushes: enough for
// the real client's live conversation list, with no daemon.
import type { Transport, TransportItem } from '@once/client';
import type { Conversation, IncomingEvent, Offset } from '@once/protocol';

export interface AccountTransport extends Transport {
  /** Delivers an event on every open account stream. */
  push(event: IncomingEvent): void;
  /** How many account streams are open now. */
  openStreams(): number;
}

export function createAccountTransport(): AccountTransport {
  const streams = new Set<(item: TransportItem) => void>();
  const refuse = () => Promise.reject(new Error('the account transport serves only the account stream'));
  return {
    push(event) {
      for (const deliver of streams) deliver({ kind: 'event', event });
    },
    openStreams: () => streams.size,
    listConversations: async () => ({ conversations: [], offset: 0 as Offset }),
    async *events(_stream, _afterOffset, signal): AsyncGenerator<TransportItem> {
      const waiting: TransportItem[] = [{ kind: 'ready', offset: 0 as Offset }];
      let wake: (() => void) | undefined;
      const deliver = (item: TransportItem) => {
        waiting.push(item);
        wake?.();
      };
      streams.add(deliver);
      signal.addEventListener('abort', () => wake?.(), { once: true });
      try {
        for (;;) {
          const item = waiting.shift();
          if (item !== undefined) {
            yield item;
            continue;
          }
          if (signal.aborted) throw signal.reason;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        streams.delete(deliver);
      }
    },
    snapshot: refuse,
    send: refuse,
    cancel: refuse,
    decide: refuse,
    createConversation: refuse,
    renameConversation: refuse,
    deleteConversation: refuse,
  };
}

/** A `conversation_created` event at `offset` for a conversation titled `title`. */
export function createdAt(offset: number, id: string, title: string): IncomingEvent {
  const ts = new Date(Date.UTC(2026, 10, 24, 0, 0, offset)).toISOString();
  const conversation = { id, title, createdAt: ts, updatedAt: ts } as unknown as Conversation;
  return { offset: offset as Offset, stream: 'account', type: 'conversation_created', ts, data: { conversation } };
}
