// The peer in the bench: Microsoft Bot Framework (botbuilder + botbuilder-dialogs, MIT) running the same
// five-message support conversation as the engine's run, in process, over its MemoryStorage — a waterfall
// of greeting → issue → troubleshooting step → escalation choice (a ChoicePrompt) → queued, then silent
// while "a human" owns the conversation. No network, no persistence beyond memory: the figure is what a
// widely used bot framework costs per turn before any storage round trip, measured in the same run.
import {
  ActivityTypes,
  ConversationState,
  MemoryStorage,
  type StatePropertyAccessor,
  TestAdapter,
  type TurnContext,
} from 'botbuilder';
import {
  ChoicePrompt,
  DialogSet,
  type DialogState,
  DialogTurnStatus,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { summarize } from './bench.stats.ts';
import { pool, type RunResult, SEED_CONVERSATION } from './engine.bench.ts';

interface SupportState {
  escalated: boolean;
  transcript: string[];
}

const ESCALATE = /\b(agent|human|person|representative)\b/i;
const OPTIONS = ['Instant Chat', 'Callback', 'Ticket'];

function supportBot() {
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const dialogState: StatePropertyAccessor<DialogState> = conversationState.createProperty('dialog');
  const support: StatePropertyAccessor<SupportState> = conversationState.createProperty('support');
  const dialogs = new DialogSet(dialogState);
  dialogs.add(new TextPrompt('text'));
  dialogs.add(new ChoicePrompt('choice', undefined, 'en-us'));
  dialogs.add(
    new WaterfallDialog('support', [
      async (step: WaterfallStepContext) =>
        step.prompt('text', "Hi! I'm the support assistant. What can I help you with?"),
      async (step: WaterfallStepContext) => {
        const issue = String(step.result);
        const category = /password|login/i.test(issue) ? 'account' : 'other';
        return step.prompt(
          'text',
          `Let's fix your ${category} problem. Step 1: reset it from the login page.`,
        );
      },
      async (step: WaterfallStepContext) => {
        if (!ESCALATE.test(String(step.result)))
          return step.prompt('text', 'Step 2: clear your browser cache and try again.');
        return step.prompt('choice', {
          prompt: 'How would you like to reach a person?',
          choices: OPTIONS,
          style: ListStyle.none,
        });
      },
      async (step: WaterfallStepContext) => {
        const s = await support.get(step.context, { escalated: false, transcript: [] });
        s.escalated = true;
        await step.context.sendActivity("You're in the queue: an agent will be with you shortly.");
        return step.endDialog();
      },
    ]),
  );
  return async (context: TurnContext) => {
    if (context.activity.type !== ActivityTypes.Message) return;
    const s = await support.get(context, { escalated: false, transcript: [] });
    s.transcript.push(context.activity.text ?? '');
    if (!s.escalated) {
      const dc = await dialogs.createContext(context);
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog('support');
    }
    await conversationState.saveChanges(context);
  };
}

/** The seed conversation over `sessions` conversations, `concurrency` at a time, on one Bot Framework bot. */
export async function benchBotBuilderRun(sessions: number, concurrency: number): Promise<RunResult> {
  const logic = supportBot();
  const adapter = new TestAdapter(logic);
  const latencies: number[] = [];
  const ids = Array.from({ length: sessions }, (_, i) => `bench-${concurrency}-${i}`);
  const seconds = await pool(ids, concurrency, async (id) => {
    for (const text of SEED_CONVERSATION) {
      const t0 = performance.now();
      await adapter.processActivity({
        type: ActivityTypes.Message,
        text,
        conversation: { id, isGroup: false, conversationType: 'personal', name: id },
        from: { id: `user-${id}`, name: 'visitor' },
      });
      latencies.push(performance.now() - t0);
    }
    // The test adapter keeps every reply for assertions; a bench has none to make.
    adapter.activeQueue.length = 0;
  });
  return {
    concurrency,
    turns: latencies.length,
    turnsPerSecond: latencies.length / seconds,
    latencyMs: summarize(latencies),
  };
}
