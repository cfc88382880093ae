import { startOnceBackend } from './backends.ts';
import { runChatSession } from './chat-session.ts';
import { faultSchedule } from './fault-schedule.ts';

const SPEC = { tokens: 120, delayMs: 20, timed: false };
const schedule = faultSchedule(14, 3, 2400);
console.log(JSON.stringify(schedule));
await using once = await startOnceBackend('once-transport');
for (let i = 0; i < 2; i++) {
  const sessions = await Promise.all(schedule.map((faults) => runChatSession(once, SPEC, faults)));
  console.log(JSON.stringify(sessions));
}
