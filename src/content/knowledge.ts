// Troubleshooting knowledge and the bot's replies as data, per language: loaded from YAML and validated
// once at start-up. English (content/troubleshooting.yaml, content/replies.yaml) is the default; every
// folder content/<lang>/ holding both files adds a language, with the same categories, step counts and
// reply keys (so a third language is a content change).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  /** The shop's own greeting (default: the replies file's `greeting.welcome`). */
  greeting: z.string().trim().min(1).max(500).optional(),
  categories: z.record(z.string(), categorySchema).refine((c) => CATEGORIES.every((name) => name in c), {
    message: `categories must define every one of: ${CATEGORIES.join(', ')}`,
  }),
});

const repliesSchema = z.record(z.string().min(1), z.string());

export type CategoryKnowledge = z.infer<typeof categorySchema>;
/** Reply templates by `say` key (and variant): "troubleshooting.step", "ticket.created.numbered" … */
export type Replies = Readonly<Record<string, string>>;
export interface LanguageContent {
  categories: Record<Category, CategoryKnowledge>;
  replies: Replies;
}
export type Knowledge = {
  /** The default language's categories (what the keyword layer and the machine's step counts use). */
  categories: Record<Category, CategoryKnowledge>;
  defaultLanguage: string;
  /** Every content language, the default included. */
  languages: Record<string, LanguageContent>;
  /** How fast a person answers per priority (FIRST_RESPONSE_SLA): what the replies promise. */
  responseSeconds: ResponseSeconds;
  greeting?: string;
};

export const DEFAULT_LANGUAGE = 'en';
export const DEFAULT_KNOWLEDGE_PATH = projectPath('content/troubleshooting.yaml');
const DEFAULT_REPLIES_PATH = projectPath('content/replies.yaml');

function invalid(
  source: string,
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): ConfigError {
  const problems = issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return new ConfigError(`${source} is invalid:\n  ${problems.join('\n  ')}`);
}

function parseCategoryFile(
  yamlText: string,
  source: string,
): { categories: Record<Category, CategoryKnowledge>; greeting?: string } {
  const result = knowledgeSchema.safeParse(parse(yamlText));
  if (!result.success) throw invalid(source, result.error.issues);
  const categories = Object.fromEntries(
    CATEGORIES.map((name) => [name, result.data.categories[name] as CategoryKnowledge]),
  ) as Record<Category, CategoryKnowledge>;
  return result.data.greeting ? { categories, greeting: result.data.greeting } : { categories };
}

function parseCategories(yamlText: string, source: string): Record<Category, CategoryKnowledge> {
  return parseCategoryFile(yamlText, source).categories;
}

export function parseReplies(yamlText: string, source = 'replies file'): Replies {
  const result = repliesSchema.safeParse(parse(yamlText));
  if (!result.success) throw invalid(source, result.error.issues);
  return result.data;
}

let defaultReplies: Replies | undefined;
function englishReplies(): Replies {
  defaultReplies ??= parseReplies(readFileSync(DEFAULT_REPLIES_PATH, 'utf8'), DEFAULT_REPLIES_PATH);
  return defaultReplies;
}

/** One language's knowledge (the default language's replies unless others are given). */
export function parseKnowledge(
  yamlText: string,
  source = 'knowledge file',
  responseSeconds: ResponseSeconds = DEFAULT_RESPONSE_SECONDS,
  replies?: Replies,
): Knowledge {
  const { categories, greeting } = parseCategoryFile(yamlText, source);
  return {
    categories,
    defaultLanguage: DEFAULT_LANGUAGE,
    languages: { [DEFAULT_LANGUAGE]: { categories, replies: replies ?? englishReplies() } },
    responseSeconds,
    ...(greeting ? { greeting } : {}),
  };
}

/** Another language must say everything the default says, and walk the same number of steps. */
function checkLanguage(lang: string, content: LanguageContent, base: LanguageContent, source: string): void {
  const missing = Object.keys(base.replies).filter((key) => !(key in content.replies));
  const steps = CATEGORIES.filter(
    (c) => content.categories[c].steps.length !== base.categories[c].steps.length,
  ).map(
    (c) =>
      `${c} has ${content.categories[c].steps.length} steps, the default ${base.categories[c].steps.length}`,
  );
  const problems = [...missing.map((k) => `replies: ${k} is missing`), ...steps];
  if (problems.length > 0)
    throw new ConfigError(`${source} (language ${lang}) is invalid:\n  ${problems.join('\n  ')}`);
}

/**
 * The knowledge file (default language) and, beside it, replies.yaml and every <lang>/ folder that holds
 * troubleshooting.yaml and replies.yaml.
 */
export function loadKnowledge(
  path = DEFAULT_KNOWLEDGE_PATH,
  responseSeconds: ResponseSeconds = DEFAULT_RESPONSE_SECONDS,
): Knowledge {
  const dir = dirname(path);
  const repliesPath = join(dir, 'replies.yaml');
  const replies = existsSync(repliesPath)
    ? parseReplies(readFileSync(repliesPath, 'utf8'), repliesPath)
    : englishReplies();
  const knowledge = parseKnowledge(readFileSync(path, 'utf8'), path, responseSeconds, replies);
  const base = knowledge.languages[DEFAULT_LANGUAGE] as LanguageContent;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === DEFAULT_LANGUAGE) continue;
    const langDir = join(dir, entry.name);
    const files = [join(langDir, 'troubleshooting.yaml'), join(langDir, 'replies.yaml')] as const;
    if (!files.every((f) => existsSync(f))) continue;
    const content = {
      categories: parseCategories(readFileSync(files[0], 'utf8'), files[0]),
      replies: parseReplies(readFileSync(files[1], 'utf8'), files[1]),
    };
    checkLanguage(entry.name, content, base, langDir);
    knowledge.languages[entry.name] = content;
  }
  return knowledge;
}

/** A language's content, falling back to the default language's. */
export function contentFor(knowledge: Knowledge, language: string | undefined): LanguageContent {
  return (
    knowledge.languages[language ?? knowledge.defaultLanguage] ??
    (knowledge.languages[knowledge.defaultLanguage] as LanguageContent)
  );
}

export function stepCounts(knowledge: Knowledge): Record<Category, number> {
  return Object.fromEntries(CATEGORIES.map((c) => [c, knowledge.categories[c].steps.length])) as Record<
    Category,
    number
  >;
}
