// The text on the state diagram: monospace metrics (every box is sized from character counts), escaping,
// and the short event names on arrows and ⟲ lines.

export const FONT = 11;
const CHAR_W = FONT * 0.62; // monospace: every character is as wide as the next
export const LINE_H = FONT + 4;
export const PAD_X = 10;
export const PAD_Y = 7;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `VISITOR.SOLUTION_FAILED` → `SOLUTION_FAILED`; other sources keep a short prefix. */
export function shortEvent(type: string): string {
  const [source, name] = type.split('.', 2);
  if (!name) return type;
  if (source === 'VISITOR') return name;
  if (source === 'OPERATOR') return `op:${name}`;
  if (source === 'TIMER') return `timer:${name}`;
  if (source === 'HANDOFF') return `handoff:${name}`;
  return type;
}

/** Comma-separated items in lines of at most `max` characters (an item longer than that gets its own). */
export function wrap(items: readonly string[], max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length > max) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export const textWidth = (lines: readonly string[]) => Math.max(0, ...lines.map((l) => l.length)) * CHAR_W;
