// The callback work API: the calls to make, the earliest window first, and their outcomes. A call nobody
// answered is rescheduled (and reminded of again when its new window opens); done and cancelled are final.
import type { Logger } from 'pino';
import { allowedWork, type WorkFacts, workMay } from '../engine/conversation.policy.ts';
import type { CallbackRow, CallbacksRepository } from '../storage/callbacks.repository.ts';
import type { Operator, OperatorDirectory } from './auth.operators.ts';
import { operatorOf } from './auth.routes.ts';
import { sendError } from './http.errors.ts';
import { type Route, route } from './route.table.ts';
import {
  type CallbackItem,
  callbackItem,
  callbackListResponse,
  callbackPatchBody,
  callbackQuery,
} from './tickets.schemas.ts';

const RETRY_AFTER_MS = 2 * 3600 * 1000;
const WINDOW_MS = 2 * 3600 * 1000;

export interface CallbackRoutesOptions {
  callbacks: CallbacksRepository;
  directory: OperatorDirectory;
  logger: Logger;
  now: () => Date;
}

const factsOf = (row: CallbackRow): WorkFacts => ({ label: 'this callback', assignedTo: row.assignedTo });
const actorOf = (me: Operator) => ({ operatorId: me.id, role: me.role });

/** The callback; with `me`, what that operator may do with it (the reminder to everyone has no `me`). */
export function callbackItemOf(row: CallbackRow, at: Date, me?: Operator): CallbackItem {
  return {
    id: row.id,
    sessionId: row.sessionId,
    status: row.status,
    phone: row.phone,
    telUrl: row.phone ? `tel:${row.phone.replace(/[^\d+]/g, '')}` : null,
    visitorName: row.visitorName,
    windowText: row.windowText,
    dueAt: row.dueAt.toISOString(),
    windowEndsAt: row.windowEndsAt.toISOString(),
    priority: row.priority,
    category: row.category,
    summary: row.summary,
    attempts: row.attempts,
    notes: row.notes,
    assignedTo: row.assignedTo,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    due: row.status === 'scheduled' && row.dueAt <= at,
    ...(me ? { allowed: allowedWork('callback', actorOf(me), factsOf(row)) } : {}),
  };
}

export function callbackRoutes(options: CallbackRoutesOptions): Route[] {
  const { callbacks, directory, logger, now } = options;
  const routes: Route[] = [];

  routes.push(
    route({
      method: 'get',
      path: '/api/v1/callbacks',
      summary: 'Callbacks to make, the earliest window first',
      tags: ['callbacks'],
      auth: 'operator',
      responses: { '200': { description: 'A page of callbacks', schema: callbackListResponse } },
      query: callbackQuery,
      handler: async ({ res, query }) => {
        const f = query;
        const me = operatorOf(res);
        const { rows, total } = await callbacks.list({
          status: f.status.length ? f.status : ['scheduled'],
          ...(f.from ? { from: new Date(f.from) } : {}),
          ...(f.to ? { to: new Date(f.to) } : {}),
          assignee: f.assignee === 'me' ? me.id : f.assignee === 'none' ? null : f.assignee,
          page: f.page,
          pageSize: f.pageSize,
        });
        const at = now();
        res.json({
          items: rows.map((r) => callbackItemOf(r, at, me)),
          page: f.page,
          pageSize: f.pageSize,
          total,
        });
      },
    }),
  );

  routes.push(
    route({
      method: 'patch',
      path: '/api/v1/callbacks/{id}',
      summary: 'Record the outcome of a call (done, no_answer → rescheduled, cancelled), notes, assignee',
      tags: ['callbacks'],
      auth: 'operator',
      responses: {
        '200': { description: 'The changed callback', schema: callbackItem },
        '403': { description: "An agent changing a colleague's callback" },
        '404': { description: 'No such callback' },
        '409': { description: 'Already done or cancelled, or changed meanwhile' },
      },
      body: callbackPatchBody,
      handler: async ({ req, res, body }) => {
        const id = String(req.params.id);
        const callback = /^[0-9a-f-]{36}$/i.test(id) ? await callbacks.get(id) : null;
        if (!callback) return sendError(res, 404, 'callback_not_found', 'No callback with this id.');
        const me = operatorOf(res);
        const b = body;
        const assignee = b.assignee === 'me' ? me.id : (b.assignee ?? null);
        for (const command of [
          { action: 'change' as const },
          ...(b.assignee !== undefined ? [{ action: 'assign' as const, agentId: assignee }] : []),
        ]) {
          const may = workMay('callback', actorOf(me), command, factsOf(callback));
          if (!may.allowed) return sendError(res, 403, may.code, may.message);
        }
        if (callback.status !== 'scheduled')
          return sendError(res, 409, 'callback_final', `This callback is already ${callback.status}.`);
        const at = now();
        const set: Parameters<CallbacksRepository['update']>[2] = {};
        if (b.assignee !== undefined) {
          if (assignee !== null && assignee !== me.id && !(await directory.get(assignee)))
            return sendError(
              res,
              400,
              'unknown_agent',
              `assignee: no active operator has the id ${assignee}.`,
            );
          set.assignedTo = assignee;
        }
        if (b.notes !== undefined) set.notes = b.notes;
        if (b.outcome === 'done' || b.outcome === 'cancelled') {
          set.status = b.outcome;
          set.completedAt = at;
          set.assignedTo = set.assignedTo ?? callback.assignedTo ?? me.id;
          set.attempts = callback.attempts + (b.outcome === 'done' ? 1 : 0);
        } else if (b.outcome === 'no_answer') {
          const retryAt = b.retryAt ? new Date(b.retryAt) : new Date(at.getTime() + RETRY_AFTER_MS);
          if (retryAt <= at)
            return sendError(res, 400, 'invalid_request', 'retryAt: the next try must be in the future');
          set.attempts = callback.attempts + 1;
          set.dueAt = retryAt;
          set.windowEndsAt = new Date(retryAt.getTime() + WINDOW_MS);
          set.remindedAt = null;
        }
        const updated = await callbacks.update(
          callback.id,
          { status: callback.status, updatedAt: callback.updatedAt },
          set,
        );
        if (!updated)
          return sendError(
            res,
            409,
            'changed_meanwhile',
            'This callback was changed by someone else a moment ago; reload it and try again.',
          );
        logger.info({ callback: callback.id, by: me.id, outcome: b.outcome ?? null }, 'callback changed');
        res.json(callbackItemOf(updated, at, me));
      },
    }),
  );

  return routes;
}
