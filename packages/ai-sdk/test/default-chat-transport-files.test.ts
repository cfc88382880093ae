// useChat's sendMessage({ text, files }) through the stock DefaultChatTransport: the data
// URLs become Once attachments, stored and served like uploads, and the model gets them.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileUIPart } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { startRecordingDaemon, stopRecordingDaemons, texts } from './recording-daemon.ts';

afterEach(stopRecordingDaemons);

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const file = (mediaType: string, bytes: Uint8Array, filename?: string): FileUIPart => ({
  type: 'file',
  mediaType,
  url: `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`,
  ...(filename === undefined ? {} : { filename }),
});

describe('DefaultChatTransport: files', () => {
  it('an image sent with useChat is stored as an attachment, served at /v1/attachments/:hash, and given to the model', async () => {
    const daemon = await startRecordingDaemon();
    const chat = daemon.chat();
    await chat.sendMessage({ text: 'What is in this picture?', files: [file('image/png', PNG, 'dot.png')] });
    expect(chat.messages.at(-1)?.role).toBe('assistant');
    const { messages } = await daemon.snapshot();
    const hash = sha256(PNG);
    expect(messages[0]?.attachments).toEqual([{ hash, size: PNG.byteLength, mediaType: 'image/png', name: 'dot.png' }]);
    const served = await fetch(`${daemon.url}/v1/attachments/${hash}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    expect(Buffer.from(daemon.seenFiles[0]?.get(hash) ?? []).equals(PNG)).toBe(true);

    // The message references the file: a sweep of unsent uploads, however late, keeps it.
    await daemon.sweepAsIfLater();
    expect((await fetch(`${daemon.url}/v1/attachments/${hash}`)).status).toBe(200);
  });

  it('OnceChatTransport uploads the files of sendMessage({ files }) and sends them with the message', async () => {
    const daemon = await startRecordingDaemon();
    const chat = daemon.onceChat();
    await chat.sendMessage({ text: 'And this one?', files: [file('image/png', PNG, 'dot.png')] });
    const { messages } = await daemon.snapshot();
    const hash = sha256(PNG);
    expect(messages[0]?.attachments).toEqual([{ hash, size: PNG.byteLength, mediaType: 'image/png', name: 'dot.png' }]);
    expect(Buffer.from(daemon.seenFiles[0]?.get(hash) ?? []).equals(PNG)).toBe(true);
    expect(texts(chat.messages).at(-1)).toBe('assistant: answer 1');
  });

  it('a file alone, without text, is a message', async () => {
    const daemon = await startRecordingDaemon();
    const chat = daemon.chat();
    await chat.sendMessage({ files: [file('text/plain', Buffer.from('notes'), 'notes.txt')] });
    expect(texts(chat.messages)).toEqual(['user: ', 'assistant: answer 1']);
  });

  it.each([
    [
      'a media type the daemon does not take',
      file('application/zip', Buffer.from('PK')),
      415,
      'unsupported_media_type',
    ],
    ['a file larger than the limit', file('text/plain', Buffer.alloc(2048, 97)), 413, 'payload_too_large'],
    ['a PNG whose bytes are not one', file('image/png', Buffer.from('not a png')), 415, 'unsupported_media_type'],
    [
      'a URL that is not a data URL',
      { type: 'file', mediaType: 'image/png', url: 'https://example.com/a.png' },
      400,
      'invalid_request',
    ],
  ] as const)('refuses %s and keeps nothing', async (_name, part, status, code) => {
    const daemon = await startRecordingDaemon({ attachmentMaxBytes: 1024 });
    const before = await daemon.snapshot();
    const response = await fetch(`${daemon.url}/v1/ai-sdk/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: daemon.conversationId,
        trigger: 'submit-message',
        messages: [{ id: 'u1', role: 'user', parts: [part, { type: 'text', text: 'look' }] }],
      }),
    });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    expect((await daemon.snapshot()).offset).toBe(before.offset);
    const kept = await readdir(join(daemon.directory, 'attachments'), { recursive: true }).catch(() => []);
    expect(kept.filter((path) => path !== 'incoming')).toEqual([]);
  });
});
