import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationClient, DomainSubscription, MessageDomainState } from '@once/client';
import { type RegenerateRequest, regenerateAnswer } from './regenerate-answer.ts';
import type { SeededRandom } from './seeded-random.ts';
import { type BranchSwitch, switchBranch } from './switch-branch.ts';
import { untilIdle } from './until-idle.ts';

/** What one simulated user did, for the checks at the end. */
export interface UserRecord {
  readonly conversationId: string;
  /** The clientMessageId of every send, and how it ended. */
  readonly sends: { clientMessageId: string; outcome: 'accepted' | 'failed' | 'pending' }[];
  /** Every regenerate the user asked for, and how it ended. */
  readonly regenerates: readonly RegenerateRequest[];
  /** Every branch switch the user asked for, and how it ended. */
  readonly switches: readonly BranchSwitch[];
  /**
   * The message domain as a consumer that stalls now and then folded it, once that consumer
   * has handled every item offered so far (it may be mid-pause when asked) or at `by` (a
   * time in ms), whichever comes first; undefined if the user has none.
   */
  stalledView(by: number): Promise<MessageDomainState | undefined>;
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

/** In a hundred rounds of a user, about how many regenerate an answer, and how many switch branches. */
const REGENERATE_ROUNDS = 15;
const SWITCH_ROUNDS = 8;
/** How long a user waits for the conversation to look idle before a regenerate or a switch, in ms. */
const IDLE_WAIT_MS = 5000;

/**
 * A person chatting, round after round until `done()`: mostly sends a message, sometimes
 * a second one right after it, then waits a little (not always for the answer); now and
 * then regenerates an answer or pages to another branch instead, usually once the
 * conversation looks idle, sometimes at once, while a turn may still run (the daemon
 * then refuses with 409). Every choice comes from `random`. Sends and regenerates carry
 * their own clientMessageId, so one retried across faults must have one effect.
 */
export function runUser(options: UserOptions): { record: UserRecord; finished: Promise<void> } {
  const { conversation, random } = options;
  const sends: UserRecord['sends'] = [];
  const regenerates: RegenerateRequest[] = [];
  const switches: BranchSwitch[] = [];
  // The rounds' choices, apart from the stalling consumer's draws, which follow the stream's timing.
  const choices = random.fork();
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
      const round = choices.int(0, 99);
      if (round < REGENERATE_ROUNDS + SWITCH_ROUNDS) {
        if (choices.chance(0.75)) await untilIdle(conversation, Date.now() + IDLE_WAIT_MS);
        if (round < REGENERATE_ROUNDS) await regenerateAnswer(conversation, choices, regenerates);
        else await switchBranch(conversation, choices, switches);
      } else {
        const first = send(choices.pick(PROMPTS));
        if (choices.chance(0.2)) await send(choices.pick(PROMPTS));
        await first;
      }
      await sleep(choices.int(50, 1500));
    }
  })();

  return {
    record: {
      conversationId: conversation.conversationId,
      sends,
      regenerates,
      switches,
      async stalledView(by) {
        if (stalling !== undefined) await settledOrAt(stalling, by);
        return stalledState;
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
