import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ConversationState } from '@once/core';
import { type Attachment, type ConversationId, OnceError } from '@once/protocol';
import type { OnceRoutesContext, RegisterRoutes } from '@once/server';
import { ChatStream } from './chat-stream.ts';
import { findChatMessage, findRegenerateTarget } from './find-chat-message.ts';
import { type ChatSend, parseChatRequest } from './parse-chat-request.ts';
import { resolveChat } from './resolve-chat.ts';

/**
 * The AI SDK endpoints, for apps that keep the stock `DefaultChatTransport` and point
 * its `api` at the daemon (see docs/PROTOCOL.md, "AI SDK endpoints"):
 *
 * - `POST /v1/ai-sdk/chat`: sends the last message of the body to the conversation the
 *   chat id names (created when new) and answers with that turn's UI message stream.
 *   The message's id is its `clientMessageId`: a retried POST sends nothing twice and
 *   streams the same turn. A `messageId` with it (useChat's edit) sends the message
 *   beside the one it names, on a new branch; `trigger: 'regenerate-message'` regenerates
 *   the answer `messageId` names (the latest without one) and streams the new answer.
 * - `GET /v1/ai-sdk/chat/:id/stream`: 204 when no turn runs; otherwise the running
 *   turn's message rebuilt from its `start`, then live (`resumeStreamIsReplay`).
 *
 * A client that disconnects (or calls `stop()`) leaves the turn running: it is durable,
 * and `resumeStream()` picks it up. Cancelling is `POST /v1/conversations/:id/cancel`.
 */
export const aiSdkRoutes: RegisterRoutes = (context) => {
  const { app, service, accountOf } = context;

  app.post('/v1/ai-sdk/chat', async (request, reply) => {
    const account = accountOf(request);
    const chat = parseChatRequest(request.body);
    refuseWhileClosing(context);
    const conversationId = await resolveChat(service.accounts, account, chat.chatId, {
      create: chat.kind === 'send' && chat.replaces === undefined,
    });
    const stream = open(context, conversationId, reply);
    let turnId: string;
    try {
      turnId =
        chat.kind === 'regenerate'
          ? await regenerate(context, account, stream, chat.messageId)
          : await send(context, account, stream, chat);
    } catch (error) {
      stream.abandon();
      throw error;
    }
    reply.hijack();
    void stream.follow(turnId);
    return reply;
  });

  app.get<{ Params: { id: string } }>('/v1/ai-sdk/chat/:id/stream', async (request, reply) => {
    const account = accountOf(request);
    refuseWhileClosing(context);
    const conversationId = await resolveChat(service.accounts, account, request.params.id, { create: false });
    const stream = open(context, conversationId, reply);
    const { activeTurn } = await catchUp(stream);
    if (activeTurn === undefined) {
      stream.abandon();
      return reply.status(204).send();
    }
    reply.hijack();
    void stream.follow(activeTurn.turnId);
    return reply;
  });
};

/** Sends the message (an edit: beside the one it replaces). @returns its turn, as soon as the message is stored. */
async function send(
  { app, service, storeAttachment }: OnceRoutesContext,
  account: string,
  stream: ChatStream,
  chat: ChatSend,
): Promise<string> {
  const replaces = chat.replaces === undefined ? undefined : findChatMessage(await stream.catchUp(), chat.replaces).id;
  if (chat.files.length > 0 && storeAttachment === undefined) {
    throw new OnceError('invalid_request', 'This daemon keeps no attachments; send the message without files.');
  }
  // One at a time, in order: each is checked (415, 413, its first bytes) before it is kept.
  const attachments: Attachment[] = [];
  for (const file of chat.files)
    if (storeAttachment !== undefined) attachments.push(await storeAttachment(account, stream.conversationId, file));
  const sent = service.send(account, stream.conversationId, {
    content: chat.text,
    clientMessageId: chat.clientMessageId,
    ...(replaces === undefined ? {} : { replaces }),
    ...(attachments.length === 0 ? {} : { attachments }),
  });
  const turnId = await stream.turnOf(chat.clientMessageId, sent);
  // The message and its turn are stored: what failed after them (the account's list)
  // is the daemon's to report, the answer streams all the same.
  sent.catch((error: unknown) =>
    app.log.error({ err: error }, 'a message was sent but its conversation was not moved up'),
  );
  return turnId;
}

/** Queues a new answer in place of the one `regenerate()` named. @returns its turn. */
async function regenerate(
  { service }: OnceRoutesContext,
  account: string,
  stream: ChatStream,
  messageId: string | undefined,
): Promise<string> {
  const target = findRegenerateTarget(await stream.catchUp(), messageId);
  const { turnId } = await service.regenerate(account, stream.conversationId, target.id, {});
  return turnId;
}

function open(
  { feed, connections, app }: OnceRoutesContext,
  conversationId: ConversationId,
  reply: { readonly raw: ServerResponse; getHeaders(): Record<string, OutgoingHttpHeaders[string] | number> },
): ChatStream {
  return new ChatStream({
    feed,
    connections,
    conversationId,
    response: reply.raw,
    headers: reply.getHeaders(),
    onError: (error) => app.log.error({ err: error }, 'an AI SDK stream failed'),
  });
}

/** Folds the conversation so far; a failed read lets go of the feed and answers as an error. */
async function catchUp(stream: ChatStream): Promise<ConversationState> {
  try {
    return await stream.catchUp();
  } catch (error) {
    stream.abandon();
    throw error;
  }
}

function refuseWhileClosing({ isClosing }: OnceRoutesContext): void {
  if (isClosing()) throw new OnceError('unavailable', 'The daemon is stopping; try again in a moment.');
}
