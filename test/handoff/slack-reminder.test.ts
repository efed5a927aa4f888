// The SLA reminder in Slack (the remindOperators effect): a visitor queued past SLA_REMINDER_SECONDS is
// announced in the Slack channel, through the outbox and the real Slack client against the Slack fake.
// Risks covered: the reminder reaching only the console while the team lives in Slack; a reminder posted
// twice when Slack throttles (429 + Retry-After) and the effect is retried; a case that has a Slack thread
// getting a loose channel message instead of a line in its thread (shown in the channel too).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackFake, startSlackFake } from '../fakes/slack.fake.ts';
import { testClock } from '../storage/backends.ts';
import { startTestRuntime, startVisitor, type TestRuntime, type Visitor } from '../support/runtime.ts';
import { effectsIdle, eventually, FAST, SIGNING_SECRET } from './support/handoff-world.ts';

const SLA_S = 120;

let slack: SlackFake;
beforeAll(async () => {
  slack = await startSlackFake(SIGNING_SECRET);
});
afterAll(async () => {
  await slack.close();
});

async function start(clock: ReturnType<typeof testClock>, env: Record<string, string> = {}) {
  return startTestRuntime({
    env: {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_CHANNEL: slack.channel,
      SLACK_API_URL: `${slack.url}/api`,
      SLA_REMINDER_SECONDS: String(SLA_S),
      HANDOFF_HTTP_TIMEOUT_MS: '1000',
      ...env,
    },
    overrides: { ...FAST, now: clock.now },
  });
}

async function queued(t: TestRuntime): Promise<Visitor> {
  const v = await startVisitor(t.url);
  await v.send('can you help me with password');
  await v.send('can you connect me to agent');
  expect((await v.press('instant_chat')).body.state).toBe('escalated.queued');
  return v;
}

const idle = (t: TestRuntime) => effectsIdle(t);

const remindersOf = (sessionId: string) =>
  slack.messages.filter((m) => m.text.includes('Still waiting') && m.text.includes(sessionId));

describe('SLA reminder to the Slack channel (the case has no thread)', () => {
  const clock = testClock();
  let t: TestRuntime;
  beforeAll(async () => {
    t = await start(clock);
  });
  afterAll(() => t.close());

  it('posts one reminder per SLA period, once even when Slack throttles the first attempt', async () => {
    const v = await queued(t);
    await idle(t);
    // A low-priority case: the handoff itself is not announced in Slack (urgent only by default).
    expect(slack.messages.some((m) => m.text.includes(v.sessionId))).toBe(false);
    slack.faults.push({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
    });
    clock.advance(SLA_S * 1000 + 1000);
    await t.runtime.timers.tick();
    await eventually(
      () => remindersOf(v.sessionId).length,
      (n) => n === 1,
    );
    await idle(t);
    expect(remindersOf(v.sessionId)).toHaveLength(1);
    // Two attempts reached Slack: the throttled one and the one that posted.
    const attempts = slack.requests.filter(
      (r) =>
        r.path === '/api/chat.postMessage' && r.raw.includes('Still waiting') && r.raw.includes(v.sessionId),
    );
    expect(attempts).toHaveLength(2);
    const [reminder] = remindersOf(v.sessionId);
    expect(reminder?.thread_ts).toBeUndefined();
    expect(reminder?.text).toMatch(/in the live-chat queue for 2 min/);
    // The console heard it too (the queue notice), and the visitor got the "still waiting" line.
    const messages = (await v.view()).body.messages;
    expect(messages.filter((m: { text: string }) => /still in the queue/.test(m.text))).toHaveLength(1);

    clock.advance(SLA_S * 1000 + 1000);
    await t.runtime.timers.tick();
    await idle(t);
    expect(remindersOf(v.sessionId)).toHaveLength(2);
  });
});

describe('SLA reminder in the case’s Slack thread', () => {
  const clock = testClock();
  let t: TestRuntime;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-reminder-'));
    const routing = join(dir, 'routing.yaml');
    writeFileSync(routing, 'slack:\n  notify: [low, medium, high, urgent]\n');
    t = await start(clock, { HANDOFF_ROUTING_FILE: routing });
  });
  afterAll(() => t.close());

  it('replies in the thread of the escalation notice, shown in the channel as well', async () => {
    const v = await queued(t);
    const notice = await eventually(
      () =>
        slack.messages.find(
          (m) => !m.thread_ts && m.blocks.length > 0 && JSON.stringify(m.blocks).includes(v.sessionId),
        ),
      (m) => m !== undefined,
    );
    await idle(t);
    clock.advance(SLA_S * 1000 + 1000);
    await t.runtime.timers.tick();
    await idle(t);
    const reminders = remindersOf(v.sessionId);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ thread_ts: notice?.ts, reply_broadcast: true });
  });
});
