// The widget a shop ships and the console tools a support team uses (issue 16), in Chromium at phone and
// laptop sizes. Risks covered: a floating chat that cannot be closed from inside, hides what arrived while
// closed, or is a small box on a phone; a shop that cannot put its name and colour on it; an operator who
// misses a new chat in another tab; a console that cannot be read or answered from a phone; any of these
// screens failing the axe audit. Screenshots for a reviewer go to test/artifacts/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator, login, waitForEscalation } from '../operator/operator.support.ts';
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
  openPage,
  PHONE,
  startShop,
  widgetSessionId,
} from './browser.support.ts';

describe.runIf(hasChromium)('widget and console tools (issue 16)', () => {
  let t: TestRuntime;
  let browser: Browser;
  let shop: { url: string; close(): void };
  let shopUrl = '';
  let agent: { email: string; password: string; id: string };
  let agentAuth: Record<string, string>;

  beforeAll(async () => {
    shop = await startShop(
      () =>
        `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme</title></head><body><main><h1>Acme Shop</h1><p>Our products.</p></main><script src="${t.url}/widget.js" data-brand="Acme Support" data-color="#0a7d5a" defer></script></body></html>`,
    );
    shopUrl = shop.url;
    t = await startTestRuntime({
      backend: databaseUrl ? 'postgres' : 'pglite',
      env: { WIDGET_ALLOWED_ORIGINS: shopUrl },
    });
    agent = await createOperator(t.runtime, 'agent', 'Alice Agent');
    agentAuth = (await login(t.url, agent.email, agent.password)).auth;
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    shop?.close();
  });

  const sessionIdOf = widgetSessionId;
  const noSideScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  it('widget: brand and colour from the script tag, × to close, unread badge, full screen on a phone', async () => {
    const { page, errors } = await openPage(browser, { viewport: PHONE, bypassCSP: true });
    await page.goto(`${shopUrl}/`);
    const w = (s: string) => page.locator(`#switchboard-widget ${s}`);
    const launcher = w('.launcher');
    await launcher.click();
    expect(await w('header h2').textContent()).toBe('Acme Support');
    expect(await w('header').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(10, 125, 90)');
    expect(await launcher.textContent()).toContain('×');
    // A phone gets the whole screen.
    const box = await w('section').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
    expect(await noSideScroll(page)).toBeLessThanOrEqual(0);
    const input = w('textarea');
    await input.fill('I want to talk to a human');
    await input.press('Enter');
    await w('button[data-button="instant_chat"]').click();
    await eventually(() => w('.waiting').textContent()).toMatch(/queue/);
    const violations = await axeViolations(page, 'widget full screen on a phone');
    await page.screenshot({ path: `${ARTIFACTS}widget-390x844.png` });

    // Closed with its own × (the launcher is under the full-screen panel on a phone).
    await w('button.close').click();
    expect(await w('section').isHidden()).toBe(true);
    const id = await sessionIdOf(page);
    await waitForEscalation(t.url, agentAuth, id, 'queued');
    await api(t.url, 'POST', `/api/v1/conversations/${id}/assign`, { agentId: 'me' }, agentAuth);
    await api(
      t.url,
      'POST',
      `/api/v1/conversations/${id}/agent-messages`,
      { text: 'Hi, Alice here.' },
      agentAuth,
    );
    await eventually(() => w('.launcher .badge').textContent()).toBe('2');
    expect(await launcher.getAttribute('aria-label')).toBe('Open support chat (2 unread)');
    violations.push(...(await axeViolations(page, 'widget closed with unread')));
    await launcher.click();
    expect(await w('.launcher .badge').isHidden()).toBe(true);
    const said = w('.msg.operator').last();
    expect(await said.locator('.avatar').textContent()).toBe('AA');
    expect(await said.locator('.name').textContent()).toBe('Alice Agent');
    expect(await said.locator('time').textContent()).toMatch(/\d/);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it('widget at 1280×800: a floating panel beside the page', async () => {
    const { page } = await openPage(browser, { viewport: LAPTOP });
    await page.goto(`${shopUrl}/`);
    await page.locator('#switchboard-widget .launcher').click();
    const box = await page.locator('#switchboard-widget section').boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(360);
    expect(box?.width).toBeLessThanOrEqual(362);
    expect(await noSideScroll(page)).toBeLessThanOrEqual(0);
    await eventually(() => page.locator('#switchboard-widget .msg.bot').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}widget-1280x800.png` });
  }, 60_000);

  it('console: the tab title counts new chats, and alerts (when switched on) notify', async () => {
    const { page } = await openPage(browser, { permissions: ['notifications'] });
    await page.addInitScript(() => {
      const shown: string[] = [];
      (window as unknown as { shown: string[] }).shown = shown;
      class Recorded {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        constructor(title: string) {
          shown.push(title);
        }
      }
      (window as unknown as { Notification: unknown }).Notification = Recorded;
    });
    await consoleLogin(page, t.url, agent);
    await page.locator('#alerts').click();
    expect(await page.locator('#alerts').getAttribute('aria-pressed')).toBe('true');
    const before = await page.title();
    expect(before).not.toMatch(/^\(/);
    const v = await startVisitor(t.url);
    await v.send('I want to talk to a human');
    await v.press('instant_chat');
    await eventually(() => page.title()).toMatch(/^\(1\) /);
    expect(await page.evaluate(() => (window as unknown as { shown: string[] }).shown)).toContain(
      'New chat waiting',
    );
    // Opening it reads it.
    await page.locator(`#items button.item[data-id="${v.sessionId}"]`).click();
    await eventually(() => page.title()).toBe(before);
    // The setting is the operator's and survives a reload.
    await page.reload();
    await eventually(() => page.locator('#alerts').getAttribute('aria-pressed')).toBe('true');
  }, 60_000);

  it('console at 390×844: read the queue, open a chat, reply, see the details, go back', async () => {
    const v = await startVisitor(t.url);
    await v.send('my parcel has not arrived');
    await v.send('I want to talk to a human');
    await v.press('instant_chat');
    await waitForEscalation(t.url, agentAuth, v.sessionId, 'queued');
    const { page, errors } = await openPage(browser, { viewport: PHONE, bypassCSP: true });
    await consoleLogin(page, t.url, agent);
    await page.getByRole('tab', { name: 'All open' }).click();
    const item = page.locator(`#items button.item[data-id="${v.sessionId}"]`);
    await item.waitFor();
    expect(await noSideScroll(page)).toBeLessThanOrEqual(0);
    const violations = await axeViolations(page, 'console queue at 390');
    await page.screenshot({ path: `${ARTIFACTS}console-390x844-queue.png` });

    await item.click();
    await eventually(() => page.locator('#conv-state').getAttribute('data-state')).toBe('escalated.queued');
    expect(await page.locator('.queue').isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Take' }).click();
    await eventually(() => page.locator('#conv-state').getAttribute('data-state')).toBe('escalated.assigned');
    await page.locator('#reply').fill('On it: checking the courier now.');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(() => page.locator('#transcript').textContent()).toContain('checking the courier');
    expect(await noSideScroll(page)).toBeLessThanOrEqual(0);
    const reply = await page.locator('#reply').boundingBox();
    expect(reply && reply.y + reply.height).toBeLessThanOrEqual(PHONE.height);
    violations.push(...(await axeViolations(page, 'console conversation at 390')));
    await page.screenshot({ path: `${ARTIFACTS}console-390x844-conversation.png` });

    await page.getByRole('button', { name: 'Details' }).click();
    expect(await page.locator('#findings').isVisible()).toBe(true);
    expect(await page.locator('.conversation').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}console-390x844-details.png` });
    await page.getByRole('button', { name: '← Conversation' }).click();
    await page.getByRole('button', { name: 'Back to the queue' }).click();
    expect(await page.locator('.queue').isVisible()).toBe(true);

    await page.setViewportSize(LAPTOP);
    await page.locator(`#items button.item[data-id="${v.sessionId}"]`).click();
    await eventually(() => page.locator('#findings').textContent()).toMatch(/State path/);
    expect(await page.locator('#back').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}console-1280x800.png` });
    // From the conversation to its state diagram and its trace (the QA routes, with the operator's token).
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export trace' }).click();
    expect((await download).suggestedFilename()).toBe(`${v.sessionId}.jsonl`);
    await page.getByRole('button', { name: 'State diagram' }).click();
    const img = page.locator('#diagram-img');
    await eventually(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    violations.push(...(await axeViolations(page, 'console state diagram')));
    await page.screenshot({ path: `${ARTIFACTS}console-diagram-1280.png` });
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);
});
