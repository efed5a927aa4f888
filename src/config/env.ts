// The environment, parsed once at boot into a nested typed config. A bad value stops start-up with a
// message naming the variable. Every variable is listed in the README's configuration table.
import { z } from 'zod';
import { channelsConfig, channelsEnvShape } from '../channels/channels.env.ts';
import { handoffConfig, handoffEnvShape } from '../handoff/handoff.env.ts';
import { workConfig, workEnvShape } from '../handoff/mail/mail.env.ts';
import { DEFAULT_RESPONSE_SECONDS, formatResponseSeconds } from './response-time.ts';

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });
/**
 * Which proxies' X-Forwarded-For to believe, as Express's `trust proxy`: `false`; a hop count (`1` = one
 * load balancer in front: the client is the address it saw, whatever a client writes further left); or
 * comma-separated proxy addresses/CIDRs (`loopback`, `10.0.0.0/8`). `true` means 1 hop: trusting every hop
 * let anyone pick their rate-limit key by writing the left-most X-Forwarded-For entry.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): boolean | number | string[] => {
    if (/^(false|0|no)$/i.test(v)) return false;
    if (/^(true|yes)$/i.test(v)) return 1;
    if (/^\d+$/.test(v)) return Number(v);
    const list = v
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const address = /^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i;
    const bad = list.filter((p) => !address.test(p));
    if (list.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `use false, a hop count (1 = one load balancer), or proxy addresses/CIDRs (bad: ${bad.join(', ') || v})`,
      });
      return z.NEVER;
    }
    return list;
  });

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optional(url(['postgres', 'postgresql'])),
  REDIS_URL: optional(url(['redis', 'rediss'])),
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** Redis Cluster seed nodes, comma-separated `redis://host:port` (instead of REDIS_URL). */
  REDIS_CLUSTER_URLS: optional(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean),
      )
      .pipe(z.array(url(['redis', 'rediss'])).min(1)),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(60 * 60 * 24 * 7),
  /** Sessions that never got past the greeting (nothing written) are dropped after this long. */
  GREETING_SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(60 * 60),
  /** Sessions each process keeps in memory after committing them, so their next turn reads nothing first; 0: off. */
  SESSION_CACHE_SIZE: z.coerce.number().int().min(0).default(5000),
  MAX_FAILED_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  MAX_BOT_TURNS: z.coerce.number().int().min(1).default(10),
  ESCALATE_SENTIMENT_BELOW: z.coerce.number().min(-1).max(1).default(-0.5),
  DECIDE_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.6),
  /** LLM layer (Gemini): off without an API key. */
  GEMINI_API_KEY: optional(z.string().min(1)),
  GEMINI_MODEL: z.string().min(1).default('gemini-2.5-flash'),
  GEMINI_BASE_URL: optional(url(['http', 'https'])),
  GEMINI_THINKING_BUDGET: z.coerce.number().int().min(-1).default(0),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2500),
  LLM_HISTORY_MESSAGES: z.coerce.number().int().min(0).max(50).default(10),
  LLM_ESCALATION_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.7),
  LLM_RESOLUTION_BELOW: z.coerce.number().min(0).max(100).default(50),
  LLM_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  LLM_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  REPEATED_FRUSTRATION_BELOW: z.coerce.number().min(-1).max(1).default(-0.25),
  MAX_MESSAGE_CHARS: z.coerce.number().int().min(1).max(100_000).default(2000),
  KNOWLEDGE_FILE: optional(z.string()),
  DETECTION_FILE: optional(z.string()),
  CUSTOMER_PRIORITY_FILE: optional(z.string()),
  TRUST_PROXY: optional(trustProxy),
  /** Handoff targets (SalesIQ, Zendesk, Freshdesk, Slack): each turns on when its group is set. */
  ...handoffEnvShape,
  ...workEnvShape,
  /** Visitor channels (WhatsApp Cloud API, Evolution API, SalesIQ Zobot): each turns on when its group is set. */
  ...channelsEnvShape,
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  METRICS_TOKEN: optional(z.string().min(16, 'use at least 16 characters')),
  /** Operator console: first admin from the environment, tokens, login throttling, SLA, widget CORS. */
  ADMIN_BOOTSTRAP_EMAIL: optional(z.email()),
  ADMIN_BOOTSTRAP_PASSWORD: optional(z.string().min(10, 'use at least 10 characters')),
  OPERATOR_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .default(12 * 3600),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  FIRST_RESPONSE_SLA: z
    .string()
    .default(formatResponseSeconds(DEFAULT_RESPONSE_SECONDS))
    .transform((v, ctx) => {
      const sla: Record<string, number> = {};
      for (const part of v.split(',')) {
        const [k, n] = part.split('=').map((x) => x.trim());
        if (k && n && /^\d+$/.test(n)) sla[k] = Number(n);
      }
      const keys = ['urgent', 'high', 'medium', 'low'] as const;
      if (!keys.every((k) => (sla[k] ?? 0) > 0)) {
        ctx.addIssue({
          code: 'custom',
          message: `write seconds per priority: ${formatResponseSeconds(DEFAULT_RESPONSE_SECONDS)}`,
        });
        return z.NEVER;
      }
      return {
        urgent: sla.urgent ?? DEFAULT_RESPONSE_SECONDS.urgent,
        high: sla.high ?? DEFAULT_RESPONSE_SECONDS.high,
        medium: sla.medium ?? DEFAULT_RESPONSE_SECONDS.medium,
        low: sla.low ?? DEFAULT_RESPONSE_SECONDS.low,
      };
    }),
  WIDGET_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim().replace(/\/$/, ''))
        .filter(Boolean),
    )
    .refine((list) => list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), {
      message: 'a comma-separated list of origins like https://shop.example.com, or *',
    }),
  SESSION_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** New chat sessions one address may start per hour; 0 = no cap. */
  SESSIONS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).default(100),
  REDIS_KEY_PREFIX: z.string().default('switchboard:'),
  /** Hash-tag shards of the Redis keys (1 for a single Redis; more to spread over a Redis Cluster). */
  REDIS_SHARDS: z.coerce.number().int().min(1).max(1024).default(1),
  /** Redis replicas a turn must reach before it is answered (WAIT); 0 = asynchronous replication. */
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(1000),
  /** Durable timers: idle bot sessions are closed with a goodbye; queued visitors trigger a reminder. 0 = off. */
  INACTIVITY_TIMEOUT_SECONDS: z.coerce.number().int().min(0).default(1800),
  SLA_REMINDER_SECONDS: z.coerce.number().int().min(0).default(300),
  /** How long a claimed effect (or trace batch) stays with a worker before another process takes it over. */
  EFFECT_LEASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** New live chats go to an online agent with room, round-robin; off by default. */
  AUTO_ASSIGN: z
    .enum(['true', 'false'], { error: 'AUTO_ASSIGN is true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  AUTO_ASSIGN_CAPACITY: z.coerce.number().int().min(1).max(50).default(3),
  AGENT_OFFLINE_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD/;

/** The offending value as start-up prints it: secrets by length only, URLs without their password. */
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (SECRET_NAME.test(name)) return `a secret of ${value.length} characters`;
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = '***';
      return JSON.stringify(url.toString());
    }
  } catch {
    // not a URL: shown as is
  }
  return JSON.stringify(value);
}

export function parseEnv(source: Record<string, string | undefined> = process.env) {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) =>
        `  ${i.path.join('.')}: ${i.message} (got ${shownValue(String(i.path[0]), source[String(i.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  if (Boolean(env.ADMIN_BOOTSTRAP_EMAIL) !== Boolean(env.ADMIN_BOOTSTRAP_PASSWORD)) {
    throw new ConfigError(
      'Invalid configuration:\n  ADMIN_BOOTSTRAP_EMAIL and ADMIN_BOOTSTRAP_PASSWORD go together: set both or neither',
    );
  }
  if (env.REDIS_URL && env.REDIS_CLUSTER_URLS) {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL and REDIS_CLUSTER_URLS: set one of them (a single Redis or a Redis Cluster)',
    );
  }
  const handoff = handoffConfig(env);
  const channels = channelsConfig(env);
  const problems = [...handoff.problems, ...channels.problems];
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return {
    server: {
      port: env.PORT,
      host: env.HOST,
      trustProxy: env.TRUST_PROXY ?? false,
      maxMessageChars: env.MAX_MESSAGE_CHARS,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    },
    storage: {
      dataDir: env.DATA_DIR,
      databaseUrl: env.DATABASE_URL,
      databaseTimeoutMs: env.DATABASE_TIMEOUT_MS,
      redisUrl: env.REDIS_URL,
      sessionTtlSeconds: env.SESSION_TTL_SECONDS,
      greetingTtlSeconds: env.GREETING_SESSION_TTL_SECONDS,
      sessionCacheSize: env.SESSION_CACHE_SIZE,
    },
    log: { level: env.LOG_LEVEL },
    conversation: { maxFailedAttempts: env.MAX_FAILED_ATTEMPTS },
    rules: {
      maxBotTurns: env.MAX_BOT_TURNS,
      escalateSentimentBelow: env.ESCALATE_SENTIMENT_BELOW,
      decideConfidence: env.DECIDE_CONFIDENCE,
      llmEscalationConfidence: env.LLM_ESCALATION_CONFIDENCE,
      llmResolutionBelow: env.LLM_RESOLUTION_BELOW,
      repeatedFrustrationBelow: env.REPEATED_FRUSTRATION_BELOW,
    },
    llm: {
      apiKey: env.GEMINI_API_KEY,
      model: env.GEMINI_MODEL,
      baseUrl: env.GEMINI_BASE_URL,
      /** -1: leave thinking to the model's default; 0: off (fastest). */
      thinkingBudget: env.GEMINI_THINKING_BUDGET,
      timeoutMs: env.LLM_TIMEOUT_MS,
      historyMessages: env.LLM_HISTORY_MESSAGES,
      breakerFailures: env.LLM_BREAKER_FAILURES,
      breakerCooldownMs: env.LLM_BREAKER_COOLDOWN_MS,
    },
    content: {
      knowledgeFile: env.KNOWLEDGE_FILE,
      detectionFile: env.DETECTION_FILE,
      customerPriorityFile: env.CUSTOMER_PRIORITY_FILE,
    },
    handoff: handoff.config,
    work: workConfig(env),
    channels: channels.config,
    ops: { shutdownGraceMs: env.SHUTDOWN_GRACE_MS, metricsToken: env.METRICS_TOKEN },
    operators: {
      bootstrapAdmin:
        env.ADMIN_BOOTSTRAP_EMAIL && env.ADMIN_BOOTSTRAP_PASSWORD
          ? { email: env.ADMIN_BOOTSTRAP_EMAIL, password: env.ADMIN_BOOTSTRAP_PASSWORD }
          : null,
      tokenTtlSeconds: env.OPERATOR_TOKEN_TTL_SECONDS,
      login: {
        perAccount: env.LOGIN_MAX_FAILURES,
        perIp: env.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: env.LOGIN_WINDOW_SECONDS,
      },
      firstResponseSla: env.FIRST_RESPONSE_SLA,
      autoAssign: { enabled: env.AUTO_ASSIGN, defaultCapacity: env.AUTO_ASSIGN_CAPACITY },
      offlineAfterMs: env.AGENT_OFFLINE_AFTER_SECONDS * 1000,
    },
    widget: {
      allowedOrigins: env.WIDGET_ALLOWED_ORIGINS,
      messagesPerMinute: env.SESSION_MESSAGES_PER_MINUTE,
      sessionsPerAddressPerHour: env.SESSIONS_PER_ADDRESS_PER_HOUR,
    },
    redis: {
      keyPrefix: env.REDIS_KEY_PREFIX,
      shards: env.REDIS_SHARDS,
      waitReplicas: { count: env.REDIS_WAIT_REPLICAS, timeoutMs: env.REDIS_WAIT_TIMEOUT_MS },
      /** A single node (REDIS_URL), a cluster (REDIS_CLUSTER_URLS), or none: the embedded default. */
      endpoint: env.REDIS_CLUSTER_URLS
        ? ({ kind: 'cluster', urls: env.REDIS_CLUSTER_URLS } as const)
        : env.REDIS_URL
          ? ({ kind: 'single', url: env.REDIS_URL } as const)
          : null,
    },
    timers: {
      inactivityMs: env.INACTIVITY_TIMEOUT_SECONDS * 1000,
      slaReminderMs: env.SLA_REMINDER_SECONDS * 1000,
    },
    effects: { leaseMs: env.EFFECT_LEASE_MS },
  };
}

export type Config = ReturnType<typeof parseEnv>;
