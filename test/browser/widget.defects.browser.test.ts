// The widget defects a new visitor met (issue 16, "Broken" and "Confusing"), each reproduced in Chromium.
// Risks covered: the newest bot message hidden under the quick replies; the keyboard focus lost after a
// quick reply; a raw "Failed to fetch" and a typed message that vanishes on a site that is not allowed;
// an offline visitor told they are still chatting, with a failed message they cannot retry; a header that
// says "an agent" while the log names her; a phone number echoed unformatted; a greeting nobody can change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KNOWLEDGE_PATH } from '../../src/content/knowledge.ts';
import { createOperator, login, waitForEscalation } from '../operator/operator.support.ts';
import { api, startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';
import {
  ARTIFACTS,
  eventually,
  hasChromium,
  launch,
  openPage,
  PHONE,
  widgetSessionId,
} from './browser.support.ts';

const GREETING = "Hello! I'm Acme's helper. What can I do for you?";

describe.runIf(hasChromium)('widget defects (issue 16)', () => {
  let t: TestRuntime;
  let browser: Browser;
  let agentAuth: Record<string, string>;
  let blockedShop: Server;
  let blockedUrl = '';
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-widget-'));

  beforeAll(async () => {
    // The greeting comes from the knowledge file, like the troubleshooting steps: no code change needed.
    const knowledge = join(dir, 'knowledge.yaml');
    writeFileSync(
      knowledge,
      `greeting: ${JSON.stringify(GREETING)}\n${readFileSync(DEFAULT_KNOWLEDGE_PATH, 'utf8')}`,
    );
    t = await startTestRuntime({
      backend: databaseUrl ? 'postgres' : 'pglite',
      env: { KNOWLEDGE_FILE: knowledge, WIDGET_ALLOWED_ORIGINS: 'https://shop.example' },
    });
    const agent = await createOperator(t.runtime, 'agent', 'Alice Agent');
    agentAuth = (await login(t.url, agent.email, agent.password)).auth;
    // A site that embeds the widget but is not in WIDGET_ALLOWED_ORIGINS.
    blockedShop = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<!doctype html><html lang="en"><body><h1>Other shop</h1><script src="${t.url}/widget.js" defer></script></body></html>`,
      );
    });
    await new Promise<void>((r) => blockedShop.listen(0, '127.0.0.1', r));
    const address = blockedShop.address();
    blockedUrl = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    blockedShop?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const chat = (page: Page) => ({
    log: page.locator('#switchboard-chat .log'),
    input: page.locator('#switchboard-chat textarea'),
    status: page.locator('#switchboard-chat .status'),
    button: (id: string) => page.locator(`#switchboard-chat button[data-button="${id}"]`),
    async say(text: string) {
      await this.input.fill(text);
      await this.input.press('Enter');
    },
  });
  const sessionIdOf = widgetSessionId;

  /** A visitor in the inline widget who asked for a person, and Alice who took the chat. */
  async function takenByAlice() {
    const { page } = await openPage(browser);
    await page.goto(`${t.url}/`);
    const c = chat(page);
    await c.say('I want to talk to a human');
    await c.button('instant_chat').click();
    const id = await sessionIdOf(page);
    await waitForEscalation(t.url, agentAuth, id, 'queued');
    await api(t.url, 'POST', `/api/v1/conversations/${id}/assign`, { agentId: 'me' }, agentAuth);
    return { page, c, id };
  }

  it('greets with the configured greeting and keeps the newest message above the quick replies', async () => {
    const { page } = await openPage(browser, { viewport: { width: 390, height: 600 } });
    await page.goto(`${t.url}/`);
    const c = chat(page);
    await eventually(() => c.log.textContent()).toContain(GREETING);
    expect(await c.log.textContent()).not.toContain('Switchboard assistant');
    await c.say('can you help me with password');
    await eventually(() => c.button('solution_worked').count()).toBe(1);
    await c.say('I want to talk to a human');
    await eventually(() => c.button('instant_chat').count()).toBe(1);
    // Whatever the quick-reply row did to the log's height, its last message is in full view.
    await eventually(() =>
      c.log.evaluate((log) => {
        const last = log.lastElementChild?.getBoundingClientRect();
        return last ? Math.round(last.bottom - log.getBoundingClientRect().bottom) : 999;
      }),
    ).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}widget-quick-replies-390.png` });

    // Enter on a quick reply: the focus stays in the widget (on the message box), not on <body>.
    await c.button('instant_chat').focus();
    await page.keyboard.press('Enter');
    await eventually(() => page.locator('#switchboard-chat .waiting').textContent()).toMatch(/queue/);
    expect(
      await page.evaluate(() => {
        const host = document.getElementById('switchboard-chat');
        return host?.shadowRoot?.activeElement?.tagName ?? document.activeElement?.tagName;
      }),
    ).toBe('TEXTAREA');
  }, 60_000);

  it('names the agent who joined in the header, and formats the phone number it echoes', async () => {
    const { c } = await takenByAlice();
    await eventually(() => c.log.textContent()).toContain('Alice Agent has joined the chat.');
    await eventually(() => c.status.textContent()).toBe('Chatting with Alice Agent');

    const { page: caller } = await openPage(browser);
    await caller.goto(`${t.url}/`);
    const k = chat(caller);
    await k.say('I want to talk to a human');
    await k.button('callback').click();
    await eventually(() => k.log.textContent()).toMatch(/Which phone number/);
    await k.say('+442079460958');
    await eventually(() => k.log.locator('.msg.bot').last().textContent()).toContain('+44 20 7946 0958');
  }, 60_000);

  it('offline: says so, keeps the failed message and retries it once back online', async () => {
    const { page, c, id } = await takenByAlice();
    await eventually(() => c.status.textContent()).toBe('Chatting with Alice Agent');

    await page.context().setOffline(true);
    await eventually(() => c.status.textContent()).toMatch(/offline|reconnecting/i);
    await c.say('are you still there?');
    const failed = page.locator('#switchboard-chat .msg.failed');
    await expect.poll(() => failed.count(), { timeout: 15_000 }).toBe(1);
    const retry = failed.getByRole('button', { name: /retry/i });
    expect(await retry.count()).toBe(1);
    expect(await page.locator('#switchboard-chat .error').textContent()).not.toMatch(/failed to fetch/i);
    await page.screenshot({ path: `${ARTIFACTS}widget-offline.png` });

    await page.context().setOffline(false);
    await retry.click();
    // The retry marks the bubble pending at once; the server has it when the POST comes back.
    await eventually(() => failed.count()).toBe(0);
    await eventually(async () => {
      const seen = await api(t.url, 'GET', `/api/v1/conversations/${id}`, undefined, agentAuth);
      return seen.body.messages.map((m: { text: string }) => m.text);
    }).toContain('are you still there?');
    await eventually(() => page.locator('#switchboard-chat .msg.pending').count()).toBe(0);
    await eventually(() => c.status.textContent()).toBe('Chatting with Alice Agent');
  }, 60_000);

  it('on a site that is not allowed: a sentence a visitor understands, and the typed message kept', async () => {
    const { page, errors } = await openPage(browser, { viewport: PHONE });
    await page.goto(`${blockedUrl}/`);
    await page.getByRole('button', { name: 'Open support chat' }).click();
    const error = page.locator('#switchboard-widget .error');
    await eventually(() => error.textContent()).toMatch(/\w/);
    expect(await error.textContent()).not.toMatch(/failed to fetch|HTTP \d/i);
    const input = page.locator('#switchboard-widget textarea');
    await input.fill('hello, anyone?');
    await input.press('Enter');
    await eventually(() => error.textContent()).toMatch(/\w/);
    const kept =
      (await input.inputValue()) === 'hello, anyone?' ||
      (await page.locator('#switchboard-widget .msg.failed').textContent())?.includes('hello, anyone?');
    expect(kept).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}widget-blocked-site-390.png` });
    expect(errors).toEqual([]);
  }, 60_000);
});
