import type { EventLog, StoredEvent, StreamKey } from '@once/log';
import { type Offset, START_OFFSET } from '@once/protocol';

/** Reads a whole stream, page by page, the way a catching-up client does. */
export async function readAll(log: EventLog, stream: StreamKey, pageSize = 100): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await log.read(stream, (events.at(-1)?.offset ?? START_OFFSET) as Offset, pageSize);
    events.push(...page);
    if (page.length < pageSize) return events;
  }
}
