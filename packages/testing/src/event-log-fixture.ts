import type { EventLog } from '@once/log';

/** What a test of the suite gets from the implementation under test. */
export interface EventLogFixture {
  /** A log over fresh, empty storage. */
  readonly log: EventLog;
  /** Opens the same storage again (after `log` was closed), as a restarted daemon would. */
  reopen(): Promise<EventLog>;
  /** Closes every log the fixture opened and deletes the storage. */
  cleanup(): Promise<void>;
}

/** Creates a fixture; called once per test. */
export type CreateEventLogFixture = () => Promise<EventLogFixture>;
