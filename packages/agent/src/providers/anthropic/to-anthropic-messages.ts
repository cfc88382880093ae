import type { Anthropic } from '@anthropic-ai/sdk';
import type { Attachment, BlockSnapshot, JsonValue, MessageSnapshot } from '@once/protocol';
import { type AttachmentBytes, attachmentKind, toBase64, toText, unavailableNote } from '../../attachment-bytes.ts';
import type { ToolDefinition } from '../../model-provider.ts';

/** A content block Once can send back to Anthropic. */
export type AnthropicContent =
  | Anthropic.TextBlockParam
  | Anthropic.ImageBlockParam
  | Anthropic.DocumentBlockParam
  | Anthropic.ToolUseBlockParam
  | Anthropic.ToolResultBlockParam;

/** One message of an Anthropic request, with its content always as blocks. */
export interface AnthropicMessage {
  readonly role: 'user' | 'assistant';
  readonly content: AnthropicContent[];
}

/**
 * Converts the conversation so far into Anthropic's `messages`: `history` (completed
 * messages, oldest first), then `current`, this turn's assistant message.
 *
 * - User attachments → `image` blocks (PNG, JPEG, GIF, WebP) and `document` blocks
 *   (PDF as base64; text files as a plain-text source titled with the file name, so the
 *   model reads them as documents it may cite, apart from what the user typed), before
 *   the user's text, as Anthropic advises. A file whose bytes are not in `attachments`
 *   is named in a text block instead.
 * - User text → `user` text content. Assistant text and `tool_use` (`id`, `name`,
 *   `input`) → `assistant` content; the message's `tool_result` blocks → a `user`
 *   message after it (`tool_use_id`, the result as JSON text — or the streamed text when
 *   there is no result — and `is_error`). A multi-step turn, stored as ONE message, thus
 *   becomes assistant, user (results), assistant, … as the API expects.
 * - Thinking blocks are left out: Once does not store their signature, and the API
 *   refuses a thinking block sent back without one. Surface blocks and empty text are
 *   left out too.
 * - A `tool_use` without its `tool_result` in the same message (a turn cut short) is left
 *   out, and so is a result without its call: the API refuses either alone.
 * - A message with nothing left to send (one that ended `error`, `cancelled` or
 *   `interrupted` before any output) is skipped; consecutive messages of the same role
 *   are merged, so roles alternate as the API requires.
 */
export function toAnthropicMessages(
  history: readonly MessageSnapshot[],
  current: MessageSnapshot,
  attachments: AttachmentBytes = new Map(),
): AnthropicMessage[] {
  const messages: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], content: AnthropicContent) => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(content);
    else messages.push({ role, content: [content] });
  };
  for (const message of [...history, current]) {
    for (const [role, content] of messageContent(message, attachments)) push(role, content);
  }
  return messages;
}

/** Converts tool definitions into Anthropic's `tools`. */
export function toAnthropicTools(tools: readonly ToolDefinition[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as Anthropic.Tool.InputSchema,
  }));
}

function messageContent(
  message: MessageSnapshot,
  attachments: AttachmentBytes,
): [AnthropicMessage['role'], AnthropicContent][] {
  if (message.role === 'user') {
    const files = (message.attachments ?? []).map((attachment): [AnthropicMessage['role'], AnthropicContent] => [
      'user',
      attachmentContent(attachment, attachments.get(attachment.hash)),
    ]);
    return [
      ...files,
      ...message.blocks.flatMap((block): [AnthropicMessage['role'], AnthropicContent][] =>
        block.type === 'text' && block.text !== '' ? [['user', { type: 'text', text: block.text }]] : [],
      ),
    ];
  }
  const called = new Set(message.blocks.flatMap((block) => (block.type === 'tool_use' ? [block.toolUseId] : [])));
  const answered = new Set(message.blocks.flatMap((block) => (block.type === 'tool_result' ? [block.toolUseId] : [])));
  return message.blocks.flatMap((block) => assistantContent(block, called, answered));
}

function assistantContent(
  block: BlockSnapshot,
  called: ReadonlySet<string>,
  answered: ReadonlySet<string>,
): [AnthropicMessage['role'], AnthropicContent][] {
  switch (block.type) {
    case 'text':
      return block.text === '' ? [] : [['assistant', { type: 'text', text: block.text }]];
    case 'tool_use':
      if (!answered.has(block.toolUseId)) return [];
      return [
        [
          'assistant',
          {
            type: 'tool_use',
            id: block.toolUseId,
            name: block.toolName,
            input: toolInput(block.input, block.partialJson),
          },
        ],
      ];
    case 'tool_result': {
      if (!called.has(block.toolUseId)) return [];
      const content = resultText(block.result, block.text);
      return [
        [
          'user',
          {
            type: 'tool_result',
            tool_use_id: block.toolUseId,
            ...(content === '' ? {} : { content }),
            ...(block.isError === true ? { is_error: true } : {}),
          },
        ],
      ];
    }
    case 'thinking':
    case 'surface':
      return [];
    default:
      return assertNever(block);
  }
}

/** A user's file as Anthropic's native block. */
function attachmentContent(attachment: Attachment, bytes: Uint8Array | undefined): AnthropicContent {
  const kind = attachmentKind(attachment.mediaType);
  if (bytes === undefined || kind === 'other') {
    return { type: 'text', text: unavailableNote(attachment, bytes !== undefined) };
  }
  const title = attachment.name === undefined ? {} : { title: attachment.name };
  switch (kind) {
    case 'image':
      return {
        type: 'image',
        source: {
          type: 'base64',
          media_type: attachment.mediaType as Anthropic.Base64ImageSource['media_type'],
          data: toBase64(bytes),
        },
      };
    case 'pdf':
      return {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: toBase64(bytes) },
        ...title,
      };
    case 'text':
      return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: toText(bytes) }, ...title };
  }
}

/** The API wants an object; a block closed without one falls back to its streamed JSON. */
function toolInput(input: JsonValue | undefined, partialJson: string): JsonValue {
  if (isObject(input)) return input;
  try {
    const parsed: unknown = JSON.parse(partialJson);
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function resultText(result: JsonValue | undefined, streamed: string): string {
  if (result === undefined) return streamed;
  return typeof result === 'string' ? result : JSON.stringify(result);
}

function isObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected block ${JSON.stringify(value)}.`);
}
