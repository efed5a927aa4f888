// Tickets and callbacks worked to the end in the console, and a visitor rating the chat in the widget, in
// Debian's Chromium. Risks covered: tickets and callbacks sitting in the live queue where nobody can work
// them (issue 15: Take/Resolve refused, "the bot owns this conversation"); a console offering a status move
// the lifecycle refuses; a reply that never reaches the requester; the requester's answer not showing on the
// ticket; a callback that can never be marked done; the rating never asked for or never shown to the
// operator; the new screens failing an axe audit or breaking at 1280×800 and 390×844.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator, login } from '../operator/operator.support.ts';
import { api, startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';
import {
  ARTIFACTS,
  axeViolations,
  consoleLogin,
  eventually,
  hasChromium,
  LAPTOP,
  launch,
  openConversation,
  openPage,
  PHONE,
  widgetSessionId,
} from './browser.support.ts';

describe.runIf(hasChromium)('tickets and callbacks worked in the console', () => {
  let t: TestRuntime;
  let browser: Browser;
  let agent: { email: string; password: string; id: string };
  let agentAuth: Record<string, string>;
  const pageErrors: string[][] = [];
  const errors = () => pageErrors.flat();

  beforeAll(async () => {
    t = await startTestRuntime({ backend: databaseUrl ? 'postgres' : 'pglite' });
    agent = await createOperator(t.runtime, 'agent', 'Alice Agent');
    agentAuth = (await login(t.url, agent.email, agent.password)).auth;
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function operatorPage(): Promise<Page> {
    // The axe audit adds its script to the page: the console's CSP would refuse it.
    const { page, errors: seen } = await openPage(browser, { bypassCSP: true });
    pageErrors.push(seen);
    await consoleLogin(page, t.url, agent);
    return page;
  }

  const ticketState = (page: Page) => page.locator('#ticket-state').getAttribute('data-state');

  it('a ticket: open → in_progress → reply (the requester answers) → resolved with notes → closed', async () => {
    const v = await startVisitor(t.url);
    await v.send('the app crashes when I open it');
    await v.send('I want to talk to a human');
    await v.press('ticket');
    await v.send('jane@example.org');
    const made = await v.send('It crashes at start since the update, on Android 14.');
    const number = /TKT-\d{4}-\d{4}/.exec(made.body.replies[0].text)?.[0] ?? '';
    expect(number).toBeTruthy();

    const page = await operatorPage();
    // Not in the live queue: it is no chat anybody waits in.
    await page.getByRole('tab', { name: 'All open' }).click();
    await eventually(() => page.locator('#queue-status').textContent()).toBeTruthy();
    expect(await page.locator(`#items button.item[data-id="${v.sessionId}"]`).count()).toBe(0);

    await page.getByRole('tab', { name: 'Tickets' }).click();
    const item = page.locator('#ticket-items button.item', { hasText: number });
    await item.waitFor({ timeout: 10_000 });
    // The first-reply countdown is FIRST_RESPONSE_SLA's (technical → medium: 1 hour by default).
    await eventually(() => item.locator('.sla').textContent()).toMatch(/^SLA (59m|1h 00m)/);
    await item.click();
    await eventually(() => ticketState(page)).toBe('open');
    // Only the moves the lifecycle allows from open are offered (resolving has its own form).
    expect(
      await page
        .locator('#ticket-move-to option')
        .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value)),
    ).toEqual(['in_progress', 'awaiting_customer', 'closed']);
    // Nobody holds it: an agent must take it before answering.
    expect(await page.locator('#ticket-reply-form').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}console-tickets.png` });
    expect(await axeViolations(page, 'tickets tab')).toEqual([]);

    await page.locator('#ticket-take').click();
    await eventually(() => ticketState(page)).toBe('in_progress');
    await eventually(() => page.locator('#ticket-assignee').textContent()).toBe('with Alice Agent');

    await page.locator('#ticket-reply').fill('Which app version do you have?');
    await page.locator('#ticket-reply-form button[type=submit]').click();
    await eventually(() => page.locator('#ticket-notice').textContent()).toBe(
      'Sent to the requester in their chat.',
    );
    await eventually(() => ticketState(page)).toBe('awaiting_customer');
    const seen = await v.view();
    expect(seen.body.messages.at(-1)).toMatchObject({
      role: 'operator',
      text: 'Which app version do you have?',
    });

    // The requester answers in their chat: it shows on the ticket, live, and the ticket is worked again.
    await v.send('Version 4.2 on a Pixel 7');
    await eventually(() => page.locator('#ticket-thread .reply.customer').textContent()).toContain(
      'Version 4.2 on a Pixel 7',
    );
    await eventually(() => ticketState(page)).toBe('in_progress');

    await page.locator('#ticket-reply').fill('Checked with the team: VIP customer.');
    await page.locator('#ticket-note').check();
    await page.locator('#ticket-reply-form button[type=submit]').click();
    await eventually(() => page.locator('#ticket-thread .reply.note').count()).toBe(1);

    // Resolving without notes is refused in the page; with notes and a category it resolves.
    await page.locator('#ticket-resolve-form button[type=submit]').click();
    expect(await ticketState(page)).toBe('in_progress');
    await page.locator('#ticket-resolve-notes').fill('Reinstalling 4.3 fixed the crash.');
    await page.locator('#ticket-resolve-category').selectOption('solved');
    await page.locator('#ticket-resolve-form button[type=submit]').click();
    await eventually(() => ticketState(page)).toBe('resolved');
    expect(await page.locator('#ticket-resolution').textContent()).toBe(
      'Reinstalling 4.3 fixed the crash. (solved)',
    );
    // The requester is told and asked to rate it.
    await eventually(async () => (await v.view()).body.state).toBe('ticket_solved');

    expect(
      await page
        .locator('#ticket-move-to option')
        .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value)),
    ).toEqual(['closed', 'in_progress']);
    await page.locator('#ticket-move-to').selectOption('closed');
    await page.locator('#ticket-move').click();
    await eventually(() => ticketState(page)).toBe('closed');
    // Closed is final: nothing to move to, nothing to reply.
    // (eventually: the view renders the status badge and the actions from the same answer, but a refresh
    // the stream set off just before may land in between.)
    await eventually(() => page.locator('#ticket-move-to').count()).toBe(0);
    await eventually(() => page.locator('#ticket-reply-form').count()).toBe(0);
    await page.locator('#t-status').selectOption('closed');
    await item.waitFor({ timeout: 10_000 });
    await item.click();
    await eventually(() => ticketState(page)).toBe('closed');
    await page.screenshot({ path: `${ARTIFACTS}console-ticket-closed.png` });

    await page.setViewportSize(PHONE);
    await page.screenshot({ path: `${ARTIFACTS}console-tickets-phone.png`, fullPage: true });
    expect(await axeViolations(page, 'closed ticket, phone')).toEqual([]);
    await page.setViewportSize(LAPTOP);
    expect(errors()).toEqual([]);
  }, 120_000);

  it('a callback: no answer → rescheduled → done, with notes and a tel: link', async () => {
    const v = await startVisitor(t.url);
    await v.send('my parcel never arrived');
    await v.send('I want to talk to a human');
    await v.press('callback');
    await v.send('+44 20 7946 0958');
    expect((await v.send('tomorrow 9-11am')).body.state).toBe('callback_scheduled');

    const page = await operatorPage();
    await page.getByRole('tab', { name: 'All open' }).click();
    await eventually(() => page.locator('#queue-status').textContent()).toBeTruthy();
    expect(await page.locator(`#items button.item[data-id="${v.sessionId}"]`).count()).toBe(0);

    await page.getByRole('tab', { name: 'Callbacks' }).click();
    const item = page.locator('#callback-items button.item', { hasText: '7946' });
    await item.waitFor({ timeout: 10_000 });
    await item.click();
    await eventually(() => page.locator('#callback-tel').getAttribute('href')).toBe('tel:+442079460958');
    await page.screenshot({ path: `${ARTIFACTS}console-callbacks.png` });
    expect(await axeViolations(page, 'callbacks tab')).toEqual([]);

    await page.locator('#callback-take').click();
    await eventually(() => page.locator('#callback-notice').textContent()).toBe('Taken: it is yours.');
    await page.locator('#callback-notes').fill('Rang twice, voicemail.');
    await page.locator('#callback-no-answer').click();
    await eventually(() => page.locator('#callback-attempts').textContent()).toBe('1');
    expect(await page.locator('#callback-state').getAttribute('data-state')).toBe('scheduled');
    expect(await page.locator('#callback-notes-shown').textContent()).toBe('Rang twice, voicemail.');
    const [row] = (await api(t.url, 'GET', '/api/v1/callbacks', undefined, agentAuth)).body.items.filter(
      (c: { sessionId: string }) => c.sessionId === v.sessionId,
    );
    // Rescheduled: the new window starts about two hours from now.
    expect(Date.parse(row.dueAt) - Date.now()).toBeGreaterThan(100 * 60_000);

    await page.locator('#callback-notes').fill('Reached her; a new parcel goes out today.');
    await page.locator('#callback-done').click();
    await eventually(() => page.locator('#callback-notice').textContent()).toBe('Done.');
    // Done is final and leaves the "to call" list.
    await eventually(() => page.locator('#callback-items button.item', { hasText: '7946' }).count()).toBe(0);
    await page.locator('#c-status').selectOption('done');
    await item.waitFor({ timeout: 10_000 });
    await item.click();
    await eventually(() => page.locator('#callback-state').getAttribute('data-state')).toBe('done');
    expect(await page.locator('#callback-form').count()).toBe(0);

    await page.setViewportSize(PHONE);
    await page.screenshot({ path: `${ARTIFACTS}console-callbacks-phone.png`, fullPage: true });
    expect(await axeViolations(page, 'done callback, phone')).toEqual([]);
    expect(errors()).toEqual([]);
  }, 120_000);

  it('the visitor rates the chat in the widget after a human resolves it; the console shows the rating', async () => {
    const { page: visitor, errors: visitorErrors } = await openPage(browser, { viewport: PHONE });
    pageErrors.push(visitorErrors);
    await visitor.goto(`${t.url}/`);
    const chat = visitor.locator('#switchboard-chat');
    const input = chat.locator('textarea');
    await eventually(() => chat.locator('.log').textContent()).toMatch(/Switchboard assistant/);
    await input.fill('can you help me with password');
    await input.press('Enter');
    await eventually(() => chat.locator('.log').textContent()).toMatch(/Step 1 of 3/);
    await input.fill('I want to talk to a human');
    await input.press('Enter');
    await chat.locator('button[data-button="instant_chat"]').click();
    await eventually(() => chat.locator('.waiting').textContent()).toMatch(/in the queue/);
    const sessionId = await widgetSessionId(visitor);

    const c = `/api/v1/conversations/${sessionId}`;
    await api(t.url, 'POST', `${c}/assign`, { agentId: 'me' }, agentAuth);
    await api(t.url, 'POST', `${c}/agent-messages`, { text: 'Reset link sent again.' }, agentAuth);
    const done = await api(
      t.url,
      'POST',
      `${c}/resolve`,
      { notes: 'reset', resolutionCategory: 'solved' },
      agentAuth,
    );
    expect(done.body.state).toBe('escalated.closed');

    // The survey is the widget's star control (widget.rating.ts): five stars and an optional comment.
    const stars = chat.locator('fieldset.stars');
    await stars.waitFor({ timeout: 10_000 });
    await visitor.screenshot({ path: `${ARTIFACTS}widget-rating.png` });
    await stars.locator('label').nth(4).click();
    await chat.locator('.rating textarea').fill('quick and kind');
    await chat.locator('.rating button[type="submit"]').click();
    await eventually(() => chat.locator('.msg.bot').last().textContent()).toMatch(/passed that on/i);
    await visitor.screenshot({ path: `${ARTIFACTS}widget-rated.png` });

    const page = await operatorPage();
    await openConversation(page, sessionId, 'Closed');
    await eventually(() => page.locator('#conv-rating').textContent()).toBe('★ 5/5 “quick and kind”');
    await page.screenshot({ path: `${ARTIFACTS}console-rating.png` });
    expect(errors()).toEqual([]);
  }, 120_000);
});
