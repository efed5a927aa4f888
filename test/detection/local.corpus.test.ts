// All local layers together (buttons, keywords, local sentiment, rules; LLM off) on the shared corpus.
// Risks covered: local sentiment or a rule turning ordinary self-service questions into an offer of a human
// (precision), or hiding real requests (recall); complaints and refund requests left at low priority.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialTransition } from 'xstate';
import { loadKnowledge } from '../../src/content/knowledge.ts';
import { disabledClassifier } from '../../src/detection/classifier.port.ts';
import { createDetector } from '../../src/detection/detector.ts';
import { loadKeywordConfig } from '../../src/detection/keyword.config.ts';
import { createKeywordLayer } from '../../src/detection/keyword.layer.ts';
import { DEFAULT_RULES } from '../../src/detection/rules.engine.ts';
import { acceptedIntents } from '../../src/engine/event.mapping.ts';
import { offeredButtons } from '../../src/machines/conversation.buttons.ts';
import { createConversationMachine } from '../../src/machines/conversation.machine.ts';

const CORPUS = new URL('../../corpus/bitext/utterances.jsonl', import.meta.url);
const SELF_SERVICE = [
  'change_order',
  'check_invoice',
  'create_account',
  'delivery_period',
  'newsletter_subscription',
  'payment_issue',
  'recover_password',
  'track_order',
];

describe('local layers on the shared corpus (first message of a conversation, LLM off)', () => {
  it('offer a human for contact_human_agent and (almost) never for self-service questions', async () => {
    const knowledge = loadKnowledge();
    const detector = createDetector({
      keyword: createKeywordLayer(loadKeywordConfig(), knowledge),
      classifier: disabledClassifier,
      rules: DEFAULT_RULES,
    });
    const at = '2026-01-01T00:00:00.000Z';
    const [snapshot] = initialTransition(createConversationMachine(), { at });
    const accepted = acceptedIntents(snapshot, at);
    const offered = offeredButtons('greeting', snapshot.context);
    const rows = readFileSync(CORPUS, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { text: string; intent: string });

    let tp = 0;
    let fp = 0;
    let fn = 0;
    const falseAlarms: string[] = [];
    const priorities: Record<string, Record<string, number>> = {};
    for (const row of rows) {
      const d = await detector.detect({
        text: row.text,
        state: 'greeting',
        offered,
        acceptedIntents: accepted,
        context: snapshot.context,
        recent: [],
        troubleshootingStep: null,
      });
      const byIntent = priorities[row.intent] ?? {};
      byIntent[d.priority] = (byIntent[d.priority] ?? 0) + 1;
      priorities[row.intent] = byIntent;
      const offersHuman = d.intent === 'escalation_request' || d.intent === 'frustrated';
      if (row.intent === 'contact_human_agent') {
        if (offersHuman) tp++;
        else fn++;
      } else if (SELF_SERVICE.includes(row.intent) && offersHuman) {
        fp++;
        falseAlarms.push(`${row.intent}: ${row.text} [${d.triggers.join(', ')}]`);
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(
      `local layers on corpus (offer a human): precision=${precision.toFixed(3)} recall=${recall.toFixed(3)} tp=${tp} fp=${fp} fn=${fn}\n` +
        `  priorities: complaint ${JSON.stringify(priorities.complaint)}, get_refund ${JSON.stringify(priorities.get_refund)}, ` +
        `payment_issue ${JSON.stringify(priorities.payment_issue)}, track_order ${JSON.stringify(priorities.track_order)}` +
        (falseAlarms.length > 0 ? `\n  false alarms: ${falseAlarms.join(' | ')}` : ''),
    );
    expect(precision).toBeGreaterThanOrEqual(0.98);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    const complaints = rows.filter((r) => r.intent === 'complaint').length;
    expect((priorities.complaint?.high ?? 0) + (priorities.complaint?.urgent ?? 0)).toBeGreaterThanOrEqual(
      complaints * 0.8,
    );
    // Refund and payment problems are never left at low priority.
    expect(priorities.get_refund?.low ?? 0).toBeLessThanOrEqual(
      rows.filter((r) => r.intent === 'get_refund').length * 0.2,
    );
  });
});
