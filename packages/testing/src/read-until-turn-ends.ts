import type { IncomingEvent } from '@once/protocol';
import type { SnapshotResponse } from './daemon-client.ts';
import type { EventStream } from './event-stream-client.ts';

/**
 * Reads `stream` into `received` until `turns` turns have ended (counting every `turn_end`
 * in `received`) and the client holds everything the server has: the snapshot is idle and
 * at the last offset received. Returns that snapshot.
 */
export async function readUntilTurnEnds(
  stream: EventStream,
  received: IncomingEvent[],
  fetchSnapshot: () => Promise<SnapshotResponse>,
  turns = 1,
): Promise<SnapshotResponse> {
  let turnsEnded = received.filter((event) => event.type === 'turn_end').length;
  for (;;) {
    if (turnsEnded >= turns) {
      const served = await fetchSnapshot();
      if (served.activeTurn === undefined && served.offset === (received.at(-1)?.offset ?? 0)) return served;
    }
    const message = await stream.next();
    if (message === undefined) {
      throw new Error(
        `The event stream ended after offset ${received.at(-1)?.offset ?? 0}, before ${turns} turn(s) ended: ${String(stream.failure ?? 'closed by the server')}`,
      );
    }
    if (message.event === undefined) continue;
    received.push(message.event);
    if (message.event.type === 'turn_end') turnsEnded += 1;
  }
}
