import type { StreamKey } from './event-log.ts';

/** How a stream is named in the `streams` table: its kind and the id within that kind. */
export interface StreamName {
  readonly kind: StreamKey['stream'];
  readonly name: string;
}

/** The row name of a stream. */
export function streamName(stream: StreamKey): StreamName {
  return stream.stream === 'conversation'
    ? { kind: 'conversation', name: stream.conversationId }
    : { kind: 'account', name: stream.accountId };
}

/** The stream a row (or a notification) names, or undefined for a kind this code does not know. */
export function streamKeyOf(kind: string, name: string): StreamKey | undefined {
  if (kind === 'conversation') return { stream: 'conversation', conversationId: name };
  if (kind === 'account') return { stream: 'account', accountId: name };
  return undefined;
}

/** One string per stream, for maps. */
export function streamId(stream: StreamKey): string {
  const { kind, name } = streamName(stream);
  return streamIdOf(kind, name);
}

/** {@link streamId} of a row's kind and name. */
export function streamIdOf(kind: string, name: string): string {
  return `${kind}:${name}`;
}
