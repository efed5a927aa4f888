// The one DOM helper of the widget, the console and the analytics page: elements built from attributes and
// text only. Nothing here (or anywhere in the client) sets innerHTML, so data is never parsed as markup.

export type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined>;

function fill<E extends Element>(node: E, attrs: Attrs, children: Child[]): E {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** `h('button', { type: 'button' }, 'Take')`: attributes (false/undefined left out), then children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attrs, children);
}

const SVG = 'http://www.w3.org/2000/svg';
/** The same for SVG elements (the analytics charts). */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(SVG, tag), attrs, children);
}

/** A <select> with [value, text] options; `label` becomes its aria-label when there is no <label>. */
export function selectBox(
  id: string,
  label: string | null,
  options: ReadonlyArray<readonly [string, string]>,
): HTMLSelectElement {
  return h(
    'select',
    { id, 'aria-label': label ?? undefined },
    ...options.map(([value, text]) => h('option', { value }, text)),
  );
}

/** The element `selector` finds under `root`; a missing one is a bug in the view, so it throws. */
export function $<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const found = root.querySelector(selector);
  if (!found) throw new Error(`missing ${selector}`);
  return found as T;
}

/** Styles bundled as text (esbuild's text loader for `.css`) applied to a document or a shadow root. */
export function adoptStyles(target: Document | ShadowRoot, css: string): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
}
