// Troubleshooting knowledge as data: loaded from YAML and validated once at start-up.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config/env.ts';
import { projectPath } from '../config/paths.ts';
import { DEFAULT_RESPONSE_SECONDS, type ResponseSeconds } from '../config/response-time.ts';
import { CATEGORIES, type Category } from '../detection/detection.types.ts';

const categorySchema = z.object({
  label: z.string().min(1),
  subject: z.string().min(1),
  phrases: z.array(z.string().min(1)),
  steps: z.array(z.string().min(1)).min(1, 'every category needs at least one troubleshooting step'),
});

const knowledgeSchema = z.object({
  categories: z.record(z.string(), categorySchema).refine((c) => CATEGORIES.every((name) => name in c), {
    message: `categories must define every one of: ${CATEGORIES.join(', ')}`,
  }),
});

export type CategoryKnowledge = z.infer<typeof categorySchema>;
export type Knowledge = {
  categories: Record<Category, CategoryKnowledge>;
  /** How fast a person answers per priority (FIRST_RESPONSE_SLA): what the replies promise. */
  responseSeconds: ResponseSeconds;
};

export const DEFAULT_KNOWLEDGE_PATH = projectPath('content/troubleshooting.yaml');

export function parseKnowledge(
  yamlText: string,
  source = 'knowledge file',
  responseSeconds: ResponseSeconds = DEFAULT_RESPONSE_SECONDS,
): Knowledge {
  const result = knowledgeSchema.safeParse(parse(yamlText));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  }
  const categories = Object.fromEntries(
    CATEGORIES.map((name) => [name, result.data.categories[name] as CategoryKnowledge]),
  ) as Record<Category, CategoryKnowledge>;
  return { categories, responseSeconds };
}

export function loadKnowledge(
  path = DEFAULT_KNOWLEDGE_PATH,
  responseSeconds: ResponseSeconds = DEFAULT_RESPONSE_SECONDS,
): Knowledge {
  return parseKnowledge(readFileSync(path, 'utf8'), path, responseSeconds);
}

export function stepCounts(knowledge: Knowledge): Record<Category, number> {
  return Object.fromEntries(CATEGORIES.map((c) => [c, knowledge.categories[c].steps.length])) as Record<
    Category,
    number
  >;
}
