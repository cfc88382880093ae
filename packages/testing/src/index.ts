export { type AttachmentStoreFixture, describeAttachmentStoreConformance } from './attachment-store-conformance.ts';
export { type ChatRouteServer, type ReceivedRequest, startChatRoute, writeChunks } from './chat-route-server.ts';
export { compactEvents } from './compact-events.ts';
export { describeConversationLeasesConformance, type LeaseTableFixture } from './conversation-leases-conformance.ts';
export {
  type BlockSpec,
  blockSpecArbitrary,
  buildConversation,
  conversationArbitrary,
  idsFor,
  type TurnSpec,
  turnSpecArbitrary,
} from './conversation-script.ts';
export { type CuttableProxy, startCuttableProxy } from './cuttable-proxy.ts';
export {
  createDaemonClient,
  type DaemonClient,
  type DaemonRequest,
  type DaemonResponse,
  type SnapshotResponse,
} from './daemon-client.ts';
export {
  type DaemonExit,
  type DaemonProcess,
  freePort,
  type StartDaemonOptions,
  startDaemon,
  stopLeftoverDaemons,
} from './daemon-process.ts';
export {
  accountDraft,
  deltaDraft,
  deltaDrafts,
  newAccountStream,
  newConversationStream,
  newMessageId,
  sentMessageDrafts,
} from './event-drafts.ts';
export {
  appendEvents,
  type CreateEventLogFixture,
  describeEventLogConformance,
  type EventLogFixture,
  range,
  readAll,
} from './event-log-conformance.ts';
export {
  type EventStream,
  type OpenEventStreamOptions,
  openEventStream,
  readUntil,
  type StreamCatchUp,
  type StreamMessage,
} from './event-stream-client.ts';
export { expectExactTranscript } from './expect-exact-transcript.ts';
export { foldEvents, offsetsOf } from './fold-events.ts';
export { CHROMIUM_PATH, chromiumMissing, launchChromium } from './headless-chromium.ts';
export { describeHttpProtocolConformance } from './http-protocol-conformance.ts';
export type { CreateHttpProtocolFixture, HttpProtocolFixture } from './http-protocol-fixture.ts';
export { createInMemoryLeaseTable, type InMemoryLeaseTable } from './in-memory-lease-table.ts';
export { placedOnTree } from './placed-on-tree.ts';
export { createPostgresTestSchema, type PostgresTestSchema, TEST_DATABASE_URL } from './postgres-test-schema.ts';
export { type ConversationTranscript, readConversation } from './read-conversation.ts';
export { readUntilTurnEnds } from './read-until-turn-ends.ts';
export { mountExt4, mountTmpfs, type SmallFileSystem, unmountLeftovers, whyNoMount } from './small-file-system.ts';
export {
  describeSnapshotStoreConformance,
  type LogWithSnapshots,
  type SnapshotStoreFixture,
} from './snapshot-store-conformance.ts';
export { spawnProcess, stopLeftoverProcesses } from './spawn-process.ts';
export { createTemporaryLogFixture } from './temporary-log-fixture.ts';
export { tinyPng } from './tiny-png.ts';
export {
  type EventSourceWatch,
  type ListenableEventSource,
  type SourceMessage,
  watchEventSource,
} from './watch-event-source.ts';
