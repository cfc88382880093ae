import type { MessageError } from '@once/protocol';
import { APICallError, JSONParseError, TypeValidationError } from 'ai';

/** A failure the upstream request itself noticed, already put in words. */
export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';
  /** The message error's code: `timeout`, `network`, `provider_error`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Where the request was when it failed. */
export interface FailureContext {
  readonly url: string;
  /** True once the upstream answered with a stream (its headers arrived). */
  readonly responded: boolean;
}

const SHOWN = 200;

/**
 * The message error of an upstream that failed, one sentence naming the upstream and
 * what it did: could not be reached, answered non-2xx (with the start of its body), sent
 * something that is no UI message chunk (with the start of it), or broke off its stream.
 */
export function describeUpstreamFailure(caught: unknown, context: FailureContext): MessageError {
  const upstream = `The upstream ${context.url}`;
  if (caught instanceof UpstreamFailure) return { code: caught.code, message: caught.message };
  if (APICallError.isInstance(caught)) {
    const body = shorten(caught.responseBody ?? '');
    return {
      code: 'provider_error',
      message: `${upstream} answered ${caught.statusCode ?? 'an error'}${body === '' ? '' : `: ${body}`}`,
    };
  }
  if (JSONParseError.isInstance(caught)) {
    return { code: 'provider_error', message: `${upstream} sent a chunk that is not JSON: ${shorten(caught.text)}` };
  }
  if (TypeValidationError.isInstance(caught)) {
    return {
      code: 'provider_error',
      message: `${upstream} sent a chunk that is not a UI message chunk: ${shorten(JSON.stringify(caught.value))}`,
    };
  }
  const reason = causeOf(caught);
  if (!context.responded) return { code: 'network', message: `${upstream} could not be reached: ${reason}` };
  return { code: 'network', message: `${upstream} broke off its stream: ${reason}` };
}

/** The most telling words of a fetch failure: its cause's code or message (`ECONNREFUSED`, `other side closed`). */
function causeOf(caught: unknown): string {
  const cause = caught instanceof Error ? caught.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
  }
  return caught instanceof Error ? caught.message : String(caught);
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SHOWN ? `${line.slice(0, SHOWN)}…` : line;
}
