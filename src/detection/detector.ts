// The detection pipeline for one visitor message: button (state-gated) → keyword → learned intent model
// (only if still undecided) → LLM (only if still undecided) → local sentiment → rules. The message's
// language is detected alongside and reported only when it differs from the session's. Returns one typed Detection with every layer's result for the trace.
// The LLM is never asked in an escalated state (a human owns it, or the operator just closed it), nor where
// its answer could change nothing: collecting a phone number or e-mail (no intent accepted), or choosing
// among the escalation options (only "I want a human" is accepted, and that changes nothing there).
import type { CustomerFacts } from '../contacts/contact.types.ts';
import type { ButtonSet } from '../machines/conversation.buttons.ts';
import type { ConversationContext } from '../machines/conversation.context.ts';
import { matchButtonText } from './button.layer.ts';
import type { Classifier } from './classifier.port.ts';
import type { Detection, LayerResult } from './detection.types.ts';
import { injectionCue } from './injection.guard.ts';
import type { LanguageDetector } from './language.detect.ts';
import type { LearnedLayer } from './learned.layer.ts';
import {
  applyRules,
  complaintCue,
  journeyStageFor,
  type RulesConfig,
  usableDecision,
} from './rules.engine.ts';
import { createLocalSentiment, type LocalSentimentAnalyzer } from './sentiment.local.ts';

export interface KeywordLayer {
  detect(text: string): LayerResult;
}

export interface DetectInput {
  text: string;
  state: string;
  offered: ButtonSet;
  acceptedIntents: readonly string[];
  context: ConversationContext;
  recent: ReadonlyArray<{ role: string; text: string }>;
  troubleshootingStep: string | null;
  /** The person writing, when known (customer priority rules). */
  customer?: CustomerFacts | null;
}

export interface DetectorDeps {
  keyword: KeywordLayer;
  classifier: Classifier;
  rules: RulesConfig;
  /** Local sentiment (default: the AFINN lexicon plus our anger/confusion cues). */
  sentiment?: LocalSentimentAnalyzer;
  /** The trained intent model between keywords and the LLM (absent: keywords go straight to the LLM). */
  learned?: LearnedLayer;
  /** Content languages; absent: every session stays in the default language. */
  language?: LanguageDetector;
}

/** The language of a session that has not shown another one. */
export const DEFAULT_LANGUAGE = 'en';

/** Whether the LLM may be asked about a message in this state. */
export function llmAllowed(state: string, acceptedIntents: readonly string[]): boolean {
  if (state === 'escalated' || state.startsWith('escalated.')) return false;
  // Where the visitor is already being offered a human, "I want a human" is the only intent left and it
  // changes nothing: the options are shown again either way.
  return acceptedIntents.some((intent) => intent !== 'escalation_request');
}

export interface Detector {
  /** Whether detect() wants the recent conversation (only the LLM layer does). */
  readonly usesHistory: boolean;
  detect(input: DetectInput): Promise<Detection>;
  /** A pressed button needs no detection, but gets the same shape for the trace. */
  pressed(buttonId: string, context: ConversationContext, customer?: CustomerFacts | null): Detection;
}

export function createDetector(deps: DetectorDeps): Detector {
  const sentiment = deps.sentiment ?? createLocalSentiment();
  return {
    usesHistory: deps.classifier.enabled,
    async detect(input) {
      const layers: LayerResult[] = [];
      const button = matchButtonText(input.text, input.offered);
      layers.push(button);
      if (!button.decided) {
        const keyword = deps.keyword.detect(input.text);
        layers.push(keyword);
        let decided = usableDecision(keyword, deps.rules, input.acceptedIntents);
        if (!decided && deps.learned) {
          const learned = deps.learned.detect(input.text, keyword);
          layers.push(learned);
          decided = usableDecision(learned, deps.rules, input.acceptedIntents);
        }
        if (!decided && deps.classifier.enabled && llmAllowed(input.state, input.acceptedIntents)) {
          const llm = await deps.classifier.classify({
            text: input.text,
            state: input.state,
            acceptedIntents: input.acceptedIntents,
            context: input.context,
            recent: input.recent,
            troubleshootingStep: input.troubleshootingStep,
          });
          if (llm) layers.push(llm);
        }
      }
      const category = layers.find((l) => l.category)?.category ?? input.context.category;
      const language = deps.language?.detect(input.text) ?? null;
      const detection = applyRules(
        {
          layers,
          // "1" or "📞 Instant Chat" picks an option; it says nothing about the visitor's mood.
          sentiment: button.decided ? input.context.sentiment : sentiment(input.text),
          context: input.context,
          acceptedIntents: input.acceptedIntents,
          journeyStage: journeyStageFor(input.text, category),
          injection: injectionCue(input.text),
          complaint: complaintCue(input.text),
          customer: input.customer ?? null,
        },
        deps.rules,
      );
      return language && language !== (input.context.language ?? DEFAULT_LANGUAGE)
        ? { ...detection, language }
        : detection;
    },
    pressed(buttonId, context, customer = null) {
      return applyRules(
        {
          layers: [
            {
              layer: 'button',
              decided: true,
              intent: 'button',
              confidence: 1,
              reason: `pressed button ${buttonId}`,
              buttonId,
            },
          ],
          // A pressed button says nothing about the visitor's mood: the last one carries over.
          sentiment: context.sentiment,
          context,
          customer,
        },
        deps.rules,
      );
    },
  };
}
