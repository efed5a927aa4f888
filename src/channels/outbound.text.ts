// Text helpers the messaging channels share: split a long message where a person would (paragraph, line,
// sentence, word) and show buttons as text where a channel has none.
import type { PublicButton } from '../engine/turn.types.ts';

/** The button as a person reads it: its emoji, then its label. */
export function buttonTitle(button: PublicButton): string {
  return button.emoji ? `${button.emoji} ${button.label}` : button.label;
}

/**
 * Options as numbered lines. Typing a label works in every state and typing the number in the states
 * whose options are numbered (the button layer decides), so the text says both.
 */
export function numberedOptions(buttons: PublicButton[]): string {
  const lines = buttons.map((b, i) => `${i + 1}. ${buttonTitle(b)}`);
  return `${lines.join('\n')}\n\nReply with the number or the name of an option.`;
}

const BREAKS = [/\n\n/g, /\n/g, /[.!?]\s/g, /\s/g];

/**
 * Splits `text` into parts of at most `limit` characters (code points, so an emoji is never cut in two),
 * preferring paragraph, line, sentence and word breaks in that order.
 */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while ([...rest].length > limit) {
    const window = [...rest].slice(0, limit).join('');
    let cut = -1;
    for (const pattern of BREAKS) {
      let best = -1;
      for (const m of window.matchAll(pattern)) {
        const end = m.index + m[0].length;
        // A break in the first half would leave a tiny part: look for a coarser-grained break first.
        if (end > window.length / 2) best = end;
      }
      if (best > 0) {
        cut = best;
        break;
      }
    }
    if (cut <= 0) cut = window.length;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
