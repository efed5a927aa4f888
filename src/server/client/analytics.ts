// The analytics page for admins (/analytics): picks a period, fetches every /api/v1/analytics/* report and
// draws it as SVG. Logs in with the console's token (same sessionStorage key), or with its own form.
import type { DetectionLayerRow } from '../../storage/analytics/detection-layers.query.ts';
import type { EscalationRateRow } from '../../storage/analytics/escalation-rate.query.ts';
import type { FunnelRow } from '../../storage/analytics/funnel.query.ts';
import type { HandoffOutcomeRow } from '../../storage/analytics/handoff-outcomes.query.ts';
import type { LlmUsageRow } from '../../storage/analytics/llm-usage.query.ts';
import type { ResponseTimeRow } from '../../storage/analytics/response-times.query.ts';
import type { SentimentRow } from '../../storage/analytics/sentiment.query.ts';
import {
  type BarRow,
  barChart,
  countFormat,
  legend,
  PALETTE,
  type Series,
  timeChart,
} from './analytics.charts.ts';
import css from './analytics.css';
import { adoptStyles, h } from './dom.ts';
import theme from './theme.css';

const TOKEN_KEY = 'switchboard:console-token';

class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from analytics.html`);
  return el as T;
};

const pct = (n: number) => `${Math.round(n * 100)}%`;
const seconds = (s: number | null) =>
  s === null
    ? '–'
    : s < 90
      ? `${Math.round(s)} s`
      : s < 5400
        ? `${Number((s / 60).toFixed(s < 600 ? 1 : 0))} min`
        : `${(s / 3600).toFixed(1)} h`;

async function getJson<T>(path: string, token: string | null): Promise<T> {
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new HttpError(body.error?.message ?? `HTTP ${res.status}`, res.status);
  return body as T;
}

function section(id: string, title: string, explain: string): HTMLElement {
  document.getElementById(id)?.remove();
  const card = h('section', { id, class: 'card' }, h('h2', {}, title), h('p', { class: 'muted' }, explain));
  $('charts').append(card);
  return card;
}

function table(headers: string[], rows: Array<Array<string | number>>): HTMLTableElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', {}, text)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, String(c)))))),
  );
}

function details(summary: string, content: HTMLElement): HTMLDetailsElement {
  return h('details', {}, h('summary', {}, summary), content);
}

function renderEscalationRate(rows: EscalationRateRow[]) {
  const s = section(
    'escalation-rate',
    'Escalation rate by category',
    'Of the conversations started in each bucket: the share handed to a human (live chat, callback or ticket).',
  );
  const buckets = [...new Set(rows.map((r) => r.bucket))].sort();
  const categories = [...new Set(rows.map((r) => r.category))].sort();
  const series: Series[] = categories.map((c, i) => ({
    name: c,
    color: PALETTE[i % PALETTE.length] ?? '#24407a',
    kind: 'line',
    values: buckets.map((b) => rows.find((r) => r.bucket === b && r.category === c)?.rate ?? null),
  }));
  s.append(legend(series), timeChart(buckets, series, { title: 'Escalation rate by category', format: pct }));
  s.append(
    details(
      'Figures',
      table(
        ['bucket', 'category', 'conversations', 'offered a human', 'escalated', 'rate'],
        rows.map((r) => [
          r.bucket.slice(0, 16).replace('T', ' '),
          r.category,
          r.conversations,
          r.offered,
          r.escalated,
          pct(r.rate),
        ]),
      ),
    ),
  );
}

function renderResponseTimes(rows: ResponseTimeRow[]) {
  const s = section(
    'response-times',
    'First response and resolution by priority',
    'Median (p50) time from escalation or ticket to the first human answer and to resolution.',
  );
  // Only what was measured: a priority with nothing answered yet is in the table, not the chart.
  const measured = rows.filter((r) => r.firstResponse.count > 0 || r.resolution.count > 0);
  const bars: BarRow[] = measured.flatMap((r) => [
    {
      label: `${r.source} · ${r.priority} · first`,
      segments: [
        { value: r.firstResponse.p50Seconds ?? 0, color: PALETTE[0] ?? '', label: 'p50 first response' },
      ],
      note: `${seconds(r.firstResponse.p50Seconds)} (n=${r.firstResponse.count})`,
    },
    {
      label: `${r.source} · ${r.priority} · resolved`,
      segments: [{ value: r.resolution.p50Seconds ?? 0, color: PALETTE[1] ?? '', label: 'p50 resolution' }],
      note: `${seconds(r.resolution.p50Seconds)} (n=${r.resolution.count})`,
    },
  ]);
  s.append(
    barChart(bars, {
      title: 'Median first-response and resolution time',
      format: seconds,
      // Whole-second steps: the labels round to seconds, so finer ticks would repeat "0 s".
      counts: true,
    }),
  );
  s.append(
    details(
      'Figures',
      table(
        ['source', 'priority', 'total', 'open', 'first p50', 'first p90', 'resolved p50', 'resolved p90'],
        rows.map((r) => [
          r.source,
          r.priority,
          r.total,
          r.open,
          seconds(r.firstResponse.p50Seconds),
          seconds(r.firstResponse.p90Seconds),
          seconds(r.resolution.p50Seconds),
          seconds(r.resolution.p90Seconds),
        ]),
      ),
    ),
  );
}

function renderSentiment(rows: SentimentRow[]) {
  const s = section(
    'sentiment',
    'Sentiment and resolution',
    'Conversations by the sentiment they ended with; green: resolved by the bot, blue: by an operator.',
  );
  const bars: BarRow[] = rows.map((r) => ({
    label: r.sentiment,
    segments: [
      { value: r.resolvedByBot, color: PALETTE[1] ?? '', label: 'resolved by the bot' },
      { value: r.resolvedByOperator, color: PALETTE[0] ?? '', label: 'resolved by an operator' },
      {
        value: r.conversations - r.resolvedByBot - r.resolvedByOperator,
        color: '#c9cedb',
        label: 'not resolved',
      },
    ],
    note: `${r.conversations} · ${pct(r.resolutionRate)} resolved`,
  }));
  s.append(barChart(bars, { title: 'Conversations by final sentiment', counts: true, format: countFormat }));
}

function renderLayers(rows: DetectionLayerRow[]) {
  const s = section(
    'detection-layers',
    'What triggered escalations',
    'The detection layer that decided the message which took a conversation to a human (or the options), and why.',
  );
  const bars: BarRow[] = rows.map((r, i) => ({
    label: `${r.layer} · ${r.trigger}`,
    segments: [{ value: r.escalations, color: PALETTE[i % PALETTE.length] ?? '', label: 'escalations' }],
    note: `${r.escalations} (${pct(r.share)})`,
  }));
  s.append(
    barChart(bars, { title: 'Escalation triggers by detection layer', counts: true, format: countFormat }),
  );
}

function renderFunnel(data: { conversations: number; states: FunnelRow[] }) {
  const s = section(
    'funnel',
    'Funnel through the conversation',
    `${data.conversations} conversations started. Bars: how many reached each state; red: still sitting there in a state that is not an end (where visitors drop off).`,
  );
  const bars: BarRow[] = data.states.map((r) => ({
    label: r.state,
    segments: [
      {
        value: r.reached - r.droppedOff,
        color: r.ended ? (PALETTE[1] ?? '') : (PALETTE[0] ?? ''),
        label: 'reached',
      },
      { value: r.droppedOff, color: PALETTE[3] ?? '', label: 'dropped off here' },
    ],
    note: `${r.reached} (${pct(r.reachedShare)})${r.droppedOff ? ` · ${r.droppedOff} stopped` : ''}`,
  }));
  s.append(barChart(bars, { title: 'Conversations reaching each state', counts: true, format: countFormat }));
}

function renderLlm(rows: LlmUsageRow[]) {
  const s = section(
    'llm',
    'LLM calls and latency',
    'Columns: LLM calls and failures per bucket. Line: share of visitor messages that needed the LLM. Latency in the table.',
  );
  const buckets = rows.map((r) => r.bucket);
  const calls: Series[] = [
    { name: 'LLM calls', color: PALETTE[0] ?? '', kind: 'column', values: rows.map((r) => r.llmCalls) },
    { name: 'failed calls', color: PALETTE[3] ?? '', kind: 'column', values: rows.map((r) => r.failures) },
  ];
  const rate: Series[] = [
    {
      name: 'calls per visitor message',
      color: PALETTE[2] ?? '',
      kind: 'line',
      values: rows.map((r) => r.callRate),
    },
  ];
  s.append(
    legend([...calls, ...rate]),
    timeChart(buckets, calls, { title: 'LLM calls per bucket', counts: true, format: countFormat }),
  );
  s.append(timeChart(buckets, rate, { title: 'LLM call rate', format: pct }));
  s.append(
    details(
      'Figures',
      table(
        ['bucket', 'visitor messages', 'LLM calls', 'failed', 'rate', 'avg ms', 'p50 ms', 'p95 ms'],
        rows.map((r) => [
          r.bucket.slice(0, 16).replace('T', ' '),
          r.visitorMessages,
          r.llmCalls,
          r.failures,
          pct(r.callRate),
          r.avgLatencyMs === null ? '–' : Math.round(r.avgLatencyMs),
          r.p50LatencyMs === null ? '–' : Math.round(r.p50LatencyMs),
          r.p95LatencyMs === null ? '–' : Math.round(r.p95LatencyMs),
        ]),
      ),
    ),
  );
}

function renderHandoffs(rows: HandoffOutcomeRow[]) {
  const s = section(
    'handoffs',
    'Handoff outcomes per target',
    'Deliveries to each target: delivered, failed for good, still pending (retrying).',
  );
  const bars: BarRow[] = rows.map((r) => ({
    label: r.target,
    segments: [
      { value: r.delivered, color: PALETTE[1] ?? '', label: 'delivered' },
      { value: r.failed, color: PALETTE[3] ?? '', label: 'failed' },
      { value: r.pending, color: '#c9cedb', label: 'pending' },
    ],
    note: `${pct(r.deliveryRate)} delivered · p50 ${seconds(r.p50DeliverySeconds)}`,
  }));
  s.append(barChart(bars, { title: 'Handoffs by target and outcome', counts: true, format: countFormat }));
}

function isoDay(d: Date) {
  return d.toISOString().slice(0, 10);
}

export function startAnalytics() {
  let token = sessionStorage.getItem(TOKEN_KEY);
  const form = $<HTMLFormElement>('period');
  const from = $<HTMLInputElement>('from');
  const to = $<HTMLInputElement>('to');
  const bucket = $<HTMLSelectElement>('bucket');
  const status = $('status');
  const loginForm = $<HTMLFormElement>('login');
  const today = new Date();
  to.value = isoDay(new Date(today.getTime() + 86_400_000));
  from.value = isoDay(new Date(today.getTime() - 6 * 86_400_000));

  /** Reports are for admins: ask who this is once, before firing seven requests that would all be 403s. */
  let role: string | null = null;
  async function load() {
    if (!role) {
      try {
        role = (await getJson<{ operator: { role: string } }>('/api/v1/auth/me', token)).operator.role;
      } catch (error) {
        if (error instanceof HttpError && error.status === 401) role = null;
        else throw error;
      }
    }
    if (role !== 'admin') {
      // An agent's console session stays as it is (same tab, same token key); only a dead token goes.
      if (!role) sessionStorage.removeItem(TOKEN_KEY);
      form.hidden = true;
      loginForm.hidden = false;
      status.textContent = role
        ? 'Analytics are for admins. Log in with an admin account.'
        : 'Log in to see analytics.';
      token = null;
      role = null;
      return;
    }
    const q = new URLSearchParams({ from: from.value, to: to.value, bucket: bucket.value });
    status.textContent = 'Loading…';
    const get = <T>(report: string) => getJson<T>(`/api/v1/analytics/${report}?${q}`, token);
    try {
      const [rate, times, sentiment, layers, funnel, llm, handoffs] = await Promise.all([
        get<{ rows: EscalationRateRow[] }>('escalation-rate'),
        get<{ rows: ResponseTimeRow[] }>('response-times'),
        get<{ rows: SentimentRow[] }>('sentiment'),
        get<{ rows: DetectionLayerRow[] }>('detection-layers'),
        get<{ conversations: number; states: FunnelRow[] }>('funnel'),
        get<{ rows: LlmUsageRow[] }>('llm'),
        get<{ rows: HandoffOutcomeRow[] }>('handoffs'),
      ]);
      $('charts').replaceChildren();
      renderEscalationRate(rate.rows);
      renderFunnel(funnel);
      renderLayers(layers.rows);
      renderSentiment(sentiment.rows);
      renderResponseTimes(times.rows);
      renderHandoffs(handoffs.rows);
      renderLlm(llm.rows);
      status.textContent = `Figures from ${from.value} to ${to.value} (UTC, end excluded), by ${bucket.value}.`;
      loginForm.hidden = true;
      form.hidden = false;
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        sessionStorage.removeItem(TOKEN_KEY);
        token = null;
        form.hidden = true;
        loginForm.hidden = false;
        status.textContent =
          error.status === 403
            ? 'Analytics are for admins. Log in with an admin account.'
            : 'Log in to see analytics.';
        return;
      }
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  loginForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: $<HTMLInputElement>('email').value,
        password: $<HTMLInputElement>('password').value,
      }),
    });
    const body = (await res.json().catch(() => ({}))) as {
      token?: string;
      operator?: { role: string };
      error?: { message?: string };
    };
    if (!res.ok || !body.token) {
      status.textContent = body.error?.message ?? `Login failed (HTTP ${res.status})`;
      return;
    }
    token = body.token;
    role = body.operator?.role ?? null;
    sessionStorage.setItem(TOKEN_KEY, token);
    $<HTMLInputElement>('password').value = '';
    await load();
  });
  if (token) void load();
  else {
    form.hidden = true;
    loginForm.hidden = false;
    status.textContent = 'Log in with an admin account to see analytics.';
  }
}

adoptStyles(document, theme);
adoptStyles(document, css);
startAnalytics();
