import { EVENT_TYPES } from '@once/protocol';

/** The part of an event an EventSource dispatches that a test reads. */
export interface SourceMessage {
  readonly data: string;
  readonly lastEventId: string;
}

/** The part of a WHATWG `EventSource` a test listens to. */
export interface ListenableEventSource {
  addEventListener(type: string, listener: (message: SourceMessage) => void): void;
}

/** What {@link watchEventSource} gathered, and a way to wait for more. */
export interface EventSourceWatch {
  /** `ready` events seen: one per connection that caught up. */
  readonly readies: number;
  /** `error` events seen: one per lost connection or failed attempt. */
  readonly errors: number;
  /** Resolves once `condition` holds, checked now and after each event. */
  until(condition: () => boolean): Promise<void>;
}

/**
 * Listens to every event type of the wire contract on an EventSource (which dispatches
 * each `event:` type to its own listeners), passing each to `onEvent`, and counts
 * `ready` and `error` events, for a test to wait on what arrived.
 */
export function watchEventSource(
  source: ListenableEventSource,
  onEvent: (message: SourceMessage) => void,
): EventSourceWatch {
  let onChange = () => {};
  const watch = {
    readies: 0,
    errors: 0,
    until: (condition: () => boolean) =>
      new Promise<void>((resolve) => {
        onChange = () => {
          if (condition()) resolve();
        };
        onChange();
      }),
  };
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => {
      onEvent(message);
      onChange();
    });
  }
  source.addEventListener('ready', () => {
    watch.readies += 1;
    onChange();
  });
  source.addEventListener('error', () => {
    watch.errors += 1;
    onChange();
  });
  return watch;
}
