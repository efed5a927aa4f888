// What a shop sets on the script tag: `<script src=".../widget.js" data-brand="Acme" data-color="#ffd000"
// data-lang="es" data-prechat="required">`. Read once, checked, with defaults; and the colours that stay
// readable on the shop's brand colour, whatever it is.

export type PrechatMode = 'off' | 'optional' | 'required';

export interface WidgetConfig {
  apiBase: string;
  /** null: the language's default name ("Support chat"). */
  brand: string | null;
  /** A hex colour, or null for the default blue. */
  color: string | null;
  /** The script tag's language request (`lang` or `data-lang`), if any. */
  lang: string | undefined;
  prechat: PrechatMode;
}

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function readConfig(script: HTMLScriptElement | null, origin: string): WidgetConfig {
  const data = script?.dataset ?? {};
  const prechat = data.prechat?.trim().toLowerCase();
  return {
    apiBase: data.api ?? (script ? new URL(script.src).origin : origin),
    brand: data.brand?.trim().slice(0, 60) || null,
    color: HEX.test(data.color ?? '') ? (data.color ?? null) : null,
    lang: data.lang?.trim() || script?.lang || undefined,
    prechat: prechat === 'optional' || prechat === 'required' ? prechat : 'off',
  };
}

function rgb(hex: string): [number, number, number] {
  const digits = hex.slice(1);
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG 2 relative luminance of a hex colour. */
export function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const INK = '#1d2330';
const WHITE = '#ffffff';
const BLACK = '#000000';

/**
 * The colours the widget derives from the brand colour: `onBrand` is the text on a brand background
 * (white, or dark ink on a light brand such as yellow; black on a mid grey), `brandInk` is the brand used as text or border on
 * white (the brand itself when it reads at 4.5:1, else the dark ink).
 */
export function brandColours(color: string): { onBrand: string; brandInk: string } {
  const better = contrast(color, WHITE) >= contrast(color, INK) ? WHITE : INK;
  // On a mid grey neither white nor the ink reaches 4.5:1 (4.4 at worst): black does (4.6).
  return {
    onBrand: contrast(color, better) >= 4.5 ? better : BLACK,
    brandInk: contrast(color, WHITE) >= 4.5 ? color : INK,
  };
}
