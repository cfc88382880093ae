import { deltaDraft, newConversationStream, newMessageId } from '@once/testing';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from './event-log.ts';
import { envelopeText, prepareDraft } from './prepare-draft.ts';

describe('prepareDraft', () => {
  const stream = newConversationStream();
  const draft = deltaDraft(stream, newMessageId(), 1);

  it('stores a draft in its own order when the stream fields and type come first', () => {
    expect(prepareDraft(stream, draft, 0).body).toBe(JSON.stringify(draft));
  });

  it('puts type before nested fields and drops an old offset, whatever order the draft has', () => {
    const { data, type, stream: kind, conversationId, ...rest } = draft;
    const shuffled = { offset: 99, data, ...rest, type, conversationId, stream: kind } as unknown as EventDraft;
    const { body } = prepareDraft(stream, shuffled, 0);
    expect(Object.keys(JSON.parse(body))).toEqual(['stream', 'conversationId', 'type', 'data', ...Object.keys(rest)]);
    expect(JSON.parse(envelopeText(body, 7))).toEqual({ ...draft, offset: 7 });
    expect(envelopeText(body, 7).startsWith('{"offset":7,"stream":"conversation","conversationId":')).toBe(true);
  });
});
