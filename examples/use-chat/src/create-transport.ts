import { OnceChatTransport } from '@once/ai-sdk/chat';
import { type ChatTransport, DefaultChatTransport, type UIMessage } from 'ai';
import { authorizationHeader, connectionOf } from './daemon-connection.ts';
import type { Settings } from './read-settings.ts';

/**
 * The transport useChat sends and resumes through: Once's own (its client reconnects
 * from the last event it has, below the hook), or the AI SDK's stock one against the
 * daemon's AI SDK endpoint. A resume through either replays the running answer from its
 * start, and useChat resets the message it names, so nothing shows twice.
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
