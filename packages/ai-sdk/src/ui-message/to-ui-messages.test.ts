import type { ClientMessageId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { messageOf, userSays } from '../../test/snapshots.ts';
import { toUIMessages } from './to-ui-messages.ts';

describe('toUIMessages', () => {
  it('gives a user message the id its client sent it with, so the id survives a reload', () => {
    const sent = { ...userSays('Hi'), clientMessageId: 'client-1' as ClientMessageId };
    const plain = userSays('Again');

    expect(toUIMessages([sent, plain])).toEqual([
      { id: 'client-1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] },
      { id: plain.id, role: 'user', parts: [{ type: 'text', text: 'Again' }] },
    ]);
  });

  it('shows a user message’s files as file parts before its text, with the URL the reader gives, and none without one', () => {
    const hash = 'a'.repeat(64);
    const sent = {
      ...userSays('Look'),
      attachments: [
        { hash, size: 9, mediaType: 'image/png', name: 'chart.png' },
        { hash: 'b'.repeat(64), size: 3, mediaType: 'text/plain' },
      ],
    };
    const url = (file: string) => `http://daemon/v1/attachments/${file}?token=t`;
    const attachmentUrl = (attachment: { hash: string }) => url(attachment.hash);
    expect(toUIMessages([sent], undefined, { attachmentUrl })[0]?.parts).toEqual([
      { type: 'file', mediaType: 'image/png', url: url(hash), filename: 'chart.png' },
      { type: 'file', mediaType: 'text/plain', url: url('b'.repeat(64)) },
      { type: 'text', text: 'Look' },
    ]);
    // A file with no URL (its bytes are gone) is left out; the others keep their place.
    const onlyText = (attachment: { hash: string; mediaType: string }) =>
      attachment.mediaType === 'text/plain' ? url(attachment.hash) : undefined;
    expect(toUIMessages([sent], undefined, { attachmentUrl: onlyText })[0]?.parts).toEqual([
      { type: 'file', mediaType: 'text/plain', url: url('b'.repeat(64)) },
      { type: 'text', text: 'Look' },
    ]);
    expect(toUIMessages([sent])[0]?.parts).toEqual([{ type: 'text', text: 'Look' }]);
  });

  it('shows a native Once turn as steps: text and a tool call, its result, then more text', () => {
    const answer = messageOf('assistant', [
      { type: 'thinking', status: 'closed', text: 'The user wants the time.' },
      { type: 'text', status: 'closed', text: 'Let me look.' },
      { type: 'tool_use', status: 'closed', toolName: 'clock', toolUseId: 'call-1', partialJson: '{}', input: {} },
      {
        type: 'tool_result',
        status: 'closed',
        toolUseId: 'call-1',
        text: '',
        result: { time: '21:00' },
        isError: false,
      },
      { type: 'tool_use', status: 'closed', toolName: 'clock', toolUseId: 'call-2', partialJson: '{}', input: {} },
      { type: 'tool_result', status: 'closed', toolUseId: 'call-2', text: '', result: 'No clock.', isError: true },
      { type: 'text', status: 'open', text: 'It is 21:00' },
    ]);

    expect(toUIMessages([answer])[0]?.parts).toEqual([
      { type: 'step-start' },
      { type: 'reasoning', text: 'The user wants the time.', state: 'done' },
      { type: 'text', text: 'Let me look.', state: 'done' },
      { type: 'tool-clock', toolCallId: 'call-1', state: 'output-available', input: {}, output: { time: '21:00' } },
      { type: 'step-start' },
      { type: 'tool-clock', toolCallId: 'call-2', state: 'output-error', input: {}, errorText: 'No clock.' },
      { type: 'step-start' },
      { type: 'text', text: 'It is 21:00', state: 'streaming' },
    ]);
  });

  it('shows a tool call whose input still streams with the input parsed so far, or none', () => {
    const answer = messageOf('assistant', [
      { type: 'tool_use', status: 'open', toolName: 'search', toolUseId: 'call-1', partialJson: '{"query":"on' },
    ]);

    expect(toUIMessages([answer])[0]?.parts[1]).toEqual({
      type: 'tool-search',
      toolCallId: 'call-1',
      state: 'input-streaming',
      input: undefined,
    });
  });
});
