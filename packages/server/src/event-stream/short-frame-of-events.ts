import { compactDelta, type RawEnvelope } from '@once/protocol';
import { compactDeltaFrame } from './sse-frames.ts';

/**
 * The short frame of `event` after `previous` (both envelopes as objects), or null when
 * it travels in full (decision 019): what a compact stream sends for it. The feed builds
 * it as soon as it keeps a commit whose events the log handed over as objects, with
 * nothing to parse; `compact-frames.ts` builds it from the stored text otherwise.
 */
export function shortFrameOfEvents(previous: RawEnvelope, event: RawEnvelope): string | null {
  const data = compactDelta(previous, event);
  return data === undefined ? null : compactDeltaFrame(data);
}
