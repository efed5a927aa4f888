// Risk: a reply WhatsApp refuses (a 4th button, a 21-character title, 4097 characters), a press that does
// not come back as the button it was, or a non-text message that becomes a turn. The Graph fake enforces
// the same limits in the HTTP tests; here the mapping is checked on its own, including at the edges.
import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/channels/outbound.text.ts';
import { parseWhatsAppWebhook, toGraphMessages } from '../../src/channels/whatsapp/whatsapp.mapping.ts';
import { whatsAppMessageWebhook, whatsAppStatusWebhook } from '../fakes/whatsapp-graph.fake.ts';

const ESCALATION = [
  { id: 'instant_chat', label: 'Instant Chat', emoji: '📞' },
  { id: 'callback', label: 'Schedule Callback', emoji: '🗓️' },
  { id: 'ticket', label: 'Create Ticket', emoji: '🎫' },
];
const CATEGORIES = [
  { id: 'category_login', label: 'Login or password', emoji: '🔑' },
  { id: 'category_payment', label: 'Payment', emoji: '💳' },
  { id: 'category_delivery', label: 'Delivery', emoji: '📦' },
  { id: 'category_refund', label: 'Refund', emoji: '💸' },
  { id: 'category_technical', label: 'Technical problem', emoji: '🛠️' },
];

describe('WhatsApp inbound mapping', () => {
  it('reads a text, the sender in E.164 and their profile name', () => {
    const parsed = parseWhatsAppWebhook(
      whatsAppMessageWebhook({
        phoneNumberId: '1',
        from: '447700900123',
        name: 'Ana',
        id: 'wamid.A',
        message: { text: 'hi' },
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      content: {
        statuses: [],
        messages: [
          {
            channel: 'whatsapp',
            externalId: '+447700900123',
            clientMessageId: 'wamid.A',
            content: { text: 'hi' },
            profile: { phone: '+447700900123', name: 'Ana' },
          },
        ],
      },
    });
  });

  it('turns a reply-button or list press into the button it stood for', () => {
    const presses: Array<
      [string, { button: { id: string; title: string } } | { list: { id: string; title: string } }]
    > = [
      ['instant_chat', { button: { id: 'instant_chat', title: '📞 Instant Chat' } }],
      ['category_refund', { list: { id: 'category_refund', title: '💸 Refund' } }],
    ];
    for (const [id, message] of presses) {
      const parsed = parseWhatsAppWebhook(
        whatsAppMessageWebhook({ phoneNumberId: '1', from: '15550001111', message }),
      );
      if (!parsed.ok) throw new Error(parsed.message);
      expect(parsed.content.messages[0]?.content).toEqual({ button: id });
    }
  });

  it('marks images, audio and locations as unsupported, never as text', () => {
    for (const type of ['image', 'audio', 'location', 'sticker']) {
      const parsed = parseWhatsAppWebhook(
        whatsAppMessageWebhook({ phoneNumberId: '1', from: '15550001111', message: { type } }),
      );
      if (!parsed.ok) throw new Error(parsed.message);
      expect(parsed.content.messages[0]?.content).toEqual({ unsupported: type });
    }
  });

  it('reads statuses with their error code', () => {
    const parsed = parseWhatsAppWebhook(
      whatsAppStatusWebhook({
        phoneNumberId: '1',
        messageId: 'wamid.X',
        recipient: '15550001111',
        status: 'failed',
        errorCode: 131047,
      }),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.content.statuses[0]).toMatchObject({
      messageId: 'wamid.X',
      status: 'failed',
      recipient: '+15550001111',
      errorCode: 131047,
    });
  });

  it('refuses what is not a WhatsApp Business webhook with a message naming the field', () => {
    const parsed = parseWhatsAppWebhook({ object: 'page', entry: [] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('object');
  });
});

describe('WhatsApp outbound mapping', () => {
  it('sends three options as reply buttons with their emoji in titles of at most 20 characters', () => {
    const [m] = toGraphMessages('+447700900123', {
      seq: 4,
      role: 'bot',
      text: 'How shall we help?',
      buttons: ESCALATION,
    });
    expect(m).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '447700900123',
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'How shall we help?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'instant_chat', title: '📞 Instant Chat' } },
            { type: 'reply', reply: { id: 'callback', title: '🗓️ Schedule Callback' } },
            { type: 'reply', reply: { id: 'ticket', title: '🎫 Create Ticket' } },
          ],
        },
      },
    });
  });

  it('drops the emoji when it would push a title past 20 characters', () => {
    const [m] = toGraphMessages('+1', {
      seq: 1,
      role: 'bot',
      text: 'x',
      buttons: [{ id: 'a', label: 'Exactly twenty chars', emoji: '✅' }],
    });
    expect(
      m?.type === 'interactive' &&
        m.interactive.type === 'button' &&
        m.interactive.action.buttons[0]?.reply.title,
    ).toBe('Exactly twenty chars');
  });

  it('uses a list for more than three options, and for titles that would collide or not fit', () => {
    const [five] = toGraphMessages('+1', {
      seq: 1,
      role: 'bot',
      text: 'What is it about?',
      buttons: CATEGORIES,
    });
    expect(five?.type === 'interactive' && five.interactive.type).toBe('list');
    const long = [
      { id: 'a', label: 'A label of twenty-one' },
      { id: 'b', label: 'B' },
    ];
    const [m] = toGraphMessages('+1', { seq: 1, role: 'bot', text: 'x', buttons: long });
    expect(m?.type === 'interactive' && m.interactive.type).toBe('list');
    const same = [
      { id: 'a', label: 'Same' },
      { id: 'b', label: 'Same' },
    ];
    const [d] = toGraphMessages('+1', { seq: 1, role: 'bot', text: 'x', buttons: same });
    expect(d?.type === 'interactive' && d.interactive.type).toBe('list');
  });

  it('falls back to numbered text beyond ten options', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ id: `o${i}`, label: `Option ${i + 1}` }));
    const parts = toGraphMessages('+1', { seq: 1, role: 'bot', text: 'Pick one', buttons: many });
    expect(parts).toHaveLength(1);
    expect(parts[0]?.type).toBe('text');
    const body = parts[0]?.type === 'text' ? parts[0].text.body : '';
    expect(body).toContain('1. Option 1');
    expect(body).toContain('11. Option 11');
  });

  it('splits text longer than 4096 characters, and keeps the buttons on the last part', () => {
    const long = `${'word '.repeat(1000)}\n\n${'more '.repeat(900)}end.`;
    const parts = toGraphMessages('+1', { seq: 1, role: 'bot', text: long, buttons: ESCALATION });
    for (const p of parts) {
      if (p.type === 'text') expect([...p.text.body].length).toBeLessThanOrEqual(4096);
      else expect([...p.interactive.body.text].length).toBeLessThanOrEqual(1024);
    }
    expect(parts.at(-1)?.type).toBe('interactive');
    // The tail is longer than an interactive body may be, so the whole text goes as text and the buttons
    // come with a short prompt of their own.
    const last = parts.at(-1);
    expect(last?.type === 'interactive' && last.interactive.body.text).toBe('Choose one:');
    const rejoined = parts
      .slice(0, -1)
      .map((p) => (p.type === 'text' ? p.text.body : ''))
      .join(' ');
    expect(rejoined.replace(/\s+/g, ' ').trim()).toBe(long.replace(/\s+/g, ' ').trim());
  });

  it('names the operator on their messages', () => {
    const [m] = toGraphMessages('+1', {
      seq: 9,
      role: 'operator',
      text: 'Hello, I can help',
      author: 'Alice',
    });
    expect(m?.type === 'text' && m.text.body).toBe('*Alice:* Hello, I can help');
  });

  it('never cuts an emoji in two when splitting', () => {
    const text = '😀'.repeat(5000);
    const parts = splitText(text, 4096);
    expect(parts.map((p) => [...p].length)).toEqual([4096, 904]);
    expect(parts.join('')).toBe(text);
  });
});
