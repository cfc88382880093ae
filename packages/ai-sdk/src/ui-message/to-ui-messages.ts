import type { Attachment, BlockSnapshot, MessageSnapshot, ToolResultBlock, ToolUseBlock } from '@once/protocol';
import type { UIDataTypes, UIMessage, UIMessagePart, UITools } from 'ai';
import { closedInputOf, partialInput, toolOutcomeOf } from './tool-outcome.ts';
import { isDataPartEvent, isStepStartEvent, type UIPartEvent } from './ui-part-events.ts';

type Part = UIMessagePart<UIDataTypes, UITools>;

/** The tool_result a denied call gets (`tool-output-denied`), so it reads back as `output-denied`. */
export const DENIED_RESULT = { denied: true, error: 'The tool call was denied.' } as const;

/**
 * Once messages as AI SDK `UIMessage`s, for `useChat` and for an AI SDK chat route.
 *
 * - Ids are Once's; a user message sent with a `clientMessageId` has that id, so the
 *   client's own id survives a reload.
 * - Text blocks are `text` parts and thinking blocks `reasoning` parts (`done` when
 *   closed, `streaming` while open). A tool_use block and the tool_result that answers
 *   it are one `tool-<name>` part at the tool_use's place: `input-streaming`,
 *   `input-available`, `output-available`, `output-error` (its `errorText`) or
 *   `output-denied`. Surfaces have no part and are left out.
 * - Step boundaries and data parts come from `events`, the conversation's app-defined
 *   events in log order (see `ui-part-events.ts`); a data part sent again under the same
 *   id keeps its first place and its last data, transient ones are left out. Without
 *   `events` (a turn runner has only the messages) there are no data parts, and each
 *   assistant message gets a `step-start` at its start and one where a step follows tool
 *   results, the way Once's own tool loop takes steps.
 * - A user message's attachments are `file` parts before its text (`mediaType`,
 *   `filename`, `url` from `options.attachmentUrl`), when that option is given; without
 *   it they are left out (a URL the reader cannot fetch would only break it), and so is
 *   a file the option has no URL for (its bytes are gone).
 */
export function toUIMessages(
  messages: readonly MessageSnapshot[],
  events?: readonly UIPartEvent[],
  options: UIMessageOptions = {},
): UIMessage[] {
  return messages.map((message) => ({
    id: message.role === 'user' ? (message.clientMessageId ?? message.id) : message.id,
    role: message.role,
    parts:
      message.role === 'user'
        ? userParts(message.blocks, message.attachments ?? [], options.attachmentUrl)
        : assistantParts(message, events),
  }));
}

/** Options of {@link toUIMessages}. */
export interface UIMessageOptions {
  /**
   * Where a reader of the messages fetches an attachment's bytes: the client's
   * `attachmentUrl` (`<daemon>/v1/attachments/<hash>`, with `?token=`), or a `data:` URL
   * of the bytes for a reader that cannot reach the daemon; undefined for a file whose
   * bytes are gone. Default none: no file parts.
   */
  readonly attachmentUrl?: (attachment: Attachment) => string | undefined;
}

function userParts(
  blocks: readonly BlockSnapshot[],
  attachments: readonly Attachment[],
  attachmentUrl: UIMessageOptions['attachmentUrl'],
): Part[] {
  const files =
    attachmentUrl === undefined
      ? []
      : attachments.flatMap((attachment): Part[] => {
          const url = attachmentUrl(attachment);
          if (url === undefined) return [];
          return [
            {
              type: 'file',
              mediaType: attachment.mediaType,
              url,
              ...(attachment.name === undefined ? {} : { filename: attachment.name }),
            },
          ];
        });
  return [
    ...files,
    ...blocks.flatMap((block): Part[] => (block.type === 'text' ? [{ type: 'text', text: block.text }] : [])),
  ];
}

function assistantParts(message: MessageSnapshot, events: readonly UIPartEvent[] | undefined): Part[] {
  const placed = placedParts(message.id, events ?? []);
  const inferSteps = events === undefined;
  const results = new Map<string, ToolResultBlock>();
  for (const block of message.blocks) if (block.type === 'tool_result') results.set(block.toolUseId, block);
  const parts: Part[] = [];
  const takePlaced = (position: number) => {
    for (const part of placed.get(position) ?? []) parts.push(part);
  };
  let afterResult = true;
  for (const block of message.blocks) {
    takePlaced(block.index);
    if (block.type === 'tool_result') {
      afterResult = true;
      continue;
    }
    if (block.type === 'surface') continue;
    if (inferSteps && afterResult) parts.push({ type: 'step-start' });
    afterResult = false;
    if (block.type === 'text') parts.push({ type: 'text', text: block.text, state: stateOf(block) });
    else if (block.type === 'thinking') parts.push({ type: 'reasoning', text: block.text, state: stateOf(block) });
    else parts.push(toolPart(block, results.get(block.toolUseId)));
  }
  takePlaced(message.blocks.length);
  return parts;
}

function stateOf(block: BlockSnapshot): 'done' | 'streaming' {
  return block.status === 'closed' ? 'done' : 'streaming';
}

/** Step starts and data parts by the block they come before, in event order. */
function placedParts(messageId: string, events: readonly UIPartEvent[]): Map<number, Part[]> {
  const placed = new Map<number, Part[]>();
  const dataParts = new Map<string, { data: unknown }>();
  const place = (position: number, part: Part) => {
    const list = placed.get(position) ?? [];
    list.push(part);
    placed.set(position, list);
  };
  for (const event of events) {
    if (isStepStartEvent(event)) {
      if (event.data.messageId === messageId) place(event.data.beforeBlock, { type: 'step-start' });
    } else if (isDataPartEvent(event)) {
      const { data } = event;
      if (data.messageId !== messageId || data.transient === true) continue;
      const type = `data-${data.name}` as const;
      const key = data.id === undefined ? undefined : JSON.stringify([type, data.id]);
      const earlier = key === undefined ? undefined : dataParts.get(key);
      if (earlier !== undefined) {
        earlier.data = data.data;
        continue;
      }
      const part = { type, ...(data.id === undefined ? {} : { id: data.id }), data: data.data };
      if (key !== undefined) dataParts.set(key, part);
      place(data.beforeBlock, part);
    }
  }
  return placed;
}

function toolPart(call: ToolUseBlock, result: ToolResultBlock | undefined): Part {
  const base = { type: `tool-${call.toolName}` as const, toolCallId: call.toolUseId };
  if (call.status === 'open') return { ...base, state: 'input-streaming', input: partialInput(call.partialJson) };
  const input = closedInputOf(call);
  if (result === undefined || result.status === 'open') return { ...base, state: 'input-available', input };
  const outcome = toolOutcomeOf(result);
  if (outcome.kind === 'output') return { ...base, state: 'output-available', input, output: outcome.output };
  // The AI SDK types a denial as an answered approval; a denial upstream has no approval to show.
  if (outcome.kind === 'denied') return { ...base, state: 'output-denied', input } as Part;
  return { ...base, state: 'output-error', input, errorText: outcome.errorText };
}
