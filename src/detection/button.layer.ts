// Button layer: maps a pressed button (by id) or typed text that names an offered button ("1", "option 2",
// the label, the emoji, "📞 Instant Chat") to that button. Only the buttons of the current state count.
import type { Button, ButtonSet } from '../machines/conversation.buttons.ts';
import type { LayerResult } from './detection.types.ts';

const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5 };

function simplify(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{Extended_Pictographic}/gu, ' ')
    .replace(/\uFE0F|\u200D/g, '')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function emojiOnly(text: string): string {
  return [...text.matchAll(/\p{Extended_Pictographic}/gu)].map((m) => m[0]).join('');
}

function numberedChoice(simple: string): number | null {
  const m =
    /^(?:option |number |no |#)?(\d{1,2})$/.exec(simple) ??
    /^(?:option |number )?(first|second|third|fourth|fifth)(?: one| option)?$/.exec(simple);
  if (!m?.[1]) return null;
  const n = ORDINALS[m[1]] ?? Number.parseInt(m[1], 10);
  return Number.isFinite(n) ? n : null;
}

function decided(button: Button, reason: string, confidence: number): LayerResult {
  return { layer: 'button', decided: true, intent: 'button', confidence, reason, buttonId: button.id };
}

export function matchButtonText(text: string, offered: ButtonSet): LayerResult {
  const abstain: LayerResult = {
    layer: 'button',
    decided: false,
    intent: null,
    confidence: 0,
    reason: 'no offered button named',
  };
  if (offered.buttons.length === 0) return { ...abstain, reason: 'no buttons on offer in this state' };
  const simple = simplify(text);
  if (offered.numbered) {
    const n = numberedChoice(simple);
    if (n !== null) {
      const button = offered.buttons[n - 1];
      return button
        ? decided(button, `typed option number ${n}`, 1)
        : { ...abstain, reason: `no option ${n} on offer` };
    }
  }
  for (const button of offered.buttons) {
    if (simple.length > 0 && simple === simplify(button.label))
      return decided(button, `typed the label "${button.label}"`, 1);
  }
  const emoji = emojiOnly(text);
  if (emoji && simple.length === 0) {
    const button = offered.buttons.find((b) => b.emoji && emojiOnly(b.emoji) === emoji);
    if (button) return decided(button, `sent the emoji ${button.emoji}`, 0.95);
  }
  return abstain;
}

export function findOfferedButton(buttonId: string, offered: ButtonSet): Button | undefined {
  return offered.buttons.find((b) => b.id === buttonId);
}
