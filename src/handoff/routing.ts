// Where each kind of handoff goes. Targets are switched on by their secrets in the environment; the
// optional routing file (HANDOFF_ROUTING_FILE, YAML, no secrets) picks among them, sets departments and
// groups per category, the Slack channel and which priorities notify it. Validated once at start-up: a
// file that names a target without credentials stops the server with a message saying what to set.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config/env.ts';
import { CATEGORIES, type Category, PRIORITIES, type Priority } from '../detection/detection.types.ts';
import type { FreshdeskFieldMap } from './freshdesk/freshdesk.mapping.ts';
import type { HandoffEnvConfig } from './handoff.env.ts';
import type { TargetName } from './handoff.target.ts';
import type { HandoffChannel, HandoffPacket } from './packet.ts';
import type { ZendeskFieldMap } from './zendesk/zendesk.mapping.ts';

const departmentSchema = z
  .object({
    salesiq: z.string().min(1).optional(),
    zendeskGroup: z.number().int().positive().optional(),
    freshdeskGroup: z.number().int().positive().optional(),
  })
  .strict();

const helpdesk = z.enum(['auto', 'zendesk', 'freshdesk', 'local']);

export const routingFileSchema = z
  .object({
    /** Live chat: SalesIQ, or the built-in console queue. auto = SalesIQ when configured. */
    instantChat: z.enum(['auto', 'salesiq', 'console']).default('auto'),
    /** Tickets are always recorded locally; this picks the helpdesk they are also opened in. */
    tickets: helpdesk.default('auto'),
    /** Callback requests: the console queue always; optionally also a helpdesk task. */
    callbacks: helpdesk.default('auto'),
    slack: z
      .object({
        enabled: z.boolean().default(true),
        /** Priorities that notify the Slack channel. */
        notify: z.array(z.enum(PRIORITIES)).default(['urgent']),
        channel: z.string().min(1).optional(),
      })
      .strict()
      .default({ enabled: true, notify: ['urgent'] }),
    departments: z
      .object({ default: departmentSchema.optional() })
      .catchall(departmentSchema)
      .default({})
      .refine(
        (d) => Object.keys(d).every((k) => k === 'default' || (CATEGORIES as readonly string[]).includes(k)),
        {
          message: `departments: keys must be "default" or a category (${CATEGORIES.join(', ')})`,
        },
      ),
    zendeskFields: z
      .object({
        category: z.number().int().optional(),
        sentiment: z.number().int().optional(),
        journeyStage: z.number().int().optional(),
        ticketNumber: z.number().int().optional(),
        sessionId: z.number().int().optional(),
      })
      .strict()
      .default({}),
    freshdeskFields: z
      .object({
        category: z.string().optional(),
        sentiment: z.string().optional(),
        journeyStage: z.string().optional(),
        ticketNumber: z.string().optional(),
        sessionId: z.string().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type RoutingFile = z.infer<typeof routingFileSchema>;

export interface Department {
  salesiq?: string;
  zendeskGroup?: number;
  freshdeskGroup?: number;
}

export interface Routing {
  instantChat: 'salesiq' | 'console';
  tickets: 'zendesk' | 'freshdesk' | 'local';
  callbacks: 'zendesk' | 'freshdesk' | 'local';
  slack: { notify: Priority[]; channel: string } | null;
  /** The CRM every handover with an e-mail or phone is noted in (contact upserted first). */
  crm: 'hubspot' | null;
  department(category: Category | null): Department;
  zendeskFields: ZendeskFieldMap;
  freshdeskFields: FreshdeskFieldMap;
}

/** One delivery of a handoff: `critical` ones decide whether the visitor must hear that it failed. */
export interface Step {
  target: TargetName;
  critical: boolean;
}

function pickHelpdesk(
  choice: z.infer<typeof helpdesk>,
  env: HandoffEnvConfig,
  field: string,
  problems: string[],
): 'zendesk' | 'freshdesk' | 'local' {
  if (choice === 'auto') {
    if (env.zendesk && env.freshdesk) {
      problems.push(
        `${field}: both Zendesk and Freshdesk are configured; set "${field}: zendesk" or "${field}: freshdesk" in the routing file`,
      );
      return 'local';
    }
    return env.zendesk ? 'zendesk' : env.freshdesk ? 'freshdesk' : 'local';
  }
  if (choice === 'zendesk' && !env.zendesk)
    problems.push(`${field}: zendesk needs ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN`);
  if (choice === 'freshdesk' && !env.freshdesk)
    problems.push(`${field}: freshdesk needs FRESHDESK_URL and FRESHDESK_API_KEY`);
  return choice;
}

export function resolveRouting(
  env: HandoffEnvConfig,
  file: RoutingFile = routingFileSchema.parse({}),
): Routing {
  const problems: string[] = [];
  if (file.instantChat === 'salesiq' && !env.salesiq) {
    problems.push('instantChat: salesiq needs the SALESIQ_* and ZOHO_* variables');
  }
  const instantChat = file.instantChat === 'auto' ? (env.salesiq ? 'salesiq' : 'console') : file.instantChat;
  const tickets = pickHelpdesk(file.tickets, env, 'tickets', problems);
  const callbacks = pickHelpdesk(file.callbacks, env, 'callbacks', problems);
  if (problems.length > 0) throw new ConfigError(`Invalid handoff routing:\n  ${problems.join('\n  ')}`);
  const slack =
    env.slack && file.slack.enabled
      ? { notify: file.slack.notify, channel: file.slack.channel ?? env.slack.channel }
      : null;
  const departments = file.departments as Record<string, Department | undefined>;
  return {
    instantChat,
    tickets,
    callbacks,
    slack,
    crm: env.hubspot ? 'hubspot' : null,
    department(category) {
      const fallback: Department = {
        ...(env.salesiq ? { salesiq: env.salesiq.departmentId } : {}),
        ...departments.default,
      };
      return { ...fallback, ...(category ? departments[category] : undefined) };
    },
    zendeskFields: file.zendeskFields,
    freshdeskFields: file.freshdeskFields,
  };
}

export function loadRouting(env: HandoffEnvConfig): Routing {
  if (!env.routingFile) return resolveRouting(env);
  let raw: unknown;
  try {
    raw = parse(readFileSync(env.routingFile, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `HANDOFF_ROUTING_FILE ${env.routingFile} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const result = routingFileSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`HANDOFF_ROUTING_FILE ${env.routingFile} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return resolveRouting(env, result.data);
}

/** The deliveries one handoff makes, in order. */
export function stepsFor(
  routing: Routing,
  packet: Pick<HandoffPacket, 'channel' | 'priority' | 'source'> & Partial<Pick<HandoffPacket, 'visitor'>>,
): Step[] {
  const steps: Step[] = [];
  const channel: HandoffChannel = packet.channel;
  if (channel === 'instant_chat') {
    // A Zobot chat is already in SalesIQ: the Zobot forwarded it to a SalesIQ operator itself.
    steps.push({
      target: packet.source?.type === 'salesiq' ? 'salesiq' : routing.instantChat,
      critical: true,
    });
  } else if (channel === 'ticket') {
    steps.push({ target: 'ticket', critical: true });
    if (routing.tickets !== 'local') steps.push({ target: routing.tickets, critical: false });
  } else {
    steps.push({ target: 'callback', critical: true });
    if (routing.callbacks !== 'local') steps.push({ target: routing.callbacks, critical: false });
  }
  if (routing.slack?.notify.includes(packet.priority)) steps.push({ target: 'slack', critical: false });
  // A contact needs an identity: without an e-mail or phone there is nobody to note it on.
  if (routing.crm && (packet.visitor?.email || packet.visitor?.phone || packet.source?.phone))
    steps.push({ target: routing.crm, critical: false });
  return steps;
}
