import type { BlockSnapshot, MessageSnapshot } from '@once/protocol';

/** Where a transcript printer writes; `process.stdout` in the `once` command. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Prints messages to a terminal as they stream, each character once: for every block it
 * remembers how much it printed and prints only what grew since. A message the client
 * refetched from a snapshot holds the same text, so printing simply goes on. Text and
 * thinking stream; a tool call, its result and a surface print one line once closed.
 */
export interface TranscriptPrinter {
  /** Prints what these messages hold beyond what was printed before. */
  print(messages: readonly MessageSnapshot[]): void;
}

export function createTranscriptPrinter(sink: TextSink): TranscriptPrinter {
  /** Characters printed per `messageId:blockIndex`; -1 once a closed block's line is out. */
  const printed = new Map<string, number>();
  /** Messages whose heading (and, once complete, closing newline) was printed. */
  const opened = new Set<string>();
  const ended = new Set<string>();
  return {
    print(messages) {
      for (const message of messages) {
        if (!opened.has(message.id)) {
          opened.add(message.id);
          sink.write(`\n${message.role === 'user' ? '> ' : ''}`);
        }
        for (const block of message.blocks) printBlock(sink, printed, `${message.id}:${block.index}`, block);
        if (message.status !== 'streaming' && !ended.has(message.id)) {
          ended.add(message.id);
          sink.write(message.status === 'complete' ? '\n' : ` [${message.status}]\n`);
        }
      }
    },
  };
}

function printBlock(sink: TextSink, printed: Map<string, number>, key: string, block: BlockSnapshot): void {
  const done = printed.get(key) ?? 0;
  if (done === -1) return;
  switch (block.type) {
    case 'text':
    case 'thinking': {
      if (block.text.length > done) sink.write(block.text.slice(done));
      printed.set(key, block.status === 'closed' ? -1 : block.text.length);
      return;
    }
    case 'tool_use':
      if (block.status !== 'closed') return;
      sink.write(`\n[${block.toolName} ${JSON.stringify(block.input ?? null)}]`);
      break;
    case 'tool_result':
      if (block.status !== 'closed') return;
      sink.write(`\n[${block.isError === true ? 'error' : 'result'} ${JSON.stringify(block.result ?? null)}]\n`);
      break;
    case 'surface':
      if (block.status !== 'closed') return;
      sink.write(`\n[${block.surfaceType} ${JSON.stringify(block.data)}]\n`);
      break;
    default: {
      // Every block type has its case; a new one fails to compile here.
      const _unknown: never = block;
      return;
    }
  }
  printed.set(key, -1);
}
