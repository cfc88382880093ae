// The messages as the page shows them, and as the daemon's history says they should be
// shown, in one comparable shape: the browser tests assert the two are equal.
import { toUIMessages } from '@once/ai-sdk';
import type { MessageSnapshot } from '@once/protocol';
import type { UIMessage } from 'ai';
import type { Page } from 'playwright-core';

/** One part: its `data-part-type`, the text it shows, and a tool part's call id and state. */
export interface ShownPart {
  readonly type: string;
  readonly text?: string;
  readonly toolCallId?: string;
  readonly state?: string;
}

/** One message element: its `data-message-id`, role and parts. */
export interface ShownMessage {
  readonly id: string;
  readonly role: string;
  readonly parts: readonly ShownPart[];
}

/** Every message element on the page, in order, read from the DOM. */
export function readShownMessages(page: Page): Promise<ShownMessage[]> {
  return page.$$eval('[data-message-id]', (elements) =>
    elements.map((element) => ({
      id: element.getAttribute('data-message-id') ?? '',
      role: element.getAttribute('data-role') ?? '',
      parts: [...element.querySelectorAll('[data-part-type]')].map((part) => {
        const text = part.querySelector('.part-text')?.textContent;
        const toolCallId = part.getAttribute('data-tool-call-id');
        const state = part.getAttribute('data-state');
        return {
          type: part.getAttribute('data-part-type') ?? '',
          ...(text === undefined || text === null ? {} : { text }),
          ...(toolCallId === null ? {} : { toolCallId }),
          ...(state === null ? {} : { state }),
        };
      }),
    })),
  );
}

/**
 * What the page should show for these messages: the daemon's snapshot mapped to UIMessages
 * by `toUIMessages`, each part as the example's PartView renders it.
 */
export function expectedMessages(messages: readonly MessageSnapshot[]): ShownMessage[] {
  return toUIMessages(messages).map((message) => ({
    id: message.id,
    role: message.role,
    parts: message.parts.map(shownPart),
  }));
}

function shownPart(part: UIMessage['parts'][number]): ShownPart {
  if (part.type === 'text' || part.type === 'reasoning') return { type: part.type, text: part.text };
  if (part.type === 'step-start') return { type: part.type };
  if (part.type === 'source-url') return { type: part.type, text: part.title ?? part.url };
  if (part.type.startsWith('data-') && 'data' in part) return { type: part.type, text: JSON.stringify(part.data) };
  if ((part.type.startsWith('tool-') || part.type === 'dynamic-tool') && 'toolCallId' in part) {
    const output =
      part.state === 'output-available' ? part.output : part.state === 'output-error' ? part.errorText : undefined;
    return {
      type: part.type,
      toolCallId: part.toolCallId,
      state: part.state,
      ...(output === undefined ? {} : { text: JSON.stringify(output) }),
    };
  }
  return { type: part.type };
}

/**
 * The words of the page's answer number `messageCount` (counting every message), or 0
 * while the page shows fewer messages or ends with another role: to wait for that answer
 * to be under way.
 */
export async function shownAnswerWords(page: Page, messageCount: number): Promise<number> {
  const messages = await readShownMessages(page);
  const answer = messages.at(-1);
  if (messages.length !== messageCount || answer?.role !== 'assistant') return 0;
  const text = answer.parts.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join(' ');
  return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}
