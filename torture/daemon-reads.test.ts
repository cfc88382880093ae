import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readAllEvents, readSnapshot } from './daemon-reads.ts';

/** An HTTP server that takes requests and never answers them, as a hung daemon does. */
async function startSilentServer() {
  const waiting: ServerResponse[] = [];
  const server = createServer((_request, response) => {
    waiting.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    daemon: { url: `http://127.0.0.1:${port}`, port },
    async [Symbol.asyncDispose]() {
      for (const response of waiting) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('the torture harness reading a daemon that never answers', () => {
  it('fails each read with a message naming what hung, not undici’s headers timeout', async () => {
    await using silent = await startSilentServer();
    await expect(readSnapshot(silent.daemon, 'conversation-1', 200)).rejects.toThrow(
      `the snapshot of conversation conversation-1 from :${silent.daemon.port} (GET /v1/conversations/conversation-1) hung`,
    );
    await expect(readAllEvents(silent.daemon, 'conversation-1', 200)).rejects.toThrow(
      /the events of conversation conversation-1 after offset 0 .* hung: no answer within 0.2 s/,
    );
  });
});
