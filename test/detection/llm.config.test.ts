// The LLM layer's configuration. Risks covered: a typo in a threshold or URL starting the server with a
// silently wrong value; the LLM switched on without a key or with a wrong default model or timeout.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env.ts';
import { DEFAULT_RULES } from '../../src/detection/rules.engine.ts';

describe('LLM and rules configuration', () => {
  it('defaults: off without a key, gemini-2.5-flash, 2.5 s, thresholds from the seeds', () => {
    const config = parseEnv({});
    expect(config.llm).toMatchObject({
      apiKey: undefined,
      model: 'gemini-2.5-flash',
      baseUrl: undefined,
      timeoutMs: 2500,
      thinkingBudget: 0,
      historyMessages: 10,
      breakerFailures: 5,
      breakerCooldownMs: 30_000,
    });
    expect(config.rules).toEqual(DEFAULT_RULES);
  });

  it('reads every variable', () => {
    const config = parseEnv({
      GEMINI_API_KEY: 'k',
      GEMINI_MODEL: 'gemini-2.5-flash-lite',
      GEMINI_BASE_URL: 'http://127.0.0.1:9999',
      GEMINI_THINKING_BUDGET: '-1',
      LLM_TIMEOUT_MS: '1200',
      LLM_HISTORY_MESSAGES: '6',
      LLM_ESCALATION_CONFIDENCE: '0.8',
      LLM_RESOLUTION_BELOW: '40',
      LLM_BREAKER_FAILURES: '2',
      LLM_BREAKER_COOLDOWN_MS: '1000',
      REPEATED_FRUSTRATION_BELOW: '-0.3',
    });
    expect(config.llm).toMatchObject({
      apiKey: 'k',
      model: 'gemini-2.5-flash-lite',
      baseUrl: 'http://127.0.0.1:9999',
      thinkingBudget: -1,
      timeoutMs: 1200,
      historyMessages: 6,
      breakerFailures: 2,
      breakerCooldownMs: 1000,
    });
    expect(config.rules).toMatchObject({
      llmEscalationConfidence: 0.8,
      llmResolutionBelow: 40,
      repeatedFrustrationBelow: -0.3,
    });
  });

  it.each([
    [{ GEMINI_BASE_URL: 'generativelanguage.googleapis.com' }, /GEMINI_BASE_URL/],
    [{ LLM_TIMEOUT_MS: 'fast' }, /LLM_TIMEOUT_MS/],
    [{ LLM_TIMEOUT_MS: '10' }, /LLM_TIMEOUT_MS/],
    [{ LLM_ESCALATION_CONFIDENCE: '70' }, /LLM_ESCALATION_CONFIDENCE/],
    [{ LLM_RESOLUTION_BELOW: '150' }, /LLM_RESOLUTION_BELOW/],
    [{ GEMINI_THINKING_BUDGET: '-2' }, /GEMINI_THINKING_BUDGET/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => parseEnv(env)).toThrow(ConfigError);
    expect(() => parseEnv(env)).toThrow(message);
  });
});
