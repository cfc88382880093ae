// useChat's regenerate() and edits (sendMessage with messageId) through the stock
// DefaultChatTransport on Once's AI SDK endpoints, and through OnceChatTransport.
import { newId } from '@once/protocol';
import type { UIMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { loadUIMessages, startRecordingDaemon, stopRecordingDaemons, textOf, texts } from './recording-daemon.ts';

afterEach(stopRecordingDaemons);

describe('DefaultChatTransport: regenerate and edit', () => {
  it('regenerate() twice: the Chat ends with the newest answer, Once keeps all three, the model saw the path only', async () => {
    const daemon = await startRecordingDaemon();
    const chat = daemon.chat();
    await chat.sendMessage({ text: 'Hello' });
    await chat.regenerate();
    const regeneratedId = chat.messages[1]?.id as string;
    await chat.regenerate({ messageId: regeneratedId });
    expect(texts(chat.messages)).toEqual(['user: Hello', 'assistant: answer 3']);
    const { messages } = await daemon.snapshot();
    const answers = messages.filter((message) => message.role === 'assistant');
    expect(answers.map(textOf)).toEqual(['answer 1', 'answer 2', 'answer 3']);
    expect(answers[1]?.replaces).toBe(answers[0]?.id);
    expect(answers[2]?.replaces).toBe(regeneratedId);
    expect(chat.messages[1]?.id).toBe(answers[2]?.id);
    expect(daemon.seen).toEqual([['user: Hello'], ['user: Hello'], ['user: Hello']]);
  });

  it('an edit opens a new branch beside the edited message; the model sees the new text, not the old', async () => {
    const daemon = await startRecordingDaemon();
    const chat = daemon.chat();
    await chat.sendMessage({ text: 'First question' });
    await chat.sendMessage({ text: 'Second question' });
    const edited = chat.messages[2]?.id as string;
    await chat.sendMessage({ text: 'Second question, reworded', messageId: edited });
    expect(texts(chat.messages)).toEqual([
      'user: First question',
      'assistant: answer 1',
      'user: Second question, reworded',
      'assistant: answer 3',
    ]);
    const { messages } = await daemon.snapshot();
    const original = messages.find((message) => message.clientMessageId === edited);
    const edit = messages.find((message) => textOf(message) === 'Second question, reworded');
    expect(edit?.replaces).toBe(original?.id);
    expect(daemon.seen[2]).toEqual(['user: First question', 'assistant: answer 1', 'user: Second question, reworded']);
    // Editing the edit again is another branch beside the same message.
    await chat.sendMessage({ text: 'Third take', messageId: edited });
    expect(daemon.seen[3]).toEqual(['user: First question', 'assistant: answer 1', 'user: Third take']);
  });

  it('after a reload, loadUIMessages gives the current path only', async () => {
    const daemon = await startRecordingDaemon();
    const chat = daemon.chat();
    await chat.sendMessage({ text: 'First question' });
    await chat.regenerate();
    await chat.sendMessage({ text: 'Second question' });
    await chat.sendMessage({ text: 'Second question, reworded', messageId: chat.messages[2]?.id as string });
    const loaded = await loadUIMessages({ baseUrl: daemon.url, conversationId: daemon.conversationId });
    expect(texts(loaded)).toEqual([
      'user: First question',
      'assistant: answer 2',
      'user: Second question, reworded',
      'assistant: answer 4',
    ]);
    // Answers keep their ids; an edited user message reloads under the edit's own id.
    const answerIds = (messages: UIMessage[]) => messages.filter((m) => m.role === 'assistant').map((m) => m.id);
    expect(answerIds(loaded)).toEqual(answerIds(chat.messages));
  });

  it('OnceChatTransport: an edit is sent beside the edited message, not taken for a retry of it', async () => {
    const daemon = await startRecordingDaemon();
    const chat = daemon.onceChat();
    await chat.sendMessage({ text: 'Question' });
    await chat.sendMessage({ text: 'Question, reworded', messageId: chat.messages[0]?.id as string });
    expect(texts(chat.messages)).toEqual(['user: Question, reworded', 'assistant: answer 2']);
    const { messages } = await daemon.snapshot();
    expect(messages.find((message) => textOf(message) === 'Question, reworded')?.replaces).toBe(messages[0]?.id);
    expect(daemon.seen[1]).toEqual(['user: Question, reworded']);
  });

  it('a regenerate or an edit while a turn runs is 409 and writes nothing', async () => {
    let release = () => {};
    let holding = false;
    const daemon = await startRecordingDaemon({
      hold: () => (holding ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()),
    });
    const chat = daemon.chat();
    await chat.sendMessage({ text: 'Hello' });
    holding = true;
    const second = chat.sendMessage({ text: 'Again' });
    await chat.until(() => daemon.seen.length === 2, 'the second turn to reach the model');
    const before = await daemon.snapshot();
    const post = (body: unknown) =>
      fetch(`${daemon.url}/v1/ai-sdk/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const regenerate = await post({
      id: daemon.conversationId,
      trigger: 'regenerate-message',
      messageId: chat.messages[1]?.id,
      messages: [],
    });
    expect(regenerate.status).toBe(409);
    expect(((await regenerate.json()) as { error: { code: string } }).error.code).toBe('conflict');
    const first = chat.messages[0] as UIMessage;
    const edit = await post({
      id: daemon.conversationId,
      trigger: 'submit-message',
      messageId: first.id,
      messages: [{ id: first.id, role: 'user', parts: [{ type: 'text', text: 'Hello, edited' }] }],
    });
    expect(edit.status).toBe(409);
    expect((await daemon.snapshot()).messages).toHaveLength(before.messages.length);
    release();
    await second;
  });

  it('refusals: an unknown message is 404 and a chat with no answer is 400; nothing is written', async () => {
    const daemon = await startRecordingDaemon();
    const post = (body: unknown) =>
      fetch(`${daemon.url}/v1/ai-sdk/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const empty = await post({ id: daemon.conversationId, trigger: 'regenerate-message', messages: [] });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    const chat = daemon.chat();
    await chat.sendMessage({ text: 'Hello' });
    const before = await daemon.snapshot();
    const unknown = await post({
      id: daemon.conversationId,
      trigger: 'regenerate-message',
      messageId: newId(),
      messages: [],
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('message_not_found');
    const unknownEdit = await post({
      id: daemon.conversationId,
      trigger: 'submit-message',
      messageId: 'nope',
      messages: [{ id: 'nope', role: 'user', parts: [{ type: 'text', text: 'x' }] }],
    });
    expect(unknownEdit.status).toBe(404);
    expect((await daemon.snapshot()).offset).toBe(before.offset);
  });
});
