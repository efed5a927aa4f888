// A Spanish-speaking visitor end to end (LLM off, over HTTP): the language is detected from the text,
// kept in the session (short or ambiguous messages do not switch it back), and the replies and steps
// come from content/es/. Risks covered: Spanish visitors answered in English or left undecided; a
// session flipping language on "ok"; a content language missing a reply or a step (start-up error).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.ts';
import { DEFAULT_KNOWLEDGE_PATH, loadKnowledge } from '../../src/content/knowledge.ts';
import { startTestRuntime, startVisitor, type TestRuntime } from '../support/runtime.ts';

let off: TestRuntime;
beforeAll(async () => {
  off = await startTestRuntime();
});
afterAll(async () => {
  await off?.close();
});

describe('a visitor writing in Spanish', () => {
  it('is answered in Spanish from the Spanish content, and stays in Spanish', async () => {
    const v = await startVisitor(off.url);
    const first = await v.send('hola, no puedo iniciar sesión en mi cuenta');
    expect(first.body.state).toBe('troubleshooting');
    const steps = loadKnowledge().languages.es?.categories.login.steps ?? [];
    expect(first.body.replies.at(-1).text).toContain(`Paso 1 de ${steps.length}: ${steps[0]}`);
    expect((await v.view()).body.category).toBe('login');
    // "ok" says nothing about the language: the session keeps Spanish.
    const next = await v.send('ok');
    expect(JSON.stringify(next.body.replies)).not.toMatch(/Did that help|Let's/);
    const failed = await v.send('sigue sin funcionar, no me deja entrar');
    expect(failed.body.state).toBe('troubleshooting');
    expect(failed.body.replies.at(-1).text).toMatch(/^Probemos otra cosa\. Paso 2/);
    const human = await v.send('quiero hablar con una persona');
    expect(human.body.state).toBe('escalation_options');
    expect(human.body.replies.at(-1).text).toMatch(/¿Cómo quieres seguir\?/);
  });

  // Risk covered: what the machine writes itself (input problems, button labels) still English in a
  // Spanish session ("that does not look like a phone number", "Instant Chat").
  it('says what is wrong with a phone or e-mail in Spanish, and labels the buttons in Spanish', async () => {
    const v = await startVisitor(off.url);
    await v.send('hola, quiero hablar con una persona, por favor');
    const options = await v.send('quiero hablar con un agente ahora');
    expect(options.body.state).toBe('escalation_options');
    expect(options.body.buttons.map((b: { label: string }) => b.label)).toEqual([
      'Chat inmediato',
      'Programar una llamada',
      'Crear un ticket',
    ]);
    const callback = await v.press('callback');
    expect(callback.body.buttons.map((b: { label: string }) => b.label)).toEqual(['Volver a las opciones']);
    const words = await v.send('llamadme mañana');
    expect(words.body.replies.at(-1).text).toBe(
      'Perdona, eso no parece un número de teléfono: escribe los dígitos empezando por + y el prefijo del país (por ejemplo +34 912 345 678). ¿A qué número te llamamos?',
    );
    const short = await v.send('+34 612');
    expect(short.body.replies.at(-1).text).toMatch(
      /^Perdona, ese número es demasiado corto para España: revisa/,
    );
    const us = await v.send('+34 999 999 999');
    expect(us.body.replies.at(-1).text).toMatch(/^Perdona, ese número no es válido en España: revisa/);
    // The visitor's own message reads as the button they pressed.
    await v.press('cancel');
    const ticket = await v.press('ticket');
    expect((await v.view()).body.messages.at(-2)).toMatchObject({
      role: 'visitor',
      text: expect.stringMatching(/Crear un ticket$/),
    });
    expect(ticket.body.state).toBe('ticket_collection');
    const email = await v.send('ana arroba correo');
    expect(email.body.replies.at(-1).text).toBe(
      'Perdona, eso no parece una dirección de correo (como nombre@ejemplo.com). ¿Qué dirección de correo usamos?',
    );
    expect(JSON.stringify([callback.body, words.body, short.body, us.body, email.body])).not.toMatch(
      /please|Sorry|Back to/,
    );
  });

  it('an English visitor stays in English', async () => {
    const v = await startVisitor(off.url);
    const r = await v.send("I can't log in to my account");
    expect(r.body.replies.at(-1).text).toMatch(/^Let's sort out your login or password problem\. Step 1/);
  });
});

describe('content languages are checked at start-up', () => {
  function contentWith(edit: (replies: string, steps: string) => [string, string]): string {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-content-'));
    const base = readFileSync(DEFAULT_KNOWLEDGE_PATH, 'utf8');
    writeFileSync(join(dir, 'troubleshooting.yaml'), base);
    writeFileSync(
      join(dir, 'replies.yaml'),
      readFileSync(join(DEFAULT_KNOWLEDGE_PATH, '../replies.yaml'), 'utf8'),
    );
    mkdirSync(join(dir, 'fr'));
    const [replies, steps] = edit(
      readFileSync(join(DEFAULT_KNOWLEDGE_PATH, '../es/replies.yaml'), 'utf8'),
      readFileSync(join(DEFAULT_KNOWLEDGE_PATH, '../es/troubleshooting.yaml'), 'utf8'),
    );
    writeFileSync(join(dir, 'fr', 'replies.yaml'), replies);
    writeFileSync(join(dir, 'fr', 'troubleshooting.yaml'), steps);
    return join(dir, 'troubleshooting.yaml');
  }

  it('a third language is a folder of content', () => {
    const knowledge = loadKnowledge(contentWith((r, s) => [r, s]));
    expect(Object.keys(knowledge.languages).sort()).toEqual(['en', 'fr']);
  });

  it('a language missing a reply, or with other step counts, is a readable start-up error', () => {
    const missing = contentWith((r, s) => [r.replace(/^handback:.*$/m, ''), s]);
    expect(() => loadKnowledge(missing)).toThrow(ConfigError);
    expect(() => loadKnowledge(missing)).toThrow(/replies: handback is missing/);
    const fewer = contentWith((r, s) => [r, s.replace(/^ {6}- "Prueba con otro navegador.*$/m, '')]);
    expect(() => loadKnowledge(fewer)).toThrow(/technical has 2 steps, the default 3/);
  });
});
