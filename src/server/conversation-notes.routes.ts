// Internal notes on a conversation and transfers to another agent with a note. A note goes to the records
// and to the operators' live channel only: never into the transcript, the visitor's stream (a session's
// channel), a channel delivery or a desk. A transfer is the engine's command (traced, with its note, and
// decided by the one policy); its note is then kept beside the other notes, for the agent who receives it.
import type { Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Engine } from '../engine/engine.ts';
import { OPERATORS_CHANNEL, type Realtime } from '../engine/realtime.port.ts';
import type { ConversationNote, ConversationNotes } from '../storage/conversation-notes.repository.ts';
import type { OperatorDirectory } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import { sendError, sendOutcome } from './http.errors.ts';
import { clientMessageId } from './operator.schemas.ts';
import { type Route, route } from './route.table.ts';
import { sessionIdParam, turnResponseBody } from './widget.schemas.ts';

const NOTE_CHARS = 4000;
const noteText = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(NOTE_CHARS, `${what} is at most ${NOTE_CHARS} characters`);

export const noteBody = z.object({ text: noteText('text') }).strict();
export const transferBody = z
  .object({
    agentId: z.string({ error: 'agentId is required: the operator who takes over' }).min(1).max(64),
    note: noteText('note'),
    clientMessageId,
  })
  .strict();

export const noteItem = z.object({
  id: z.string(),
  conversationId: z.string(),
  authorId: z.string(),
  kind: z.enum(['note', 'transfer']),
  text: z.string(),
  toAgentId: z.string().nullable(),
  at: z.string(),
});

const conversationPath = {
  params: z.object({ id: sessionIdParam }),
  notFound: { code: 'conversation_not_found', message: 'No conversation with this id.' },
};

export function conversationNoteRoutes(options: {
  engine: Pick<Engine, 'view' | 'handle'>;
  notes: ConversationNotes;
  directory: Pick<OperatorDirectory, 'get'>;
  realtime: Realtime;
  logger: Logger;
}): Route[] {
  const { engine, notes, directory, realtime, logger } = options;
  const tags = ['operator'];
  const notFound = (res: Response) =>
    sendError(res, 404, conversationPath.notFound.code, conversationPath.notFound.message);
  const exists = async (id: string) => (await engine.view(id, null)).outcome === 'ok';

  async function announce(note: ConversationNote) {
    await realtime
      .publish(OPERATORS_CHANNEL, { sessionId: note.conversationId, seq: 0, kind: 'note', payload: note })
      .catch((error: unknown) => logger.warn({ err: error }, 'note not announced live'));
  }

  return [
    route({
      method: 'get',
      path: '/api/v1/conversations/{id}/notes',
      summary: "A conversation's internal notes (operators only; the visitor never sees them)",
      tags,
      auth: 'operator',
      ...conversationPath,
      responses: {
        '200': { description: 'Notes, oldest first', schema: z.object({ notes: z.array(noteItem) }) },
      },
      handler: async ({ res, params }) => {
        if (!(await exists(params.id))) return notFound(res);
        res.json({ notes: await notes.of(params.id) });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/conversations/{id}/notes',
      summary: 'Add an internal note: shown to operators, never to the visitor, a channel or a desk',
      tags,
      auth: 'operator',
      body: noteBody,
      ...conversationPath,
      responses: { '201': { description: 'Added', schema: z.object({ note: noteItem }) } },
      handler: async ({ res, params, body }) => {
        if (!(await exists(params.id))) return notFound(res);
        const note = await notes.add({
          conversationId: params.id,
          authorId: operatorOf(res).id,
          text: body.text,
        });
        logger.info({ sessionId: params.id, noteId: note.id, by: note.authorId }, 'internal note added');
        await announce(note);
        res.status(201).json({ note });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/conversations/{id}/transfer',
      summary: 'Transfer an assigned live chat to another agent with a note (the holder or an admin)',
      tags,
      auth: 'operator',
      body: transferBody,
      ...conversationPath,
      responses: {
        '200': { description: 'The committed turn', schema: turnResponseBody },
        '403': { description: 'Neither the holder nor an admin' },
        '409': { description: 'Nobody holds the conversation, or it is already with that agent' },
      },
      handler: async ({ res, params, body }) => {
        const me = operatorOf(res);
        const to = await directory.get(body.agentId);
        if (!to)
          return sendError(
            res,
            400,
            'unknown_agent',
            `agentId: no active operator has the id ${body.agentId}.`,
          );
        const result = await engine.handle(params.id, {
          kind: 'operator',
          operatorId: me.id,
          role: me.role,
          ...(body.clientMessageId ? { clientMessageId: body.clientMessageId } : {}),
          command: { action: 'transfer', agentId: to.id, note: body.note },
        });
        if (result.outcome === 'not_found') return notFound(res);
        if (result.outcome === 'ok') {
          const note = await notes.add({
            conversationId: params.id,
            authorId: me.id,
            kind: 'transfer',
            text: body.note,
            toAgentId: to.id,
          });
          logger.info({ sessionId: params.id, from: me.id, to: to.id }, 'conversation transferred');
          await announce(note);
        }
        sendOutcome(res, result);
      },
    }),
  ];
}
