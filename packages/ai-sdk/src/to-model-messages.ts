import { type AttachmentBytes, attachmentKind, toText, unavailableNote } from '@once/agent';
import type {
  Attachment,
  BlockSnapshot,
  JsonValue,
  MessageSnapshot,
  ToolResultBlock,
  ToolUseBlock,
} from '@once/protocol';
import type { AssistantContent, FilePart, ModelMessage, TextPart, ToolResultPart } from 'ai';

/** What the model reads for a call that has no result: the turn ended before it ran or finished. */
export const MISSING_TOOL_RESULT = 'The tool call ended without a result.';

/**
 * The conversation as AI SDK `ModelMessage`s: `history`, oldest first, then `current`
 * (this turn's assistant message so far), so the next step sees every earlier step.
 *
 * - A user message is `{ role: 'user', content }`, its text blocks joined. With
 *   attachments, `content` is parts: images and PDFs as `file` parts (the bytes, their
 *   `mediaType`, `filename`), which every AI SDK provider maps to its own image and
 *   document form; text files as `text` parts holding the file's text under its name,
 *   since most providers refuse a `text/*` file part; then the user's text. A file whose
 *   bytes are not in `attachments` is named in a text part instead.
 * - An assistant message, which holds a whole multi-step turn, becomes one `assistant`
 *   message per step (its text and `tool-call` parts, in block order), each followed by
 *   a `tool` message with one `tool-result` per call, in call order. A step ends at the
 *   first text or tool call after a tool result.
 * - A result is `json` (or `text` for a string), `error-json`/`error-text` when the tool
 *   failed or was denied; a call without a result gets {@link MISSING_TOOL_RESULT} as an
 *   error, since the AI SDK refuses a call left unanswered. A result without its call is
 *   left out.
 * - Thinking is left out: Once keeps no provider signature, without which providers drop
 *   or refuse reasoning sent back. Surfaces are UI and left out too.
 * - A message with nothing left (a failed call that streamed nothing) is skipped.
 */
export function toModelMessages(
  history: readonly MessageSnapshot[],
  current: MessageSnapshot,
  attachments: AttachmentBytes = new Map(),
): ModelMessage[] {
  return [...history, current].flatMap((message) =>
    message.role === 'user'
      ? userMessage(message.blocks, message.attachments ?? [], attachments)
      : assistantSteps(message.blocks),
  );
}

function userMessage(
  blocks: readonly BlockSnapshot[],
  files: readonly Attachment[],
  attachments: AttachmentBytes,
): ModelMessage[] {
  const content = blocks.map((block) => (block.type === 'text' ? block.text : '')).join('');
  if (files.length === 0) return content === '' ? [] : [{ role: 'user', content }];
  const parts = files.map((file) => filePart(file, attachments.get(file.hash)));
  return [{ role: 'user', content: content === '' ? parts : [...parts, { type: 'text', text: content }] }];
}

/** A user's file as an AI SDK user content part. */
function filePart(attachment: Attachment, bytes: Uint8Array | undefined): FilePart | TextPart {
  const kind = attachmentKind(attachment.mediaType);
  if (bytes === undefined || kind === 'other') {
    return { type: 'text', text: unavailableNote(attachment, bytes !== undefined) };
  }
  if (kind === 'text') return { type: 'text', text: `${attachment.name ?? 'Attached file'}:\n\n${toText(bytes)}` };
  return {
    type: 'file',
    data: bytes,
    mediaType: attachment.mediaType,
    ...(attachment.name === undefined ? {} : { filename: attachment.name }),
  };
}

function assistantSteps(blocks: readonly BlockSnapshot[]): ModelMessage[] {
  const messages: ModelMessage[] = [];
  let content: Exclude<AssistantContent, string> = [];
  let calls: ToolUseBlock[] = [];
  let results: ToolResultBlock[] = [];
  const endStep = () => {
    if (content.length > 0) messages.push({ role: 'assistant', content });
    if (calls.length > 0) {
      messages.push({
        role: 'tool',
        content: calls.map((call) =>
          toolResult(
            call,
            results.find((result) => result.toolUseId === call.toolUseId),
          ),
        ),
      });
    }
    content = [];
    calls = [];
    results = [];
  };
  for (const block of blocks) {
    if (block.type === 'text' || block.type === 'tool_use') {
      if (results.length > 0) endStep();
      if (block.type === 'text') {
        if (block.text !== '') content.push({ type: 'text', text: block.text });
      } else {
        calls.push(block);
        content.push({
          type: 'tool-call',
          toolCallId: block.toolUseId,
          toolName: block.toolName,
          input: toolInput(block),
        });
      }
    } else if (block.type === 'tool_result') {
      results.push(block);
    }
  }
  endStep();
  return messages;
}

function toolResult(call: ToolUseBlock, result: ToolResultBlock | undefined): ToolResultPart {
  return { type: 'tool-result', toolCallId: call.toolUseId, toolName: call.toolName, output: toolOutput(result) };
}

function toolOutput(result: ToolResultBlock | undefined): ToolResultPart['output'] {
  if (result === undefined) return { type: 'error-text', value: MISSING_TOOL_RESULT };
  const isError = result.isError === true;
  if (result.result === undefined) {
    const text = result.text === '' ? MISSING_TOOL_RESULT : result.text;
    return { type: isError || result.text === '' ? 'error-text' : 'text', value: text };
  }
  if (typeof result.result === 'string') return { type: isError ? 'error-text' : 'text', value: result.result };
  return { type: isError ? 'error-json' : 'json', value: result.result };
}

/** The closed block's input; a block cut short falls back to its streamed JSON, else `{}`. */
function toolInput(call: ToolUseBlock): JsonValue {
  if (call.input !== undefined) return call.input;
  try {
    return JSON.parse(call.partialJson) as JsonValue;
  } catch {
    return {};
  }
}
