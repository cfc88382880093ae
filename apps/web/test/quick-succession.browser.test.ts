// Scenario 1 of the seed's test plan: messages sent in quick succession, the second right
// after the first, are each answered once and in order, and no bubble ever shows twice.
import { describe, expect, it } from 'vitest';
import { browserMissing, send, settled, startConversation, startDemoDaemon, useBrowser } from './browser-fixture.ts';
import { readMessageWatch } from './message-watch.ts';

describe.skipIf(browserMissing)('messages sent in quick succession', () => {
  const browser = useBrowser();

  it('answers each once, in order, each answer after its question and the daemon’s text', async () => {
    await using daemon = await startDemoDaemon(['--demo-delay-ms', '5', '--demo-tokens', '40']);
    const { page } = await browser.openPage();
    await page.goto(daemon.url);
    const prompts = ['What is an offset?', 'And a snapshot?', 'How does a reconnect resume?'];
    const conversationId = await startConversation(page, prompts[0] as string);
    // The next ones go at once, while the first answer streams: the daemon queues them.
    for (const prompt of prompts.slice(1)) await send(page, prompt);

    const snapshot = await settled(page, daemon, conversationId, prompts.length * 2);
    // Where a queued question lands among the answers depends on when it arrived (before or
    // after the running answer opened); what must hold is that each answer follows its own
    // question, and the page shows the daemon's order (checked below).
    const roles = snapshot.messages.map((message) => message.role);
    expect(roles.filter((role) => role === 'user')).toHaveLength(prompts.length);
    expect(roles.filter((role) => role === 'assistant')).toHaveLength(prompts.length);
    const asked = snapshot.messages.filter((message) => message.role === 'user');
    expect(asked.map((message) => message.blocks.map((block) => ('text' in block ? block.text : '')).join(''))).toEqual(
      prompts,
    );
    expect(snapshot.messages.every((message) => message.status === 'complete')).toBe(true);
    // Each answer quotes its own prompt: the second answer is about the second question.
    const answers = snapshot.messages.filter((message) => message.role === 'assistant');
    answers.forEach((answer, index) => {
      const text = answer.blocks.map((block) => ('text' in block ? block.text : '')).join('');
      expect(text).toContain((prompts[index] as string).split(' ')[0]);
      const question = snapshot.messages.findIndex((message) => message.id === asked[index]?.id);
      expect(snapshot.messages.indexOf(answer)).toBeGreaterThan(question);
    });

    const watch = await readMessageWatch(page);
    expect(watch.duplicates).toEqual([]);
    expect(watch.created).toEqual(snapshot.messages.map((message) => message.id));
  }, 120_000);
});
