// Canned replies: admins manage them, every operator lists them (the console inserts one with `/shortcut`).
import type { Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CannedReplies, Saved } from '../storage/canned-replies.repository.ts';
import { operatorOf } from './auth.routes.ts';
import { sendError } from './http.errors.ts';
import { type Route, route } from './route.table.ts';

export const PLACEHOLDERS = ['{visitor_name}', '{agent_name}'] as const;

export function cannedReplyBody(maxChars: number) {
  return z
    .object({
      shortcut: z
        .string({ error: 'shortcut is required: the word typed after /, like refund' })
        .trim()
        .toLowerCase()
        .transform((v) => v.replace(/^\//, ''))
        .pipe(
          z
            .string()
            .regex(
              /^[a-z0-9][a-z0-9-]{0,39}$/,
              'shortcut: up to 40 letters, digits and dashes, starting with a letter or digit (like refund or late-delivery)',
            ),
        ),
      title: z.string({ error: 'title is required' }).trim().min(1, 'title must not be empty').max(100),
      body: z
        .string({ error: 'body is required: the text inserted' })
        .trim()
        .min(1, 'body must not be empty')
        .max(maxChars, `body is at most ${maxChars} characters`),
    })
    .strict();
}

export const cannedReply = z.object({
  id: z.string(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string().describe(`the text; ${PLACEHOLDERS.join(' and ')} are filled when it is inserted`),
  updatedAt: z.string(),
});

const replyPath = {
  params: z.object({ id: z.string().uuid() }),
  notFound: { code: 'canned_reply_not_found', message: 'No canned reply with this id.' },
};

export function cannedReplyRoutes(options: {
  replies: CannedReplies;
  logger: Logger;
  maxMessageChars: number;
}): Route[] {
  const { replies, logger } = options;
  const body = cannedReplyBody(options.maxMessageChars);
  const tags = ['operator'];
  const one = z.object({ reply: cannedReply });
  const taken = { '409': { description: 'Another canned reply has this shortcut' } };

  const answer = (res: Response, saved: Saved, status: number) => {
    if (saved.outcome === 'saved') return void res.status(status).json({ reply: saved.reply });
    if (saved.outcome === 'not_found')
      return sendError(res, 404, replyPath.notFound.code, replyPath.notFound.message);
    sendError(
      res,
      409,
      'shortcut_taken',
      'Another canned reply already has this shortcut: pick another word.',
    );
  };

  return [
    route({
      method: 'get',
      path: '/api/v1/canned-replies',
      summary: 'The canned replies, by shortcut',
      tags,
      auth: 'operator',
      responses: { '200': { description: 'Replies', schema: z.object({ replies: z.array(cannedReply) }) } },
      handler: async ({ res }) => {
        res.json({ replies: await replies.list() });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/canned-replies',
      summary: 'Create a canned reply (admins only)',
      tags,
      auth: 'admin',
      body,
      responses: { '201': { description: 'Created', schema: one }, ...taken },
      handler: async ({ res, body: input }) => {
        const saved = await replies.create(input, operatorOf(res).id);
        if (saved.outcome === 'saved')
          logger.info({ shortcut: saved.reply.shortcut, by: operatorOf(res).id }, 'canned reply created');
        answer(res, saved, 201);
      },
    }),
    route({
      method: 'put',
      path: '/api/v1/canned-replies/{id}',
      summary: 'Replace a canned reply (admins only)',
      tags,
      auth: 'admin',
      body,
      ...replyPath,
      responses: { '200': { description: 'Saved', schema: one }, ...taken },
      handler: async ({ res, body: input, params }) => {
        answer(res, await replies.update(params.id, input, operatorOf(res).id), 200);
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/canned-replies/{id}',
      summary: 'Delete a canned reply (admins only)',
      tags,
      auth: 'admin',
      ...replyPath,
      responses: { '204': { description: 'Deleted' } },
      handler: async ({ res, params }) => {
        if (!(await replies.remove(params.id)))
          return sendError(res, 404, replyPath.notFound.code, replyPath.notFound.message);
        res.status(204).end();
      },
    }),
  ];
}
