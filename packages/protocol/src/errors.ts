/**
 * Every error code Once puts on the wire, shared by the daemon, the SDK and the apps.
 * Each maps to one HTTP status in {@link ERROR_STATUS}.
 */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'invalid_event'
  | 'bad_cursor'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'not_found'
  | 'conversation_not_found'
  | 'message_not_found'
  | 'approval_not_found'
  | 'conflict'
  | 'rate_limited'
  | 'provider_error'
  | 'tool_error'
  | 'internal'
  | 'unavailable'
  | 'storage_full'
  | 'storage_read_only';

/** The HTTP status that goes with each error code. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_event: 400,
  bad_cursor: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  not_found: 404,
  conversation_not_found: 404,
  message_not_found: 404,
  approval_not_found: 404,
  conflict: 409,
  rate_limited: 429,
  provider_error: 502,
  tool_error: 500,
  internal: 500,
  unavailable: 503,
  // 507 Insufficient Storage: the daemon cannot store this now; reads still work, and a
  // retry succeeds once space (or a writable file system) returns.
  storage_full: 507,
  storage_read_only: 507,
};

/** The error body on the wire: `{ "error": { "code", "message" } }`. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/** An error with a wire code, its HTTP status and a sentence a person can act on. */
export class OnceError extends Error {
  override readonly name = 'OnceError';
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = ERROR_STATUS[code];
  }

  /** The JSON body the daemon sends for this error. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** True for any {@link OnceError}, including one from another copy of this package. */
export function isOnceError(value: unknown): value is OnceError {
  return value instanceof Error && value.name === 'OnceError' && typeof (value as OnceError).code === 'string';
}
