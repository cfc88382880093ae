import type {
  Attachment,
  BlockSnapshot,
  JsonValue,
  MessageSnapshot,
  ToolResultBlock,
  ToolUseBlock,
} from '@once/protocol';
import type {
  ChatCompletionContentPart,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import { type AttachmentBytes, attachmentKind, toBase64, toText, unavailableNote } from '../../attachment-bytes.ts';
import type { ToolDefinition } from '../../model-provider.ts';

/** What a tool message says for a call that has no result: the turn ended before it ran or finished. */
export const MISSING_TOOL_RESULT = 'The tool call ended without a result.';

/**
 * The conversation as Chat Completions messages: `history`, oldest first, then `current`
 * (this turn's assistant message so far) so the next call sees every step of the turn.
 *
 * - A user message is `{ role: 'user', content }`, its text blocks joined. With
 *   attachments, `content` is parts: images as `image_url` data URLs, PDFs as `file`
 *   parts (`file_data` a data URL, `filename`), text files as `text` parts holding the
 *   file's text under its name; then the user's text. A file whose bytes are not in
 *   `attachments` is named in a text part instead.
 * - An assistant message becomes one `assistant` message per step — its text (or `null`)
 *   and its `tool_calls` — each followed by one `tool` message per call, in call order.
 *   A step ends at the first text or tool call after a tool result.
 * - Thinking and surface blocks are left out: the model does not read its own reasoning
 *   back, and surfaces are UI.
 * - A message with nothing left (a failed call that streamed nothing) is skipped.
 */
export function toChatMessages(
  history: readonly MessageSnapshot[],
  current: MessageSnapshot,
  attachments: AttachmentBytes = new Map(),
): ChatCompletionMessageParam[] {
  return [...history, current].flatMap((message) =>
    message.role === 'user'
      ? userMessage(message.blocks, message.attachments ?? [], attachments)
      : assistantSteps(message.blocks),
  );
}

/** Tools as Chat Completions function tools; the input schema is the function's `parameters`. */
export function toChatTools(tools: readonly ToolDefinition[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      description: tool.description,
      ...(isJsonObject(tool.inputSchema) ? { parameters: tool.inputSchema } : {}),
    },
  }));
}

function userMessage(
  blocks: readonly BlockSnapshot[],
  files: readonly Attachment[],
  attachments: AttachmentBytes,
): ChatCompletionMessageParam[] {
  const content = blocks.map((block) => (block.type === 'text' ? block.text : '')).join('');
  if (files.length === 0) return content === '' ? [] : [{ role: 'user', content }];
  const parts = files.map((file) => filePart(file, attachments.get(file.hash)));
  return [{ role: 'user', content: content === '' ? parts : [...parts, { type: 'text', text: content }] }];
}

/** A user's file as a Chat Completions content part. */
function filePart(attachment: Attachment, bytes: Uint8Array | undefined): ChatCompletionContentPart {
  const kind = attachmentKind(attachment.mediaType);
  if (bytes === undefined || kind === 'other') {
    return { type: 'text', text: unavailableNote(attachment, bytes !== undefined) };
  }
  const dataUrl = () => `data:${attachment.mediaType};base64,${toBase64(bytes)}`;
  switch (kind) {
    case 'image':
      return { type: 'image_url', image_url: { url: dataUrl() } };
    case 'pdf':
      return {
        type: 'file',
        file: { filename: attachment.name ?? `${attachment.hash.slice(0, 12)}.pdf`, file_data: dataUrl() },
      };
    case 'text':
      return { type: 'text', text: `${attachment.name ?? 'Attached file'}:\n\n${toText(bytes)}` };
  }
}

function assistantSteps(blocks: readonly BlockSnapshot[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  let text = '';
  let calls: ToolUseBlock[] = [];
  let results: ToolResultBlock[] = [];
  const endStep = () => {
    if (text !== '' || calls.length > 0) {
      messages.push({
        role: 'assistant',
        content: text === '' ? null : text,
        ...(calls.length === 0 ? {} : { tool_calls: calls.map(toToolCall) }),
      });
      // Every call needs exactly one answer, or the API rejects the conversation.
      for (const call of calls) {
        messages.push(
          toolMessage(
            call,
            results.find((result) => result.toolUseId === call.toolUseId),
          ),
        );
      }
    }
    text = '';
    calls = [];
    results = [];
  };
  for (const block of blocks) {
    if (block.type === 'text' || block.type === 'tool_use') {
      if (results.length > 0) endStep();
      if (block.type === 'text') text += block.text;
      else calls.push(block);
    } else if (block.type === 'tool_result') {
      results.push(block);
    }
  }
  endStep();
  return messages;
}

function toToolCall(call: ToolUseBlock) {
  return {
    id: call.toolUseId,
    type: 'function' as const,
    function: { name: call.toolName, arguments: JSON.stringify(call.input ?? {}) },
  };
}

/** The result as JSON text (a string result as is); without one, the streamed output. */
function toolMessage(call: ToolUseBlock, result: ToolResultBlock | undefined): ChatCompletionToolMessageParam {
  let content = MISSING_TOOL_RESULT;
  if (result?.result !== undefined) {
    content = typeof result.result === 'string' ? result.result : JSON.stringify(result.result);
  } else if (result !== undefined && result.text !== '') {
    content = result.text;
  }
  return { role: 'tool', tool_call_id: call.toolUseId, content };
}

function isJsonObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
