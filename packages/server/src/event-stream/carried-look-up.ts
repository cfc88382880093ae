import type { Conversation } from '@once/protocol';
import type { ConversationLookUp } from './check-events-request.ts';

/**
 * One request's conversation look-up, carried with the request from path to path (the raw
 * socket, node:http's request listener, Fastify's route): a refused event stream is
 * handed on until Fastify answers it, and each path runs the same checks, but the
 * conversation is looked up once. Another account or id than the one looked up is looked
 * up anew, so a look-up carried to the wrong request can never answer for it.
 */
export class CarriedLookUp implements ConversationLookUp {
  private readonly conversations: ConversationLookUp;
  private accountId = '';
  private conversationId = '';
  private conversation: Promise<Conversation> | undefined;

  constructor(conversations: ConversationLookUp) {
    this.conversations = conversations;
  }

  get(accountId: string, conversationId: string): Promise<Conversation> {
    if (this.conversation === undefined || accountId !== this.accountId || conversationId !== this.conversationId) {
      this.accountId = accountId;
      this.conversationId = conversationId;
      this.conversation = this.conversations.get(accountId, conversationId);
    }
    return this.conversation;
  }
}
