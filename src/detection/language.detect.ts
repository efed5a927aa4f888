// Which of our content languages a visitor writes in, with ELD (eld, n-gram language detector, the
// smallest database). Restricted to the languages we have content for; a message too short or too
// ambiguous to be "reliable" says nothing, so "ok" or "hello" never switch a Spanish session to English.
import { eld } from 'eld/extrasmall';

export interface LanguageDetector {
  readonly languages: readonly string[];
  /** The language of the text when the detector is sure of it, else null. */
  detect(text: string): string | null;
}

/** Fewer letters than this say too little to switch a session's language. */
const MIN_LETTERS = 6;
const LETTER = /\p{L}/gu;

export function createLanguageDetector(languages: readonly string[]): LanguageDetector {
  // eld's subset is global to its instance: our own instance keeps it from leaking to other users.
  const detector = eld.newInstance();
  detector.setLanguageSubset([...languages]);
  return {
    languages,
    detect(text) {
      if ((text.match(LETTER)?.length ?? 0) < MIN_LETTERS) return null;
      const result = detector.detect(text);
      return result.language && languages.includes(result.language) && result.isReliable()
        ? result.language
        : null;
    },
  };
}
