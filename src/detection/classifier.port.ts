// The LLM layer's port. The engine only calls it while the bot owns the session and the cheaper layers
// did not decide. An adapter returns null when it did not call the model (switched off, circuit open) and a
// `failed: true` result when the call failed (so the failure is traced and logged); either way the turn
// goes on with the local layers. It never throws for a failed call.
import type { ConversationContext } from '../machines/conversation.context.ts';
import type { LayerResult } from './detection.types.ts';

export interface ClassifierInput {
  text: string;
  state: string;
  /** Events the current state accepts: the model may only choose among these. */
  acceptedIntents: readonly string[];
  context: ConversationContext;
  recent: ReadonlyArray<{ role: string; text: string }>;
  troubleshootingStep: string | null;
}

export interface Classifier {
  readonly enabled: boolean;
  readonly model: string;
  classify(input: ClassifierInput): Promise<LayerResult | null>;
}

export const disabledClassifier: Classifier = {
  enabled: false,
  model: 'none',
  classify: async () => null,
};
