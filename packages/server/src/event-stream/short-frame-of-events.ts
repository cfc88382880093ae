import { compactDelta, type RawEnvelope } from '@once/protocol';
import { compactDeltaFrame } from './sse-frames.ts';

/**
 * The short frame of `event` after `previous` (both envelopes as objects), or null when
 * it travels in full (decision 019): what a compact stream sends for it, built by
 * `compact-frames.ts` the first time a compact stream asks for it.
 */
export function shortFrameOfEvents(previous: RawEnvelope, event: RawEnvelope): string | null {
  const data = compactDelta(previous, event);
  return data === undefined ? null : compactDeltaFrame(data);
}
