// Quick-reply labels in the session's language: `button.<id>` in the replies file of that language
// (content/replies.yaml, content/es/replies.yaml). The machine's own label is the fallback, and what the
// button layer matches typed text against.
import { type Button, publicButton } from '../machines/conversation.buttons.ts';
import { contentFor, type Knowledge } from './knowledge.ts';

export function buttonLabel(button: Pick<Button, 'id' | 'label'>, knowledge: Knowledge, language?: string) {
  return contentFor(knowledge, language).replies[`button.${button.id}`] ?? button.label;
}

/** What the visitor sees of the offered buttons: id, emoji and the label in their language. */
export function localButtons(buttons: readonly Button[], knowledge: Knowledge, language?: string) {
  return buttons.map((b) => ({ ...publicButton(b), label: buttonLabel(b, knowledge, language) }));
}
