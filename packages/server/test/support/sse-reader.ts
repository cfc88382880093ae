/** One SSE block off the wire: its fields, or the comment it was. */
export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly retry?: string;
  readonly comment?: string;
  /** The frame's lines exactly as sent. */
  readonly raw: string;
}

/** An event stream read from a real socket, chunk by chunk, as a client would. */
export interface SseReader extends AsyncDisposable {
  readonly status: number;
  readonly headers: Headers;
  /** Socket reads so far: how many pieces the bytes arrived in. */
  readonly chunks: number;
  /** Frames parsed so far. */
  readonly frames: SseFrame[];
  /** Reads until a frame matches, and returns it; throws if the stream ends first. */
  until(match: (frame: SseFrame) => boolean): Promise<SseFrame>;
  /** Reads until the server closes the stream; true when it did. */
  ended(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens `url` with `Accept: text/event-stream` (plus `headers`). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  if (response.body === null) throw new Error('The event stream has no body.');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const frames: SseFrame[] = [];
  let buffer = '';
  let chunks = 0;
  let done = false;

  const readMore = async () => {
    const result = await reader.read();
    if (result.done) {
      done = true;
      return;
    }
    chunks += 1;
    buffer += result.value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      frames.push(parseFrame(buffer.slice(0, end)));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  };

  let seen = 0;
  const close = async () => {
    controller.abort();
    await reader.cancel().catch(() => undefined);
  };
  return {
    status: response.status,
    headers: response.headers,
    get chunks() {
      return chunks;
    },
    frames,
    async until(match) {
      for (;;) {
        while (seen < frames.length) {
          const frame = frames[seen] as SseFrame;
          seen += 1;
          if (match(frame)) return frame;
        }
        if (done) throw new Error('The event stream ended before the expected frame arrived.');
        await readMore();
      }
    },
    async ended() {
      while (!done) await readMore();
      return true;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The complete frames in an event-stream body (a trailing partial frame is left out). */
export function parseFrames(body: string): SseFrame[] {
  const blocks = body.split('\n\n');
  blocks.pop();
  return blocks.map(parseFrame);
}

function parseFrame(raw: string): SseFrame {
  const frame: Record<string, string> = { raw };
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) {
      frame.comment = line.slice(1).trim();
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    frame[field] = field in frame && field === 'data' ? `${frame[field]}\n${value}` : value;
  }
  return frame as unknown as SseFrame;
}
