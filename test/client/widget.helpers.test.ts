// The widget's pure helpers. Risks covered: a Spanish messages file missing a key or a placeholder (an
// English word or a literal "{n}" on a Spanish page); the browser's "es-MX" not finding Spanish; a light
// brand colour left with white text (unreadable) or any brand colour below 4.5:1; a pre-chat form that
// lets a malformed e-mail through or asks for what is optional.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brandColours, contrast } from '../../src/server/client/widget.config.ts';
import { pickLanguage, translator, WIDGET_MESSAGES } from '../../src/server/client/widget.messages.ts';
import { checkPrechat } from '../../src/server/client/widget.prechat.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('widget messages', () => {
  it('every language has every English key, with the same placeholders, and no empty text', () => {
    const en = WIDGET_MESSAGES.en ?? {};
    for (const [language, messages] of Object.entries(WIDGET_MESSAGES)) {
      expect(Object.keys(messages).sort(), language).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(messages)) {
        expect(text.trim(), `${language} ${key}`).not.toBe('');
        expect(placeholders(text), `${language} ${key}`).toEqual(placeholders(en[key as keyof typeof en]));
      }
    }
  });

  it('the tag wins, then the browser languages in order, by primary subtag; else English', () => {
    expect(pickLanguage('es', ['en-GB'])).toBe('es');
    expect(pickLanguage('en', ['es-ES'])).toBe('en');
    expect(pickLanguage(undefined, ['es-MX', 'en'])).toBe('es');
    expect(pickLanguage('de', ['fr-FR', 'es_ES'])).toBe('es');
    expect(pickLanguage(undefined, ['ja', 'constructor'])).toBe('en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    const say = translator('es');
    expect(say('queue.number', { position: 3 })).toBe('Eres el número 3 en la cola');
    expect(say('status.chatting')).toBe('Hablando con {name}');
  });
});

describe('brand colours', () => {
  it('dark text on light brands, white on dark ones', () => {
    expect(brandColours('#ffd000').onBrand).toBe('#1d2330');
    expect(brandColours('#fff').brandInk).toBe('#1d2330');
    expect(brandColours('#0a7d5a')).toEqual({ onBrand: '#ffffff', brandInk: '#0a7d5a' });
  });

  it('any brand colour: text on it reads at 4.5:1 or better, and so does the brand ink on white', () => {
    const hex = fc
      .array(fc.integer({ min: 0, max: 255 }), { minLength: 3, maxLength: 3 })
      .map((c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`);
    fc.assert(
      fc.property(hex, (color) => {
        const { onBrand, brandInk } = brandColours(color);
        // The best of white and dark ink on any colour is at least ~4.6:1 (the worst case is mid grey).
        expect(contrast(color, onBrand)).toBeGreaterThanOrEqual(4.5);
        expect(contrast(brandInk, '#ffffff')).toBeGreaterThanOrEqual(4.5);
      }),
    );
  });
});

describe('pre-chat form', () => {
  it('required: both fields; optional: nothing, but what is given must be right', () => {
    expect(checkPrechat('required', { name: ' ', email: '' })).toEqual({
      name: 'prechat.name_required',
      email: 'prechat.email_required',
    });
    expect(checkPrechat('optional', { name: '', email: '' })).toEqual({});
    for (const email of ['ana@', 'ana@correo', 'ana correo@x.es', '@x.es'])
      expect(checkPrechat('optional', { name: '', email }).email, email).toBe('prechat.email_invalid');
    expect(checkPrechat('required', { name: 'Ana', email: 'ana@correo.es' })).toEqual({});
    expect(checkPrechat('optional', { name: 'x'.repeat(101), email: '' })).toEqual({
      name: 'prechat.name_too_long',
    });
  });
});
