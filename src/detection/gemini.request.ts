// One Gemini call: the structured-output request for a built prompt, the parts of the response we keep,
// and the answer validated against the schema.
import type { GenerateContentParameters, GoogleGenAI } from '@google/genai';
import { LlmFailure, timeoutFailure } from './gemini.failure.ts';
import type { BuiltPrompt } from './gemini.prompt.ts';
import { LLM_ANSWER_JSON_SCHEMA, type LlmAnswer, parseLlmAnswer } from './gemini.schema.ts';

export interface GeminiRequestSettings {
  model: string;
  /** Whole budget of one classification, retry included. */
  timeoutMs: number;
  /** 0 turns thinking off (fastest); -1 leaves it to the model. */
  thinkingBudget?: number;
}

export interface GeminiResponse {
  text: string | undefined;
  usage: unknown;
  finishReason: unknown;
}

export function answerRequest(
  settings: GeminiRequestSettings,
  prompt: BuiltPrompt,
  signal: AbortSignal,
): GenerateContentParameters {
  const { thinkingBudget } = settings;
  return {
    model: settings.model,
    contents: [{ role: 'user', parts: [{ text: prompt.userText }] }],
    config: {
      systemInstruction: prompt.systemInstruction,
      responseMimeType: 'application/json',
      responseJsonSchema: LLM_ANSWER_JSON_SCHEMA,
      temperature: 0,
      candidateCount: 1,
      abortSignal: signal,
      ...(thinkingBudget !== undefined && thinkingBudget >= 0 ? { thinkingConfig: { thinkingBudget } } : {}),
    },
  };
}

export async function callGemini(
  ai: GoogleGenAI,
  settings: GeminiRequestSettings,
  prompt: BuiltPrompt,
  signal: AbortSignal,
): Promise<GeminiResponse> {
  const response = await ai.models.generateContent(answerRequest(settings, prompt, signal));
  if (signal.aborted) throw timeoutFailure(settings.timeoutMs);
  return {
    text: response.text,
    usage: response.usageMetadata,
    finishReason: response.candidates?.[0]?.finishReason,
  };
}

/** The schema-valid answer of a response; an `invalid_answer` failure otherwise. */
export function validAnswer(response: GeminiResponse): LlmAnswer {
  const parsed = parseLlmAnswer(response.text);
  if (!parsed.ok)
    throw new LlmFailure('invalid_answer', parsed.problem, { finishReason: response.finishReason ?? null });
  return parsed.answer;
}
