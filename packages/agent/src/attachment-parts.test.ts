// A user message sent with files reaches each provider in its native form, the bytes
// read once per turn through readAttachment; replayed against local servers speaking the
// providers' wire formats.
import { createHash } from 'node:crypto';
import type { Attachment, MessageId, MessageSnapshot, TurnId } from '@once/protocol';
import { newId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { startAnthropicReplayServer } from '../test/anthropic-replay-server.ts';
import { startChatServer, streamReply } from '../test/openai-chat-server.ts';
import { recordStream, userMessage } from '../test/recorded-turn.ts';
import type { ModelProvider } from './model-provider.ts';
import { createAnthropicProvider } from './providers/anthropic/anthropic-provider.ts';
import { createOpenAIProvider } from './providers/openai/create-openai-provider.ts';
import { runTurn } from './run-turn.ts';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 250]);
const pdf = new TextEncoder().encode('%PDF-1.7 a tiny document');
const notes = new TextEncoder().encode('# Notes\nété 🧪');
const files = new Map([png, pdf, notes].map((bytes) => [createHash('sha256').update(bytes).digest('hex'), bytes]));
const [pngHash, pdfHash, notesHash] = [...files.keys()] as [string, string, string];
const gone = 'f'.repeat(64);
const attachments: Attachment[] = [
  { hash: pngHash, size: png.byteLength, mediaType: 'image/png', name: 'chart.png' },
  { hash: pdfHash, size: pdf.byteLength, mediaType: 'application/pdf', name: 'report.pdf' },
  { hash: notesHash, size: notes.byteLength, mediaType: 'text/markdown', name: 'notes.md' },
  { hash: gone, size: 10, mediaType: 'image/jpeg', name: 'lost.jpg' },
];
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Runs one turn whose user message carries the files, with `provider`; returns the hashes read. */
async function turnWithFiles(provider: ModelProvider): Promise<string[]> {
  const stream = recordStream();
  const turnId = newId() as TurnId;
  const user: MessageSnapshot = { ...userMessage(stream.conversationId, 'What is in these?', turnId), attachments };
  const read: string[] = [];
  const { reason } = await runTurn({
    conversationId: stream.conversationId,
    turnId,
    userMessageId: user.id as MessageId,
    history: [user],
    provider,
    tools: [],
    append: stream.append,
    signal: new AbortController().signal,
    readAttachment: async (hash) => {
      read.push(hash);
      return files.get(hash);
    },
  });
  expect(reason).toBe('complete');
  return read;
}

describe('attachments sent to the providers', () => {
  it('Anthropic: images and PDFs as base64 blocks, text files as titled plain-text documents, before the text', async () => {
    await using server = await startAnthropicReplayServer([{ fixture: 'text.sse' }]);
    const provider = createAnthropicProvider({ apiKey: 'k', model: 'claude-opus-4-7', baseURL: server.baseURL });
    const read = await turnWithFiles(provider);
    expect(read.sort()).toEqual([pngHash, pdfHash, notesHash, gone].sort());
    const body = server.requests[0]?.body as { messages: unknown[] };
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: base64(png) } },
          {
            type: 'document',
            source: { type: 'base64', media_type: 'application/pdf', data: base64(pdf) },
            title: 'report.pdf',
          },
          {
            type: 'document',
            source: { type: 'text', media_type: 'text/plain', data: '# Notes\nété 🧪' },
            title: 'notes.md',
          },
          { type: 'text', text: '[The user attached lost.jpg (image/jpeg), which is no longer stored.]' },
          { type: 'text', text: 'What is in these?' },
        ],
      },
    ]);
  });

  it('OpenAI-compatible: image_url and file parts with data URLs, text files as text parts', async () => {
    const server = await startChatServer([streamReply('plain-text')]);
    try {
      const provider = createOpenAIProvider({ apiKey: 'k', model: 'gpt-4.1-mini', baseURL: server.baseURL });
      await turnWithFiles(provider);
      expect(server.requests[0]?.body.messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: `data:image/png;base64,${base64(png)}` } },
            { type: 'file', file: { filename: 'report.pdf', file_data: `data:application/pdf;base64,${base64(pdf)}` } },
            { type: 'text', text: 'notes.md:\n\n# Notes\nété 🧪' },
            { type: 'text', text: '[The user attached lost.jpg (image/jpeg), which is no longer stored.]' },
            { type: 'text', text: 'What is in these?' },
          ],
        },
      ]);
    } finally {
      await server.close();
    }
  });
});
