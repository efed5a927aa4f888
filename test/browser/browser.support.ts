// Shared by the browser tests: Debian's Chromium through playwright-core, a console login, the axe audit,
// and where screenshots go (test/artifacts/, git-ignored, for a person to look at).
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { isCI } from '../support/servers.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = isCI || existsSync(CHROMIUM);
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Pages react asynchronously (and CI machines are busy): wait up to 10 s for a condition. */
export const eventually = <T>(probe: () => Promise<T>) => expect.poll(probe, { timeout: 10_000 });

export const PHONE = { width: 390, height: 844 };
export const LAPTOP = { width: 1280, height: 800 };

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page that records dialogs (dismissed) and uncaught errors, so a test can assert there were none. */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: LAPTOP, ...options });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, dialogs, errors };
}

export async function consoleLogin(page: Page, url: string, account: { email: string; password: string }) {
  await page.goto(`${url}/console`);
  await page.locator('.login').getByLabel('E-mail').fill(account.email);
  await page.locator('.login').getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await eventually(() => page.locator('#conn').textContent()).toBe('Live');
}

/** Opens a conversation by id from the "All open" or "Closed" tab. */
export async function openConversation(page: Page, id: string, tab: 'All open' | 'Closed' = 'All open') {
  await page.getByRole('tab', { name: tab }).click();
  const item = page.locator(`#items button.item[data-id="${id}"]`);
  await item.waitFor({ timeout: 10_000 });
  await item.click();
  await eventually(() => page.locator('#conv-state').getAttribute('data-state')).toBeTruthy();
}

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }>;
}
/** axe-core's WCAG 2 A/AA and best-practice rules on the page as it is now; the page must bypass the CSP. */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(...a: unknown[]): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] });
    return result.violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes[0]?.target}`);
  });
  return found.map((v) => `${where}: ${v}`);
}

/** A shop's site on its own origin (localhost, while Switchboard is on 127.0.0.1) serving `page(path)`. */
export async function startShop(page: (path: string) => string): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(page(req.url ?? '/'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return {
    url: `http://localhost:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => server.close(),
  };
}

/** The widget's session id, from what it keeps in localStorage. */
export const widgetSessionId = (page: Page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('switchboard:'));
    return key ? (JSON.parse(localStorage.getItem(key) ?? '{}') as { sessionId: string }).sessionId : '';
  });
