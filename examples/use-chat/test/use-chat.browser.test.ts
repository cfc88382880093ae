// The example in Chromium against real daemons, on its own origin: the five useChat
// scenarios with Once's transport and with the AI SDK's stock one.
import { chromiumMissing, launchChromium } from '@once/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { buildExample } from './build-example.ts';
import { type StaticServer, startStaticServer } from './start-static-server.ts';
import { describeUseChatScenarios } from './use-chat-scenarios.ts';

const missing = chromiumMissing('the useChat browser tests');

describe.skipIf(missing !== undefined)('examples/use-chat in Chromium', () => {
  let browser: Browser | undefined;
  let app: StaticServer | undefined;

  beforeAll(async () => {
    app = await startStaticServer(buildExample());
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.[Symbol.asyncDispose]();
  });

  const fixture = {
    browser: () => browser as Browser,
    appOrigin: () => (app as StaticServer).origin,
  };
  describeUseChatScenarios('once', fixture);
  describeUseChatScenarios('default', fixture);
});
