// The configuration variables that change how conversations go. Specs, replay and coverage read only
// these from the environment: never storage, network or secrets (no database touched, no model called).
export const BEHAVIOUR_VARIABLES = [
  'MAX_FAILED_ATTEMPTS',
  'MAX_BOT_TURNS',
  'ESCALATE_SENTIMENT_BELOW',
  'DECIDE_CONFIDENCE',
  'MAX_MESSAGE_CHARS',
  'KNOWLEDGE_FILE',
  'DETECTION_FILE',
] as const;

export function behaviourEnv(source: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of BEHAVIOUR_VARIABLES) {
    const value = source[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env;
}
