import type { EventLog, StoredEntry } from '@once/log';
import type { ConversationId, Offset } from '@once/protocol';

/** Entries a scan reads at a time. */
const PAGE = 1_000;

/**
 * Reads a conversation's stored entries in pages and tells whether a crash left work open
 * there (see {@link OpenWorkScan}).
 */
export async function hasOpenWork(log: EventLog, conversationId: ConversationId): Promise<boolean> {
  const stream = { stream: 'conversation', conversationId } as const;
  const scan = new OpenWorkScan();
  let after = 0;
  for (;;) {
    const page = await log.readEntries(stream, after as Offset, PAGE);
    for (const entry of page) scan.add(entry);
    if (page.length < PAGE) return scan.hasOpenWork();
    after = page[page.length - 1]?.offset ?? after;
  }
}

/** The few fields of the events that open or close work, read off their stored text. */
interface WorkFields {
  readonly messageId?: string;
  readonly data?: { readonly role?: string; readonly turnId?: string };
}

/**
 * Tells, from a conversation's stored entries read in order, whether a crash left work
 * open there — exactly what `recoverConversation` would act on: a message still
 * streaming, a turn still running, or a user message whose turn never ran (no assistant
 * message of its turn, and not the running turn). Only `message_open`,
 * `message_complete`, `turn_start` and `turn_end` are parsed; deltas, the bulk of a
 * conversation, are passed over by type, so start-up folds only the conversations that
 * need it.
 */
export class OpenWorkScan {
  readonly #streaming = new Set<string>();
  readonly #userTurns = new Set<string>();
  readonly #assistantTurns = new Set<string>();
  #activeTurn: string | undefined;

  /** Takes the next entry of the stream. */
  add(entry: StoredEntry): void {
    switch (entry.type) {
      case 'message_open': {
        const { messageId, data } = JSON.parse(entry.json) as WorkFields;
        if (messageId !== undefined) this.#streaming.add(messageId);
        if (data?.turnId !== undefined)
          (data.role === 'user' ? this.#userTurns : this.#assistantTurns).add(data.turnId);
        return;
      }
      case 'message_complete': {
        const { messageId } = JSON.parse(entry.json) as WorkFields;
        if (messageId !== undefined) this.#streaming.delete(messageId);
        return;
      }
      case 'turn_start':
        this.#activeTurn = (JSON.parse(entry.json) as WorkFields).data?.turnId;
        return;
      case 'turn_end':
        if ((JSON.parse(entry.json) as WorkFields).data?.turnId === this.#activeTurn) this.#activeTurn = undefined;
        return;
      default:
        return;
    }
  }

  /** Whether what was read so far leaves work for recovery. */
  hasOpenWork(): boolean {
    if (this.#streaming.size > 0 || this.#activeTurn !== undefined) return true;
    for (const turnId of this.#userTurns) if (!this.#assistantTurns.has(turnId)) return true;
    return false;
  }
}
