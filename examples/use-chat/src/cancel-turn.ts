import { authorizationHeader } from './daemon-connection.ts';
import { describeFailure } from './describe-failure.ts';
import type { Settings } from './read-settings.ts';

/**
 * `POST /v1/conversations/:id/cancel`. Stopping useChat only closes this page's request;
 * the daemon runs the turn to its end whoever listens (that is what makes a reload
 * resumable), so Stop asks it to cancel too. Cancelling twice is the same as once.
 */
export async function cancelTurn(settings: Settings, conversationId: string): Promise<void> {
  const response = await fetch(`${settings.baseUrl}/v1/conversations/${encodeURIComponent(conversationId)}/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorizationHeader(settings) },
    body: '{}',
  });
  if (!response.ok) throw new Error(`The daemon could not stop the answer (${await describeFailure(response)}).`);
}
