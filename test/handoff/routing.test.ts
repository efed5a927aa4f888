// Handoff configuration, validated at start-up. Risks covered: a half-configured vendor silently off (a
// typo in one variable); a routing file sending tickets to a helpdesk without credentials; two helpdesks
// and no choice; categories routed to the wrong department; Slack paged for every low-priority case.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env.ts';
import { loadRouting, resolveRouting, routingFileSchema, stepsFor } from '../../src/handoff/routing.ts';

const salesiq = {
  SALESIQ_SERVER_URL: 'https://salesiq.zoho.eu/',
  SALESIQ_SCREEN_NAME: 'zylker',
  SALESIQ_APP_ID: '123',
  SALESIQ_DEPARTMENT_ID: '456',
  ZOHO_ACCOUNTS_URL: 'https://accounts.zoho.eu',
  ZOHO_CLIENT_ID: '1000.ABC',
  ZOHO_CLIENT_SECRET: 'secret',
  ZOHO_REFRESH_TOKEN: '1000.refresh',
};
const zendesk = {
  ZENDESK_URL: 'https://acme.zendesk.com',
  ZENDESK_EMAIL: 'ops@acme.com',
  ZENDESK_API_TOKEN: 't',
};
const freshdesk = { FRESHDESK_URL: 'https://acme.freshdesk.com', FRESHDESK_API_KEY: 'k' };

describe('handoff environment', () => {
  it('nothing set: only the built-in console and local tickets', () => {
    const { handoff } = parseEnv({});
    expect(handoff).toMatchObject({ salesiq: null, zendesk: null, freshdesk: null, slack: null });
    const routing = resolveRouting(handoff);
    expect(routing).toMatchObject({
      instantChat: 'console',
      tickets: 'local',
      callbacks: 'local',
      slack: null,
    });
  });

  it('a complete SalesIQ group turns SalesIQ on (regions are just URLs; trailing slashes dropped)', () => {
    const { handoff } = parseEnv(salesiq);
    expect(handoff.salesiq).toMatchObject({
      serverUrl: 'https://salesiq.zoho.eu',
      accountsUrl: 'https://accounts.zoho.eu',
    });
    expect(resolveRouting(handoff).instantChat).toBe('salesiq');
  });

  it('a half-set group stops start-up and names what is missing', () => {
    const { ZOHO_REFRESH_TOKEN: _, ...partial } = salesiq;
    expect(() => parseEnv(partial)).toThrow(ConfigError);
    expect(() => parseEnv(partial)).toThrow(/ZOHO_REFRESH_TOKEN: required to turn on SalesIQ live chat/);
    expect(() => parseEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_CHANNEL/);
    expect(() => parseEnv({ ...zendesk, ZENDESK_EMAIL: 'not-an-email' })).toThrow(/ZENDESK_EMAIL/);
  });
});

describe('routing', () => {
  it('both helpdesks configured need an explicit choice', () => {
    const { handoff } = parseEnv({ ...zendesk, ...freshdesk });
    expect(() => resolveRouting(handoff)).toThrow(/set "tickets: zendesk" or "tickets: freshdesk"/);
    const chosen = resolveRouting(
      handoff,
      routingFileSchema.parse({ tickets: 'freshdesk', callbacks: 'local' }),
    );
    expect(chosen).toMatchObject({ tickets: 'freshdesk', callbacks: 'local' });
  });

  it('a routing file naming a target without credentials is refused', () => {
    const { handoff } = parseEnv({});
    expect(() => resolveRouting(handoff, routingFileSchema.parse({ instantChat: 'salesiq' }))).toThrow(
      /SALESIQ_\* and ZOHO_\*/,
    );
    expect(() => resolveRouting(handoff, routingFileSchema.parse({ tickets: 'zendesk' }))).toThrow(
      /ZENDESK_API_TOKEN/,
    );
  });

  it('departments per category, falling back to the default and then to SALESIQ_DEPARTMENT_ID', () => {
    const { handoff } = parseEnv({ ...salesiq, ...zendesk });
    const routing = resolveRouting(
      handoff,
      routingFileSchema.parse({
        departments: { default: { zendeskGroup: 1 }, refund: { salesiq: '999', zendeskGroup: 2 } },
      }),
    );
    expect(routing.department('refund')).toEqual({ salesiq: '999', zendeskGroup: 2 });
    expect(routing.department('login')).toEqual({ salesiq: '456', zendeskGroup: 1 });
    expect(routing.department(null)).toEqual({ salesiq: '456', zendeskGroup: 1 });
  });

  it('which deliveries a handoff makes: Slack only for the priorities that page it', () => {
    const { handoff } = parseEnv({ ...zendesk, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL: 'C1' });
    const routing = resolveRouting(
      handoff,
      routingFileSchema.parse({ slack: { notify: ['urgent', 'high'] } }),
    );
    expect(stepsFor(routing, { channel: 'ticket', priority: 'low' })).toEqual([
      { target: 'ticket', critical: true },
      { target: 'zendesk', critical: false },
    ]);
    expect(stepsFor(routing, { channel: 'instant_chat', priority: 'high' })).toEqual([
      { target: 'console', critical: true },
      { target: 'slack', critical: false },
    ]);
    expect(stepsFor(routing, { channel: 'callback', priority: 'medium' }).map((s) => s.target)).toEqual([
      'callback',
      'zendesk',
    ]);
  });

  it('the CRM hears of every handover whose visitor can be keyed (e-mail, phone, WhatsApp number)', () => {
    const { handoff } = parseEnv({ HUBSPOT_ACCESS_TOKEN: 'pat-1' });
    const routing = resolveRouting(handoff);
    expect(routing.crm).toBe('hubspot');
    const targets = (visitor: { email?: string; phone?: string }, phone?: string) =>
      stepsFor(routing, {
        channel: 'instant_chat',
        priority: 'low',
        visitor,
        ...(phone ? { source: { type: 'whatsapp', phone } } : {}),
      }).map((s) => `${s.target}${s.critical ? '!' : ''}`);
    expect(targets({ email: 'a@example.com' })).toEqual(['console!', 'hubspot']);
    expect(targets({ phone: '+4930123456' })).toEqual(['console!', 'hubspot']);
    expect(targets({}, '+4930123456')).toEqual(['console!', 'hubspot']);
    expect(targets({})).toEqual(['console!']);
    expect(resolveRouting(parseEnv({}).handoff).crm).toBeNull();
  });

  it('the routing file is YAML, validated with the path of what is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-routing-'));
    const good = join(dir, 'routing.yaml');
    writeFileSync(
      good,
      'instantChat: console\nslack:\n  enabled: false\ndepartments:\n  refund:\n    zendeskGroup: 7\n',
    );
    const { handoff } = parseEnv({ ...zendesk, HANDOFF_ROUTING_FILE: good });
    expect(loadRouting(handoff).department('refund')).toEqual({ zendeskGroup: 7 });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'departments:\n  refunds:\n    zendeskGroup: seven\n');
    expect(() => loadRouting({ ...handoff, routingFile: bad })).toThrow(/HANDOFF_ROUTING_FILE .* is invalid/);
    expect(() => loadRouting({ ...handoff, routingFile: join(dir, 'missing.yaml') })).toThrow(
      /cannot be read/,
    );
  });
});
