// Valid AI SDK UI message streams for property tests, and a view of a UIMessage's content.
import type { UIMessage, UIMessageChunk } from 'ai';
import fc from 'fast-check';

type Json = ReturnType<typeof JSON.parse>;

// JSON as it crosses the wire; a `__proto__` key is left out, since no JSON reader keeps it alike.
const json = fc.jsonValue({ maxDepth: 2 }).filter((value) => !JSON.stringify(value).includes('__proto__'));
const word = fc.string({ maxLength: 6 });

const textLike = fc.record({
  kind: fc.constantFrom('text' as const, 'reasoning' as const),
  // Ids repeat across parts, as streamText's do from one step to the next.
  id: fc.constantFrom('0', '1', 'r'),
  deltas: fc.array(word, { maxLength: 4 }),
});

const toolCall = fc.record({
  kind: fc.constant('tool' as const),
  toolName: fc.constantFrom('weather', 'search_docs'),
  input: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), json, { maxKeys: 3 }),
  /** 0: the input arrives whole (tool-input-available alone); n: streamed in n pieces first. */
  pieces: fc.integer({ min: 0, max: 3 }),
  outcome: fc.oneof(
    fc.record({ type: fc.constant('output' as const), output: json, preliminary: fc.array(json, { maxLength: 2 }) }),
    fc.record({
      type: fc.constant('preliminary-only' as const),
      preliminary: fc.array(json, { minLength: 1, maxLength: 2 }),
    }),
    fc.record({ type: fc.constant('output-error' as const), errorText: word }),
    fc.record({ type: fc.constant('input-error' as const), errorText: word }),
    fc.record({ type: fc.constant('denied' as const) }),
    fc.record({ type: fc.constant('none' as const) }),
  ),
});

const dataPart = fc.record({
  kind: fc.constant('data' as const),
  name: fc.constantFrom('weather', 'statusCard', 'usage'),
  id: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  data: json,
  transient: fc.boolean(),
});

const ending = fc.oneof(
  fc.record({
    type: fc.constant('finish' as const),
    finishReason: fc.constantFrom('stop', 'tool-calls', 'length', 'content-filter', 'other', undefined),
  }),
  fc.record({ type: fc.constant('abort' as const) }),
  fc.record({ type: fc.constant('error' as const), errorText: fc.string({ minLength: 1, maxLength: 20 }) }),
);

/**
 * A whole UI message stream: start, steps of parts, an ending. With `interleaved`, the
 * chunks of a step's parts are merged in an order `picks` chooses (each part's own chunks
 * stay in order, as in a merged stream), and text and reasoning ids are unique.
 */
export const uiMessageStream = fc
  .record({
    steps: fc.array(fc.array(fc.oneof(textLike, toolCall, dataPart), { maxLength: 5 }), { maxLength: 3 }),
    interleaved: fc.boolean(),
    picks: fc.array(fc.nat({ max: 7 }), { maxLength: 40 }),
    ending,
  })
  .map(({ steps, interleaved, picks, ending }): UIMessageChunk[] => {
    let calls = 0;
    const chunks: UIMessageChunk[] = [{ type: 'start', messageId: 'upstream-message' }];
    steps.forEach((step, stepIndex) => {
      chunks.push({ type: 'start-step' });
      const parts = step.map((part, partIndex): UIMessageChunk[] => {
        if (part.kind === 'text' || part.kind === 'reasoning') {
          const id = interleaved ? `${stepIndex}.${partIndex}` : part.id;
          return [
            { type: `${part.kind}-start`, id },
            ...part.deltas.map((delta): UIMessageChunk => ({ type: `${part.kind}-delta`, id, delta })),
            { type: `${part.kind}-end`, id },
          ];
        }
        if (part.kind === 'data') {
          return [
            {
              type: `data-${part.name}`,
              data: part.data,
              ...(part.id === undefined ? {} : { id: part.id }),
              ...(part.transient ? { transient: true } : {}),
            },
          ];
        }
        if (part.kind === 'tool') {
          calls += 1;
          return toolChunks(`call-${calls}`, part);
        }
        return [];
      });
      chunks.push(...(interleaved ? merge(parts, picks) : parts.flat()), { type: 'finish-step' });
    });
    chunks.push(ending as UIMessageChunk);
    // As it crosses the wire.
    return JSON.parse(JSON.stringify(chunks)) as UIMessageChunk[];
  });

/** One list of every list's items, each list's in order, taking from the list `picks` names next. */
function merge<T>(lists: readonly T[][], picks: readonly number[]): T[] {
  const queues = lists.map((list) => [...list]).filter((list) => list.length > 0);
  const merged: T[] = [];
  for (let turn = 0; queues.length > 0; turn += 1) {
    const index = (picks[turn % Math.max(picks.length, 1)] ?? 0) % queues.length;
    const queue = queues[index] as T[];
    merged.push(queue.shift() as T);
    if (queue.length === 0) queues.splice(index, 1);
  }
  return merged;
}

function toolChunks(toolCallId: string, call: ToolCall): UIMessageChunk[] {
  const { toolName, input, outcome } = call;
  const chunks: UIMessageChunk[] = [];
  if (call.pieces > 0) {
    chunks.push({ type: 'tool-input-start', toolCallId, toolName });
    const text = JSON.stringify(input);
    const size = Math.ceil(text.length / call.pieces);
    for (let start = 0; start < text.length; start += size) {
      chunks.push({ type: 'tool-input-delta', toolCallId, inputTextDelta: text.slice(start, start + size) });
    }
  }
  if (outcome.type === 'input-error') {
    chunks.push({ type: 'tool-input-error', toolCallId, toolName, input, errorText: outcome.errorText });
    return chunks;
  }
  chunks.push({ type: 'tool-input-available', toolCallId, toolName, input });
  switch (outcome.type) {
    case 'output':
    case 'preliminary-only':
      for (const output of outcome.preliminary) {
        chunks.push({ type: 'tool-output-available', toolCallId, output, preliminary: true });
      }
      if (outcome.type === 'output') chunks.push({ type: 'tool-output-available', toolCallId, output: outcome.output });
      break;
    case 'output-error':
      chunks.push({ type: 'tool-output-error', toolCallId, errorText: outcome.errorText });
      break;
    case 'denied':
      chunks.push({ type: 'tool-output-denied', toolCallId });
      break;
    case 'none':
      break;
  }
  return chunks;
}

type ToolCall = typeof toolCall extends fc.Arbitrary<infer Call> ? Call : never;

/**
 * What a user sees of a message: its parts' content and state. Left out: ids of the
 * message and of reasoning parts, provider metadata, and the `preliminary` and `rawInput`
 * bookkeeping of tool parts.
 */
export function contentOf(message: UIMessage): Json[] {
  return message.parts.map((part) => {
    if (part.type === 'text' || part.type === 'reasoning')
      return { type: part.type, text: part.text, state: part.state };
    if (part.type === 'step-start') return { type: part.type };
    if (part.type.startsWith('data-')) {
      const data = part as { type: string; id?: string; data: unknown };
      return { type: data.type, id: data.id, data: data.data };
    }
    if (part.type.startsWith('tool-')) {
      const tool = part as {
        type: string;
        toolCallId: string;
        state: string;
        input?: unknown;
        output?: unknown;
        errorText?: string;
      };
      return {
        type: tool.type,
        toolCallId: tool.toolCallId,
        state: tool.state,
        input: tool.input,
        output: tool.output,
        errorText: tool.errorText,
      };
    }
    return { type: part.type };
  });
}
