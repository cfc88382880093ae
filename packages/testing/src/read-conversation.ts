import type { IncomingEvent } from '@once/protocol';
import type { DaemonClient, SnapshotResponse } from './daemon-client.ts';
import { openEventStream } from './event-stream-client.ts';
import { readUntilTurnEnds } from './read-until-turn-ends.ts';

/** A conversation as a client that read it from the start holds it, and the daemon's snapshot. */
export interface ConversationTranscript {
  /** Every event from offset 1, in the order the event stream sent them. */
  readonly events: IncomingEvent[];
  /** The daemon's snapshot once the turns ended, at the offset of the last event. */
  readonly snapshot: SnapshotResponse;
}

/**
 * Reads a conversation's event stream from the start until `turns` turns have ended and
 * the daemon's snapshot is idle at the last offset read: the way a test waits for a turn,
 * without polling or sleeping.
 */
export async function readConversation(
  client: DaemonClient,
  conversationId: string,
  turns = 1,
): Promise<ConversationTranscript> {
  await using stream = await openEventStream(client.eventsUrl(conversationId), {
    headers: client.token === undefined ? {} : { authorization: `Bearer ${client.token}` },
  });
  const events: IncomingEvent[] = [];
  const snapshot = await readUntilTurnEnds(stream, events, () => client.getSnapshot(conversationId), turns);
  return { events, snapshot };
}
