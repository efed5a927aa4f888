// Hand-drawn SVG charts for the analytics page: horizontal bars (optionally stacked) and a multi-series
// line/column chart over time buckets. Text goes in with textContent only: labels come from data.
import { h, s as svgEl } from './dom.ts';

export { svgEl };

export const PALETTE = [
  '#24407a',
  '#2f9e6e',
  '#d4862a',
  '#b42318',
  '#7a4fb5',
  '#3a8fb7',
  '#8a6d00',
  '#5e6678',
];

function svgRoot(width: number, height: number, label: string): SVGSVGElement {
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img' });
  svg.setAttribute('aria-label', label);
  svg.append(svgEl('title', {}, label));
  return svg;
}

/**
 * Axis ticks from 0 up to just past `largest`, 3 to 6 of them, spaced 1, 2 or 5 × 10^n apart; counts
 * (`whole`) get whole-number steps, so no two ticks round to the same label and the axis ends within one
 * step of the largest value (a largest bar of 6 gets 0 2 4 6, not 0 3 6 9 12).
 */
export function axisTicks(largest: number, whole = false): number[] {
  const value = largest > 1e-9 ? largest : 1;
  let step = 10 ** Math.floor(Math.log10(value / 5));
  for (const f of [1, 2, 5, 10]) {
    const candidate = step * f;
    if (value / candidate <= 5) {
      step = candidate;
      break;
    }
  }
  if (whole) step = Math.max(1, Math.round(step));
  // Float noise (0.3 / 0.1 = 2.9999…) is forgiven, then checked: the last tick must reach the value.
  let count = Math.max(1, Math.ceil(value / step - 1e-9));
  const tick = (i: number) => Number((i * step).toPrecision(12));
  if (tick(count) < value) count++;
  return Array.from({ length: count + 1 }, (_, i) => tick(i));
}

export interface BarSegment {
  value: number;
  color: string;
  label: string;
}

export interface BarRow {
  label: string;
  segments: BarSegment[];
  /** Text at the end of the bar (e.g. "42% resolved"). */
  note?: string;
}

/** Counts: whole-number ticks. */
export const countFormat = (n: number) => String(Math.round(n));

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Horizontal bars, one row per item; several segments per row are stacked. */
export function barChart(
  rows: BarRow[],
  options: { title: string; format?: (n: number) => string; counts?: boolean },
): SVGSVGElement {
  const format = options.format ?? ((n: number) => String(Math.round(n * 100) / 100));
  const labelWidth = 230;
  const noteWidth = 190;
  const width = 800;
  const rowHeight = 26;
  const top = 8;
  const height = top + Math.max(1, rows.length) * rowHeight + 22;
  const plot = width - labelWidth - noteWidth;
  const largest = Math.max(0, ...rows.map((r) => r.segments.reduce((a, s) => a + s.value, 0)));
  const ticks = axisTicks(largest, options.counts);
  const max = ticks.at(-1) ?? 1;
  const svg = svgRoot(width, height, options.title);
  for (const v of ticks) {
    const x = labelWidth + (plot * v) / max;
    svg.append(svgEl('line', { x1: x, x2: x, y1: top, y2: height - 20, stroke: '#e3e6ee' }));
    svg.append(
      svgEl(
        'text',
        { x, y: height - 6, 'text-anchor': 'middle', 'font-size': 11, fill: '#5e6678', class: 'tick' },
        format(v),
      ),
    );
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const label = svgEl(
      'text',
      { x: labelWidth - 8, y: y + 17, 'text-anchor': 'end', 'font-size': 12, fill: '#1d2330' },
      clip(row.label, 34),
    );
    label.append(svgEl('title', {}, row.label));
    svg.append(label);
    let x = labelWidth;
    for (const s of row.segments) {
      const w = (plot * s.value) / max;
      if (w <= 0) continue;
      const rect = svgEl('rect', {
        x,
        y: y + 4,
        width: Math.max(1, w),
        height: rowHeight - 8,
        fill: s.color,
        rx: 2,
      });
      rect.append(svgEl('title', {}, `${row.label} — ${s.label}: ${format(s.value)}`));
      svg.append(rect);
      x += w;
    }
    if (row.note)
      svg.append(svgEl('text', { x: x + 6, y: y + 17, 'font-size': 12, fill: '#5e6678' }, row.note));
  });
  if (rows.length === 0)
    svg.append(
      svgEl(
        'text',
        { x: width / 2, y: top + 17, 'text-anchor': 'middle', fill: '#5e6678' },
        'No data in this period',
      ),
    );
  return svg;
}

export interface Series {
  name: string;
  color: string;
  values: Array<number | null>;
  kind: 'line' | 'column';
}

/** Time buckets on x; columns and lines share the left axis unless a line has `right` values. */
export function timeChart(
  buckets: string[],
  series: Series[],
  options: {
    title: string;
    format?: (n: number) => string;
    bucketLabel?: (b: string) => string;
    counts?: boolean;
  },
): SVGSVGElement {
  const format = options.format ?? ((n: number) => String(Math.round(n * 100) / 100));
  const label = options.bucketLabel ?? ((b: string) => b.slice(5, 10));
  const width = 760;
  const height = 240;
  const left = 52;
  const right = 12;
  const top = 10;
  const bottom = 28;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const svg = svgRoot(width, height, options.title);
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const ticks = axisTicks(Math.max(0, ...all), options.counts);
  const max = ticks.at(-1) ?? 1;
  const y = (v: number) => top + plotH - (plotH * v) / max;
  for (const v of ticks) {
    svg.append(svgEl('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: '#e3e6ee' }));
    svg.append(
      svgEl(
        'text',
        { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5e6678', class: 'tick' },
        format(v),
      ),
    );
  }
  const n = Math.max(1, buckets.length);
  const step = plotW / n;
  const every = Math.ceil(n / 12);
  buckets.forEach((b, i) => {
    if (i % every !== 0) return;
    svg.append(
      svgEl(
        'text',
        {
          x: left + step * (i + 0.5),
          y: height - 8,
          'text-anchor': 'middle',
          'font-size': 11,
          fill: '#5e6678',
        },
        label(b),
      ),
    );
  });
  const columns = series.filter((s) => s.kind === 'column');
  const colW = (step * 0.7) / Math.max(1, columns.length);
  columns.forEach((s, c) => {
    s.values.forEach((v, i) => {
      if (v === null || v <= 0) return;
      const x = left + step * i + step * 0.15 + colW * c;
      const rect = svgEl('rect', {
        x,
        y: y(v),
        width: Math.max(1, colW - 1),
        height: top + plotH - y(v),
        fill: s.color,
      });
      rect.append(svgEl('title', {}, `${s.name} ${label(buckets[i] ?? '')}: ${format(v)}`));
      svg.append(rect);
    });
  });
  for (const s of series.filter((x) => x.kind === 'line')) {
    const points = s.values
      .map((v, i) => (v === null ? null : `${left + step * (i + 0.5)},${y(v)}`))
      .filter((p): p is string => p !== null);
    if (points.length > 1)
      svg.append(
        svgEl('polyline', { points: points.join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2 }),
      );
    s.values.forEach((v, i) => {
      if (v === null) return;
      const dot = svgEl('circle', { cx: left + step * (i + 0.5), cy: y(v), r: 3.5, fill: s.color });
      dot.append(svgEl('title', {}, `${s.name} ${label(buckets[i] ?? '')}: ${format(v)}`));
      svg.append(dot);
    });
  }
  if (buckets.length === 0)
    svg.append(
      svgEl(
        'text',
        { x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: '#5e6678' },
        'No data in this period',
      ),
    );
  return svg;
}

/** A legend as HTML (wraps and reads better than SVG text). */
export function legend(items: Array<{ name: string; color: string }>): HTMLElement {
  return h(
    'ul',
    { class: 'legend' },
    ...items.map((item) => {
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = item.color; // CSSOM, not a style attribute: allowed by the CSP
      return h('li', {}, swatch, item.name);
    }),
  );
}
