// What a generated conversation is made of (see conversation-script.ts): the shape of its
// turns and blocks, and the fast-check arbitraries that generate them.
import type { Attachment, FinalMessageStatus } from '@once/protocol';
import fc from 'fast-check';

/** A surface patch of one level: a null value removes its key. */
export type FlatPatch = Record<string, string | number | null>;

/** One block of a generated assistant message: its type and what streams into it. */
export type BlockSpec =
  | { readonly type: 'text' | 'thinking'; readonly deltas: readonly string[] }
  | { readonly type: 'tool_use'; readonly toolName: string; readonly input: Record<string, number> }
  | { readonly type: 'tool_result'; readonly deltas: readonly string[]; readonly isError: boolean }
  | { readonly type: 'surface'; readonly patches: readonly FlatPatch[] };

/** One generated turn: the user message, the answer's blocks and how it ends, and what else happens in it. */
export interface TurnSpec {
  readonly userText: string;
  readonly withClientMessageId: boolean;
  readonly blocks: readonly BlockSpec[];
  readonly status: FinalMessageStatus;
  readonly approval: 'none' | 'allow' | 'deny';
  /** Open this turn's user message inside the previous assistant message's stream. */
  readonly queuedDuringPrevious: boolean;
  /** Where the queued user message goes, as a fraction of the previous stream. */
  readonly queuedAt: number;
  /** Put an event of a type from a newer protocol version into the turn. */
  readonly withUnknownEvent: boolean;
  /** Put a data part (an app event placed in the assistant message, decision 010) into the turn. */
  readonly withDataPart: boolean;
  /**
   * Branches (decision 022): `edit` opens this turn's user message as an alternative to the
   * previous turn's; `regenerate` adds a turn whose assistant message replaces this one's;
   * `select` switches back to this turn's first answer after that; `select_unknown`
   * selects a message no stream has. Default `none`.
   */
  readonly branching?: 'none' | 'edit' | 'regenerate' | 'select' | 'select_unknown';
  /** Files the user message is sent with (its `message_open` and snapshot carry them). Default none. */
  readonly attachments?: readonly Attachment[];
}

const text = fc.string({ minLength: 1, maxLength: 6 });
const flatPatch = fc.dictionary(
  fc.constantFrom('a', 'b', 'c', 'title'),
  fc.oneof(fc.integer(), text, fc.constant(null)),
  {
    maxKeys: 3,
  },
);

/** Generates a {@link BlockSpec} of any block type. */
export const blockSpecArbitrary: fc.Arbitrary<BlockSpec> = fc.oneof(
  fc.record({ type: fc.constantFrom('text' as const, 'thinking' as const), deltas: fc.array(text, { maxLength: 6 }) }),
  fc.record({
    type: fc.constant('tool_use' as const),
    toolName: fc.constantFrom('clock', 'calculator'),
    input: fc.dictionary(fc.constantFrom('x', 'y'), fc.integer({ min: -99, max: 99 }), { maxKeys: 2 }),
  }),
  fc.record({
    type: fc.constant('tool_result' as const),
    deltas: fc.array(text, { maxLength: 4 }),
    isError: fc.boolean(),
  }),
  fc.record({ type: fc.constant('surface' as const), patches: fc.array(flatPatch, { maxLength: 4 }) }),
);

const attachmentArbitrary: fc.Arbitrary<Attachment> = fc.record(
  {
    hash: fc.stringMatching(/^[0-9a-f]{64}$/),
    size: fc.nat({ max: 20 * 1024 * 1024 }),
    mediaType: fc.constantFrom('image/png', 'application/pdf', 'text/plain'),
    name: fc.constantFrom('photo.png', 'report.pdf', 'notes.txt'),
  },
  { requiredKeys: ['hash', 'size', 'mediaType'] },
);

/** Generates a {@link TurnSpec}. */
export const turnSpecArbitrary: fc.Arbitrary<TurnSpec> = fc.record({
  userText: text,
  withClientMessageId: fc.boolean(),
  blocks: fc.array(blockSpecArbitrary, { minLength: 0, maxLength: 5 }),
  status: fc.constantFrom<FinalMessageStatus>('complete', 'complete', 'cancelled', 'interrupted', 'error'),
  approval: fc.constantFrom('none' as const, 'allow' as const, 'deny' as const),
  queuedDuringPrevious: fc.boolean(),
  queuedAt: fc.double({ min: 0, max: 1, noNaN: true }),
  withUnknownEvent: fc.boolean(),
  withDataPart: fc.boolean(),
  branching: fc.constantFrom(
    'none' as const,
    'none' as const,
    'edit' as const,
    'regenerate' as const,
    'select' as const,
    'select_unknown' as const,
  ),
  attachments: fc.oneof(fc.constant([]), fc.array(attachmentArbitrary, { minLength: 1, maxLength: 3 })),
});

/** Generates the turns of one conversation, one to four. */
export const conversationArbitrary = fc.array(turnSpecArbitrary, { minLength: 1, maxLength: 4 });
