// The UI-stream ingestion path of @once/ai-sdk (what `--provider ui-stream` runs on every
// byte an AI SDK route sends: parseUIMessageChunks, then createUIChunkWriter into a
// MessageWriter) beside Once's native writer writing the same content, both on an append
// that only counts events; and the same path on the AI SDK's parseJsonEventStream.
import { createUIChunkWriter, parseUIMessageChunks } from '@once/ai-sdk';
import { type AppendDrafts, createMessageWriter, type MessageWriter } from '@once/producer';
import { type ConversationId, newId, type TurnId } from '@once/protocol';
import { parseJsonEventStream, type UIMessageChunk, uiMessageChunkSchema } from 'ai';
import type { Bench } from './bench-report.ts';

const STEPS = 20;
const DELTAS = 500;
const ROUNDS = 7;

/** A 20-step answer: each step 500 text deltas, then a tool call with its input streamed and its output. */
function buildChunks(): UIMessageChunk[] {
  const chunks: UIMessageChunk[] = [{ type: 'start' }];
  for (let step = 0; step < STEPS; step += 1) {
    const id = String(step);
    const toolCallId = `call-${step}`;
    chunks.push({ type: 'start-step' }, { type: 'text-start', id });
    for (let delta = 0; delta < DELTAS; delta += 1) chunks.push({ type: 'text-delta', id, delta: `tok${delta % 97} ` });
    chunks.push(
      { type: 'text-end', id },
      { type: 'tool-input-start', toolCallId, toolName: 'weather' },
      { type: 'tool-input-delta', toolCallId, inputTextDelta: '{"city":' },
      { type: 'tool-input-delta', toolCallId, inputTextDelta: '"Paris"}' },
      { type: 'tool-input-available', toolCallId, toolName: 'weather', input: { city: 'Paris' } },
      { type: 'tool-output-available', toolCallId, output: { forecast: 'sunny', celsius: 21 } },
      { type: 'finish-step' },
    );
  }
  chunks.push({ type: 'finish', finishReason: 'stop' });
  return chunks;
}

/** A writer on an append that keeps nothing, and the count of events it was handed. */
function countingWriter(): { writer: MessageWriter; events: () => number } {
  let events = 0;
  const append: AppendDrafts = async (drafts) => {
    events += drafts.length;
  };
  const writer = createMessageWriter(
    { conversationId: newId() as ConversationId, role: 'assistant', turnId: newId() as TurnId },
    { append },
  );
  return { writer, events: () => events };
}

/** Once's own writer, as its tool loop writes the same answer. */
async function native(): Promise<number> {
  const { writer, events } = countingWriter();
  for (let step = 0; step < STEPS; step += 1) {
    const text = writer.openBlock({ blockType: 'text' });
    for (let delta = 0; delta < DELTAS; delta += 1) writer.appendDelta(text, { text: `tok${delta % 97} ` });
    writer.closeBlock(text);
    const call = writer.openBlock({ blockType: 'tool_use', toolName: 'weather', toolUseId: `call-${step}` });
    writer.appendDelta(call, { partialJson: '{"city":' });
    writer.appendDelta(call, { partialJson: '"Paris"}' });
    writer.closeBlock(call, { input: { city: 'Paris' } });
    const result = writer.openBlock({ blockType: 'tool_result', toolUseId: `call-${step}` });
    writer.closeBlock(result, { result: { forecast: 'sunny', celsius: 21 }, isError: false });
  }
  await writer.complete('complete', { stopReason: 'end_turn' });
  return events();
}

/** Reads an SSE body into UI message chunks. */
type ChunkParser = (body: ReadableStream<Uint8Array>) => ReadableStream<UIMessageChunk>;

/** The AI SDK's own reader, as `DefaultChatTransport` uses it: every chunk through the schema. */
const aiSdkParser: ChunkParser = (body) =>
  parseJsonEventStream({ stream: body, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream({
      transform(result, controller) {
        if (!result.success) throw result.error;
        controller.enqueue(result.value);
      },
    }),
  );

/** The SSE body as an AI SDK route sends it, read back by `parse` into the chunk writer. */
async function ingested(body: Uint8Array, parse: ChunkParser): Promise<number> {
  const { writer, events } = countingWriter();
  let appEvents = 0;
  const chunks = createUIChunkWriter({ writer, emit: () => (appEvents += 1) });
  const reader = parse(new Blob([body]).stream()).getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.write(next.value);
  await writer.complete('complete', { stopReason: 'end_turn' });
  return events() + appEvents;
}

async function best(run: () => Promise<number>): Promise<{ seconds: number; events: number }> {
  let seconds = Number.POSITIVE_INFINITY;
  let events = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    (globalThis as { gc?: () => void }).gc?.();
    const started = process.hrtime.bigint();
    events = await run();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { seconds, events };
}

const bench: Bench = async () => {
  const chunks = buildChunks();
  const body = new TextEncoder().encode(
    `${chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('')}data: [DONE]\n\n`,
  );
  const once = await best(native);
  const ui = await best(() => ingested(body, parseUIMessageChunks));
  const schemaOnEvery = await best(() => ingested(body, aiSdkParser));
  const limit = { what: "Once's native writer, same content", value: once.events / once.seconds };
  return {
    title: 'UI message stream ingestion (packages/ai-sdk)',
    method: `An answer of ${STEPS} steps, each ${DELTAS} text deltas and a tool call with streamed input and output (${chunks.length.toLocaleString('en-US')} UI message chunks, ${(body.length / 1024).toFixed(0)} KiB of SSE), written into one message on an append that only counts events: SSE bytes through parseUIMessageChunks and createUIChunkWriter, as the daemon ingests them, beside Once's native MessageWriter calls for the same blocks. Best of ${ROUNDS} rounds, in-process, after GC; HTTP and the log are left out, being the same for both.`,
    rows: [
      {
        what: 'UI stream ingestion (SSE bytes → parseUIMessageChunks → Once events)',
        value: ui.events / ui.seconds,
        unit: 'events/s',
        limit,
        goal: '≥ 0.5 of native',
      },
      {
        what: "the same on the AI SDK's parseJsonEventStream (schema on every chunk)",
        value: schemaOnEvery.events / schemaOnEvery.seconds,
        unit: 'events/s',
        limit,
      },
    ],
    notes: [
      `Events written: native ${once.events.toLocaleString('en-US')}, UI stream ${ui.events.toLocaleString('en-US')} (the ${STEPS} step_start app events included).`,
    ],
  };
};

export default bench;
