import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationClient, DomainSubscription, MessageDomainState } from '@once/client';
import type { SeededRandom } from './seeded-random.ts';

/** What one simulated user did, for the checks at the end. */
export interface UserRecord {
  readonly conversationId: string;
  /** The clientMessageId of every send, and how it ended. */
  readonly sends: { clientMessageId: string; outcome: 'accepted' | 'failed' | 'pending' }[];
  /**
   * The message domain as a consumer that stalls now and then folded it, once that consumer
   * has handled every item offered so far (it may be mid-pause when asked) or at `by` (a
   * time in ms), whichever comes first; undefined if the user has none.
   */
  stalledView(by: number): Promise<MessageDomainState['messages'] | undefined>;
  /** How often the stalled consumer fell behind and was handed the whole state instead. */
  readonly overflows: number;
}

/** Options of {@link runUser}. */
export interface UserOptions {
  readonly conversation: ConversationClient;
  readonly random: SeededRandom;
  /** Keep sending until this returns true. */
  readonly done: () => boolean;
  /** Whether this user also has a consumer that stalls (a slow renderer, a bot, a webhook). */
  readonly stallingConsumer: boolean;
}

const PROMPTS = [
  'Tell me about durable streams.',
  'What time is it? Use a tool.',
  'Explain exactly-once delivery in two paragraphs.',
  'Write a short code sample.',
];

/**
 * A person chatting: sends a message, sometimes a second one right after it, waits a
 * little (not always for the answer), and again, until `done()`. Sends carry their own
 * clientMessageId, so a send retried across faults must create one message.
 */
export function runUser(options: UserOptions): { record: UserRecord; finished: Promise<void> } {
  const { conversation, random } = options;
  const sends: UserRecord['sends'] = [];
  let stalledState: MessageDomainState | undefined;
  let overflows = 0;

  const dispatcher = conversation.domains.message;
  const stalling = options.stallingConsumer
    ? dispatcher.subscribe(
        async (item) => {
          if (item.kind === 'resync' && item.reason === 'overflow') overflows += 1;
          stalledState = dispatcher.foldItem(stalledState, item);
          if (random.chance(0.01)) await sleep(random.int(100, 800));
        },
        { bufferSize: 16 },
      )
    : undefined;

  const send = async (content: string) => {
    const clientMessageId = crypto.randomUUID();
    const entry = { clientMessageId, outcome: 'pending' as UserRecord['sends'][number]['outcome'] };
    sends.push(entry);
    try {
      await conversation.send(content, { clientMessageId });
      entry.outcome = 'accepted';
    } catch {
      entry.outcome = 'failed';
    }
  };

  const finished = (async () => {
    while (!options.done()) {
      const first = send(random.pick(PROMPTS));
      if (random.chance(0.2)) await send(random.pick(PROMPTS));
      await first;
      await sleep(random.int(50, 1500));
    }
  })();

  return {
    record: {
      conversationId: conversation.conversationId,
      sends,
      async stalledView(by) {
        if (stalling !== undefined) await settledOrAt(stalling, by);
        return stalledState?.messages;
      },
      get overflows() {
        return overflows;
      },
    },
    finished,
  };
}

/** Waits until `subscription` has handled every item offered so far, or until `by`. */
async function settledOrAt(subscription: DomainSubscription, by: number): Promise<void> {
  const deadline = new AbortController();
  try {
    await Promise.race([
      subscription.settled(),
      sleep(Math.max(0, by - Date.now()), undefined, { signal: deadline.signal }),
    ]);
  } finally {
    deadline.abort();
  }
}
