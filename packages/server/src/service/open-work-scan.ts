import type { ConversationHead, EventLog, SnapshotStore, StoredEntry } from '@once/log';
import type { ConversationId, Offset } from '@once/protocol';
import type { OpenWork } from './open-work.ts';
import { openWorkOfSummary } from './snapshot-record.ts';

/** Entries a scan reads at a time. */
const PAGE = 1_000;

/** What {@link scanOpenWork} found in one conversation. */
export interface OpenWorkScanResult {
  /** Whether a crash left work open there. */
  readonly open: boolean;
  /** How many events it read: those after the stored snapshot, or all without one. */
  readonly read: number;
}

/**
 * Whether a conversation may hold work a crash left open, told by its head and stored
 * snapshot summary alone (from {@link SnapshotStore.conversationHeads}): only when events
 * follow its snapshot, or it has none (or one it cannot use), or the snapshot names open
 * work. A conversation with no entry holds no event, so nothing is open there. Start-up
 * scans only these, so its cost follows the conversations a crash left open.
 */
export function mayHoldOpenWork(head: ConversationHead | undefined): boolean {
  if (head === undefined) return false;
  if (head.snapshot === undefined || head.snapshot.offset < head.head) return true;
  const work = openWorkOfSummary(head.snapshot);
  return work === undefined || work.streaming.length > 0 || work.activeTurn !== undefined || work.unanswered.length > 0;
}

/**
 * Tells whether a crash left work open in a conversation (see {@link OpenWorkScan}),
 * reading only what the stored snapshot does not hold: it starts from the snapshot's
 * open work and reads the events after its offset. A conversation whose head is its
 * snapshot's offset, with nothing open there, costs one look-up of the summary and one
 * empty read. Without a usable snapshot, every stored entry is read.
 */
export async function scanOpenWork(
  log: EventLog,
  snapshots: SnapshotStore | undefined,
  conversationId: ConversationId,
): Promise<OpenWorkScanResult> {
  const stream = { stream: 'conversation', conversationId } as const;
  const stored = await snapshots?.latestSnapshotSummary(stream);
  const work = stored === undefined ? undefined : openWorkOfSummary(stored);
  const scan = new OpenWorkScan(work);
  let after = work === undefined ? 0 : (stored?.offset ?? 0);
  let read = 0;
  for (;;) {
    const page = await log.readEntries(stream, after as Offset, PAGE);
    for (const entry of page) scan.add(entry);
    read += page.length;
    if (page.length < PAGE) return { open: scan.hasOpenWork(), read };
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
  readonly #streaming: Set<string>;
  readonly #userTurns: Set<string>;
  readonly #assistantTurns = new Set<string>();
  #activeTurn: string | undefined;

  /**
   * @param start The open work at the offset the scan starts after (a stored snapshot's);
   *   none when it starts at offset 0. Answered turns are not needed: no event after the
   *   snapshot can make them unanswered again.
   */
  constructor(start?: OpenWork) {
    this.#streaming = new Set(start?.streaming);
    this.#userTurns = new Set(start?.unanswered);
    this.#activeTurn = start?.activeTurn;
  }

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
