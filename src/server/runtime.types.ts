// The composition root's public shapes (what a caller may override, what a runtime holds) and the context
// its builders share.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { ChannelIngest } from '../channels/channel.ingest.ts';
import type { VisitorChannel } from '../channels/channel.port.ts';
import type { ChannelRegistry } from '../channels/channel.registry.ts';
import type { ChannelsModule } from '../channels/channels.module.ts';
import type { Config } from '../config/env.ts';
import type { ContactsModule } from '../contacts/contacts.module.ts';
import type { Knowledge } from '../content/knowledge.ts';
import type { Classifier } from '../detection/classifier.port.ts';
import type { createEffectWorker, EffectHandler, EffectWorkerOptions } from '../engine/effect.worker.ts';
import type { CommittedTurn, Engine } from '../engine/engine.ts';
import type { Realtime } from '../engine/realtime.port.ts';
import type { TimerService } from '../engine/timer.service.ts';
import type { TraceSink } from '../engine/trace-sink.ts';
import type { HandoffModule, HandoffModuleOverrides } from '../handoff/handoff.module.ts';
import type { ConversationMachine } from '../machines/conversation.machine.ts';
import type { Database } from '../storage/database.ts';
import type { EffectLog } from '../storage/effect.log.ts';
import type { SessionStore } from '../storage/session.store.ts';
import type { createApp } from './app.ts';
import type { Metrics } from './metrics.registry.ts';
import type { OperatorModule } from './operator.module.ts';
import type { RuntimeChannels } from './runtime.channels.ts';
import type { Infrastructure } from './runtime.infrastructure.ts';
import type { OperatorDirectory } from './runtime.operators.ts';
import type { WorkModule } from './work.module.ts';

export interface RuntimeOverrides {
  logger?: Logger;
  now?: () => Date;
  classifier?: Classifier;
  knowledge?: Knowledge;
  effectHandlers?: Partial<Record<string, EffectHandler>>;
  /** Visitor channel adapters besides the web widget (WhatsApp, Evolution, SalesIQ Zobot; fakes in tests). */
  channels?: VisitorChannel[];
  /** Start the background loops: effect worker, timer poller, trace sink (default true). */
  runWorker?: boolean;
  /** Session ids (specs and golden traces use stable ones). */
  newId?: () => string;
  /** Process-level Prometheus series (CPU, memory, event loop); default true, tests turn them off. */
  defaultMetrics?: boolean;
  /** Per-stage timing of every turn, and one more turn observer (bench, profiling). */
  engine?: { timeStages?: boolean; onTurn?: (turn: CommittedTurn) => void };
  /** Handoff knobs for tests (short token waits, a shared token cache). */
  handoff?: HandoffModuleOverrides;
  /** Effect worker retry pacing (tests use short backoffs instead of real minutes). */
  effectWorker?: Partial<
    Pick<EffectWorkerOptions, 'maxAttempts' | 'baseBackoffMs' | 'maxBackoffMs' | 'pollMs'>
  >;
}

export interface Runtime {
  config: Config;
  logger: Logger;
  database: Database;
  store: SessionStore;
  effectLog: EffectLog;
  realtime: Realtime;
  /** Operator accounts, the escalation queue and the operator API. */
  operators: OperatorModule;
  /** Handoff targets, routing and their effect handlers; `ingestDeskEvent` for desk webhooks. */
  handoff: HandoffModule;
  /** Visitor channels: the registry, and `ingestChannelMessage` for channel webhooks. */
  channels: {
    registry: ChannelRegistry;
    ingestChannelMessage: ChannelIngest['ingestChannelMessage'];
    /** WhatsApp / Evolution / Zobot: their durable inbox and the log of what they sent. */
    inbox: ChannelsModule['inbox'];
    messages: ChannelsModule['messages'];
  };
  /** Tickets and callbacks as work, and the service escalation API. */
  work: WorkModule;
  /** Customer memory: contacts, leads, activities, privacy. */
  contacts: ContactsModule;
  engine: Engine;
  worker: ReturnType<typeof createEffectWorker>;
  /** Durable timers (inactivity, SLA reminder); `tick()` fires what is due now. */
  timers: TimerService;
  /** Copies committed turns from Redis into Postgres; null on the embedded default (they are there already). */
  traceSink: TraceSink | null;
  app: ReturnType<typeof createApp>;
  metrics: Metrics;
  listen(): Promise<{ server: Server; url: string }>;
  close(): Promise<void>;
}

/** What every builder of the composition root reads: the config, the overrides, the clock, ids and the ports. */
export interface RuntimeContext extends Infrastructure {
  config: Config;
  overrides: RuntimeOverrides;
  logger: Logger;
  now: () => Date;
  /** Session ids: the override, else random UUIDs. */
  newId: () => string;
  knowledge: Knowledge;
}

/** What createRuntime builds first and hands to every later builder. */
export interface RuntimeParts {
  machine: ConversationMachine;
  metrics: Metrics;
  channels: RuntimeChannels;
  people: OperatorDirectory;
  allocateTicketNumber: () => Promise<string>;
}
