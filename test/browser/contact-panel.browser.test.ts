// The console's visitor panel in Debian's Chromium: an agent opens a conversation of a returning customer
// and sees who they are (name, tier, identities), their earlier conversation and callback, the activity,
// and a link to the contact's record; an unknown visitor is said to be unknown. Risks covered: customer
// memory that exists in the database but never reaches the agent; the panel breaking the page's
// accessibility. A screenshot goes to test/artifacts/.
import type { Browser } from 'playwright-core';
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
  launch,
  openPage,
} from './browser.support.ts';

const PHONE = '+4915123456781';

describe.runIf(hasChromium)('the visitor panel of the console', () => {
  let t: TestRuntime;
  let browser: Browser;
  let agent: { email: string; password: string; id: string };

  const drained = () => eventually(async () => (await t.runtime.effectLog.pendingCount()) === 0).toBe(true);

  beforeAll(async () => {
    t = await startTestRuntime({
      backend: databaseUrl ? 'postgres' : 'pglite',
      overrides: { effectWorker: { baseBackoffMs: 20, maxBackoffMs: 100, pollMs: 50 } },
    });
    agent = await createOperator(t.runtime, 'agent', 'Alice Agent');
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows a returning VIP with their earlier callback, and an unknown visitor as unknown', async () => {
    // Last week: a callback to this phone.
    const before = await startVisitor(t.url);
    await before.send('I want a human');
    await before.press('callback');
    await before.send(PHONE);
    await before.send('tomorrow 9-11am');
    await drained();
    const admin = await createOperator(t.runtime, 'admin', 'Ada Admin');
    const adminAuth = (await login(t.url, admin.email, admin.password)).auth;
    const [contact] = (
      await api(t.url, 'GET', `/api/v1/contacts?q=${encodeURIComponent(PHONE)}`, undefined, adminAuth)
    ).body.items;
    await api(
      t.url,
      'PATCH',
      `/api/v1/contacts/${contact.id}`,
      { name: 'Vera Returning', tier: 'vip' },
      adminAuth,
    );

    // Today: the same person, who gives the same phone, and is handed to a live agent.
    const today = await startVisitor(t.url);
    await today.send('I want a human');
    await today.press('callback');
    await today.send(PHONE);
    await today.send('any time today');
    await drained();
    const stranger = await startVisitor(t.url);
    await stranger.send('I want a human');
    await stranger.press('instant_chat');
    await drained();

    const { page, errors } = await openPage(browser, { bypassCSP: true });
    await consoleLogin(page, t.url, agent);
    await api(
      t.url,
      'POST',
      `/api/v1/conversations/${today.sessionId}/escalate`,
      { reason: 'call back now' },
      adminAuth,
    );
    const panel = page.locator('#visitor-panel');
    async function openByLink(id: string) {
      await page.evaluate((target) => {
        location.hash = `#conversation/${target}`;
      }, id);
      await eventually(() => page.locator('#conv-state').getAttribute('data-state')).toBeTruthy();
    }
    // A callback is worked from the Callbacks list; the console opens any conversation by its link.
    await openByLink(today.sessionId);
    await eventually(() => panel.locator('#contact-name').textContent()).toMatch(/Vera Returning\s*vip/);
    expect(await panel.locator('#contact-identities').textContent()).toContain(PHONE);
    expect(await panel.locator('#contact-conversations li').count()).toBe(1);
    expect(
      await panel.locator(`#contact-conversations a[href="#conversation/${before.sessionId}"]`).count(),
    ).toBe(1);
    expect(await panel.locator('#contact-callbacks li').count()).toBe(2);
    expect(await panel.locator('#contact-activities').textContent()).toContain(
      'Handover requested: callback',
    );
    expect(await panel.locator('#contact-record').isVisible()).toBe(true);
    // The VIP rule raised the conversation from the medium an explicit request gets to high.
    await eventually(() => page.locator('#findings .prio-tag').textContent()).toBe('high');
    expect(await page.locator('#findings').textContent()).toContain('customer:vip');
    await page.screenshot({ path: `${ARTIFACTS}console-visitor-panel.png`, fullPage: true });
    expect(await axeViolations(page, 'console with the visitor panel')).toEqual([]);

    // The link to the earlier conversation opens it in the console.
    await panel.locator(`#contact-conversations a[href="#conversation/${before.sessionId}"]`).click();
    await eventually(() => page.evaluate(() => location.hash)).toBe(`#conversation/${before.sessionId}`);

    await openByLink(stranger.sessionId);
    await eventually(() => panel.locator('#visitor-unknown').textContent()).toBe('Not a known contact yet.');
    expect(errors).toEqual([]);
  });
});
