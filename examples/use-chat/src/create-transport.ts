import { OnceChatTransport } from '@once/ai-sdk/chat';
import { type ChatTransport, DefaultChatTransport, type UIMessage } from 'ai';
import { authorizationHeader, connectionOf } from './daemon-connection.ts';
import type { Settings } from './read-settings.ts';

/**
 * The transport useChat sends and resumes through. Once's own resumes from the exact
 * event it has; the AI SDK's stock one talks to the daemon's AI SDK endpoint, which
 * replays the running answer from its start (both reset the message they resume, so
 * neither shows a part twice).
 */
export function createTransport(settings: Settings): ChatTransport<UIMessage> {
  if (settings.transport === 'default') {
    return new DefaultChatTransport({
      api: `${settings.baseUrl}/v1/ai-sdk/chat`,
      headers: authorizationHeader(settings),
    });
  }
  return new OnceChatTransport(connectionOf(settings));
}
