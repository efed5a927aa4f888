// The widget a shop ships, second round (issue 16 item 3), in Chromium. Risks covered: a Spanish visitor
// meeting English widget text; a pre-chat form that lets a wrong e-mail through, or whose answers never
// reach the agent; the satisfaction survey shown as five loose buttons, unusable by keyboard, or losing the
// comment; a light brand colour (yellow) making the header and buttons unreadable; the operator not
// learning which page and time zone the visitor wrote from; any of these screens failing the axe audit or
// scrolling sideways. Screenshots for a reviewer go to test/artifacts/.
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIDGET_MESSAGES } from '../../src/server/client/widget.messages.ts';
import { satisfactionRatings } from '../../src/storage/schema/index.ts';
import { createOperator, login, waitFor, waitForEscalation } from '../operator/operator.support.ts';
import { api, startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { databaseUrl } from '../support/servers.ts';
import {
  ARTIFACTS,
  axeViolations,
  eventually,
  hasChromium,
  LAPTOP,
  launch,
  openPage,
  PHONE,
  startShop,
  widgetSessionId,
} from './browser.support.ts';

describe.runIf(hasChromium)('widget: languages, pre-chat form, rating, brand colour, visitor facts', () => {
  let t: TestRuntime;
  let browser: Browser;
  let shop: { url: string; close(): void };
  let agentAuth: Record<string, string>;

  beforeAll(async () => {
    // /es: no language on the tag (the browser's decides), a required pre-chat form, a yellow brand.
    // /en: English asked for on the tag, whatever the browser says; the form can be skipped.
    shop = await startShop((path) => {
      const tag = path.startsWith('/es')
        ? 'data-brand="Tienda Sol" data-color="#ffd000" data-prechat="required"'
        : 'data-lang="en" data-brand="Acme Support" data-prechat="optional"';
      return `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body><main><h1>Shop</h1><p><a href="/es/checkout?step=2">Checkout</a></p></main><script src="${t.url}/widget.js" ${tag} defer></script></body></html>`;
    });
    t = await startTestRuntime({
      backend: databaseUrl ? 'postgres' : 'pglite',
      env: { WIDGET_ALLOWED_ORIGINS: shop.url },
    });
    const agent = await createOperator(t.runtime, 'agent', 'Alice Agent');
    agentAuth = (await login(t.url, agent.email, agent.password)).auth;
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    shop?.close();
  });

  const sideScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  /** Every text the widget shows or says to a screen reader: nodes, labels, placeholders, titles. */
  const widgetTexts = (page: Page) =>
    page.evaluate(() => {
      const root = document.getElementById('switchboard-widget')?.shadowRoot;
      if (!root) return [];
      const texts: string[] = [];
      for (const el of root.querySelectorAll('*')) {
        if ((el as HTMLElement).closest('.msg')) continue; // what the bot and agents said: the server's
        for (const a of ['aria-label', 'placeholder', 'title']) {
          const v = el.getAttribute(a);
          if (v) texts.push(v);
        }
        for (const n of el.childNodes)
          if (n.nodeType === 3 && n.textContent?.trim()) texts.push(n.textContent.trim());
      }
      return texts;
    });
  const english = new Set(Object.values(WIDGET_MESSAGES.en ?? {}).filter((s) => !s.includes('{')));

  it('a Spanish browser gets the widget in Spanish; the required pre-chat form checks its fields; yellow stays readable', async () => {
    const { page, errors } = await openPage(browser, {
      viewport: PHONE,
      bypassCSP: true,
      locale: 'es-ES',
      timezoneId: 'Europe/Madrid',
    });
    await page.goto(`${shop.url}/es/start`);
    await page.locator('a', { hasText: 'Checkout' }).click();
    await page.waitForURL(/checkout/);
    const w = (s: string) => page.locator(`#switchboard-widget ${s}`);
    const launcher = w('.launcher');
    expect(await launcher.getAttribute('aria-label')).toBe('Abrir el chat de ayuda');
    await launcher.click();
    // The form comes first, the name field focused; nothing was started yet.
    await eventually(() => w('.prechat').isVisible()).toBe(true);
    expect(await w('.prechat h3').textContent()).toBe('Antes de empezar');
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);
    expect(await w('textarea#sb-input').isHidden()).toBe(true);
    expect(await w('section').getAttribute('lang')).toBe('es');
    const violations = await axeViolations(page, 'pre-chat form (es, 390)');

    // Empty, then a wrong e-mail: each field says what is wrong, the focus goes to the first problem.
    await w('.prechat button[type="submit"]').click();
    expect(await w('#sb-prechat-name-error').textContent()).toBe('Escribe tu nombre, por favor.');
    expect(await w('#sb-prechat-email-error').textContent()).toBe(
      'Escribe tu correo electrónico, por favor.',
    );
    expect(await w('#sb-prechat-name').getAttribute('aria-invalid')).toBe('true');
    expect(
      await page.evaluate(() => document.getElementById('switchboard-widget')?.shadowRoot?.activeElement?.id),
    ).toBe('sb-prechat-name');
    await w('#sb-prechat-name').fill('Ana García');
    await w('#sb-prechat-email').fill('ana@correo');
    await w('#sb-prechat-email').press('Enter');
    expect(await w('#sb-prechat-email-error').textContent()).toMatch(/no parece un correo/);
    violations.push(...(await axeViolations(page, 'pre-chat form with errors (es, 390)')));
    await page.screenshot({ path: `${ARTIFACTS}widget-prechat-es-390x844.png` });
    await w('#sb-prechat-email').fill('ana@correo.es');
    await w('#sb-prechat-email').press('Enter');

    // The chat starts in Spanish: the bot's greeting too (the widget asked for the session's language).
    await eventually(() => w('.msg.bot').count()).toBeGreaterThan(0);
    expect(await w('.prechat').count()).toBe(0);
    expect(await w('.msg.bot').first().textContent()).toMatch(/Hola|asistente/i);
    expect(await w('textarea#sb-input').getAttribute('placeholder')).toBe('Escribe tu mensaje…');
    expect(await w('button.send').textContent()).toBe('Enviar');
    // No English widget text anywhere (the server's own words are checked elsewhere).
    const leftovers = (await widgetTexts(page)).filter((s) => english.has(s));
    expect(leftovers).toEqual([]);

    // Dark text on the yellow brand, the brand's text colour on white dark too (4.5:1 either way).
    expect(await w('header').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(29, 35, 48)');
    expect(
      await w('.buttons > button')
        .first()
        .evaluate((el) => getComputedStyle(el).color),
    ).toBe('rgb(29, 35, 48)');
    expect(await sideScroll(page)).toBeLessThanOrEqual(0);
    violations.push(...(await axeViolations(page, 'chat in Spanish on a yellow brand (390)')));
    await page.screenshot({ path: `${ARTIFACTS}widget-es-390x844.png` });

    // What the agent learns: the name and e-mail of the form, and where the visitor is.
    const id = await widgetSessionId(page);
    const input = w('textarea#sb-input');
    await input.fill('quiero hablar con una persona');
    await input.press('Enter');
    await eventually(() => w('.buttons > button').count()).toBeGreaterThan(0);
    const instant = w('button[data-button="instant_chat"]');
    if ((await instant.count()) === 0) {
      await input.fill('agente');
      await input.press('Enter');
    }
    await w('button[data-button="instant_chat"]').click();
    await waitForEscalation(t.url, agentAuth, id, 'queued');
    const view = await api(t.url, 'GET', `/api/v1/conversations/${id}`, undefined, agentAuth);
    expect(view.body.findings.visitor).toMatchObject({ name: 'Ana García', email: 'ana@correo.es' });
    expect(view.body.visitor).toEqual({
      pageUrl: `${shop.url}/es/checkout?step=2`,
      referrer: `${shop.url}/es/start`,
      userAgent: expect.stringMatching(/Chrome/),
      timeZone: 'Europe/Madrid',
      locale: 'es-ES',
    });
    expect(await eventually(() => w('.waiting').textContent()).toMatch(/cola|Esperando/));
    violations.push(...(await axeViolations(page, 'waiting in Spanish (390)')));
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);

  it('after the agent resolves: a star rating by keyboard with a comment, stored; English from the tag on a Spanish browser', async () => {
    const { page, errors } = await openPage(browser, { viewport: LAPTOP, bypassCSP: true, locale: 'es-ES' });
    await page.goto(`${shop.url}/en`);
    const w = (s: string) => page.locator(`#switchboard-widget ${s}`);
    await w('.launcher').click();
    // The optional form: skipping it starts the chat with nothing asked.
    await eventually(() => w('.prechat').isVisible()).toBe(true);
    expect(await w('.prechat p').textContent()).toMatch(/optional/);
    await w('.prechat button.skip').click();
    await eventually(() => w('.msg.bot').count()).toBeGreaterThan(0);
    expect(await w('button.close').getAttribute('aria-label')).toBe('Minimise chat');
    const input = w('textarea#sb-input');
    await input.fill('I want to talk to a human');
    await input.press('Enter');
    await w('button[data-button="instant_chat"]').click();
    const id = await widgetSessionId(page);
    await waitForEscalation(t.url, agentAuth, id, 'queued');
    await api(t.url, 'POST', `/api/v1/conversations/${id}/assign`, { agentId: 'me' }, agentAuth);
    await api(
      t.url,
      'POST',
      `/api/v1/conversations/${id}/agent-messages`,
      { text: 'Fixed it for you.' },
      agentAuth,
    );
    const resolved = await api(
      t.url,
      'POST',
      `/api/v1/conversations/${id}/resolve`,
      { notes: 'Reset the password', resolutionCategory: 'account_fixed' },
      agentAuth,
    );
    expect(resolved.body.state).toBe('escalated.closed');

    // The survey is one radio group of five stars with a legend, not five loose buttons.
    const stars = w('fieldset.stars');
    await stars.waitFor({ timeout: 10_000 });
    expect(await stars.locator('legend').textContent()).toBe('How did we do?');
    expect(await stars.locator('input[type="radio"]').count()).toBe(5);
    expect(await w('.buttons > button').count()).toBe(0);
    const violations = await axeViolations(page, 'rating (1280)');
    // Sending with no stars says so and sends nothing.
    await w('.rating button[type="submit"]').click();
    expect(await w('.rating [role="alert"]').textContent()).toBe('Choose from 1 to 5 stars first.');
    // Keyboard only: focus the first star, arrow right three times → 4 of 5.
    await stars.locator('input[value="1"]').focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await stars.locator('input:checked').getAttribute('value')).toBe('4');
    expect(await w('.chosen').textContent()).toBe('Very good');
    expect(await stars.locator('.star.on').count()).toBe(4);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Quick and kind, thank you');
    violations.push(...(await axeViolations(page, 'rating chosen (1280)')));
    await page.screenshot({ path: `${ARTIFACTS}widget-rating-1280x800.png` });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    const row = await waitFor('rating row with its comment', async () => {
      const [r] = await t.runtime.database.db
        .select()
        .from(satisfactionRatings)
        .where(eq(satisfactionRatings.sessionId, id));
      return r?.comment ? r : undefined;
    });
    expect(row).toMatchObject({ rating: 4, comment: 'Quick and kind, thank you' });
    // The visitor's own bubbles: the rating they gave, then the comment.
    await eventually(async () => (await w('.msg.visitor').allTextContents()).slice(-2).join(' | ')).toMatch(
      /4 – Very good \| .*Quick and kind/,
    );
    expect(await w('fieldset.stars').count()).toBe(0);
    violations.push(...(await axeViolations(page, 'after the rating (1280)')));
    await page.screenshot({ path: `${ARTIFACTS}widget-rated-1280x800.png` });
    expect(await sideScroll(page)).toBeLessThanOrEqual(0);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);

  it('the rating at 390×844: stars and comment fit the phone screen', async () => {
    const { page } = await openPage(browser, { viewport: PHONE, bypassCSP: true });
    await page.goto(`${shop.url}/en`);
    const w = (s: string) => page.locator(`#switchboard-widget ${s}`);
    await w('.launcher').click();
    await w('#sb-prechat-name').fill('Bo');
    await w('.prechat button[type="submit"]').click();
    await eventually(() => w('.msg.bot').count()).toBeGreaterThan(0);
    await w('textarea#sb-input').fill('I want to talk to a human');
    await w('textarea#sb-input').press('Enter');
    await w('button[data-button="instant_chat"]').click();
    const id = await widgetSessionId(page);
    await waitForEscalation(t.url, agentAuth, id, 'queued');
    const view = await api(t.url, 'GET', `/api/v1/conversations/${id}`, undefined, agentAuth);
    expect(view.body.findings.visitor).toEqual({ name: 'Bo' });
    await api(t.url, 'POST', `/api/v1/conversations/${id}/assign`, { agentId: 'me' }, agentAuth);
    await api(
      t.url,
      'POST',
      `/api/v1/conversations/${id}/resolve`,
      { notes: 'Done', resolutionCategory: 'account_fixed' },
      agentAuth,
    );
    await w('fieldset.stars').waitFor({ timeout: 10_000 });
    await w('fieldset.stars label').nth(4).click();
    const submit = await w('.rating button[type="submit"]').boundingBox();
    expect(submit && submit.y + submit.height).toBeLessThanOrEqual(PHONE.height);
    expect(await sideScroll(page)).toBeLessThanOrEqual(0);
    const violations = await axeViolations(page, 'rating (390)');
    await page.screenshot({ path: `${ARTIFACTS}widget-rating-390x844.png` });
    expect(violations).toEqual([]);
  }, 90_000);
});
