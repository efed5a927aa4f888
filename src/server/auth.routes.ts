// Operator authentication: login (throttled), logout, who am I; admins create agents. Bearer tokens only,
// no cookies, so there is no ambient credential a forged cross-site request could ride on (no CSRF).
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Operator, OperatorDirectory } from './auth.operators.ts';
import {
  clearThrottleBody,
  loginBody,
  loginResponse,
  newOperatorBody,
  operatorBody,
  operatorListResponse,
} from './auth.schemas.ts';
import type { LoginThrottle } from './auth.throttle.ts';
import { bearerToken } from './bearer.token.ts';
import { createConcurrencyGate, GATE_FULL } from './hash.gate.ts';
import { sendError } from './http.errors.ts';
import { type Route, route } from './route.table.ts';

/** The authenticated operator of this request (set by `requireOperator`). */
export function operatorOf(res: Response): Operator {
  const operator: unknown = res.locals.operator;
  if (!operator) throw new Error('requireOperator did not run before this handler');
  return operator as Operator;
}

export function requireOperator(directory: OperatorDirectory) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    const operator = token ? await directory.authenticate(token) : null;
    if (!operator)
      return sendError(
        res,
        401,
        'invalid_operator_token',
        'Log in first: send the token from POST /api/v1/auth/login as "Authorization: Bearer <token>". It may have expired.',
      );
    res.locals.operator = operator;
    next();
  };
}

export function requireAdmin(req: Request, res: Response, next: NextFunction) {
  void req;
  if (operatorOf(res).role !== 'admin')
    return sendError(res, 403, 'admin_only', 'Only an admin can do this.');
  next();
}

export function authRoutes(options: {
  directory: OperatorDirectory;
  throttle: LoginThrottle;
  logger: Logger;
}): Route[] {
  const { directory, throttle, logger } = options;
  const hashing = createConcurrencyGate({ concurrency: 2, maxWaiting: 32 });
  const tags = ['auth'];
  const oneOperator = z.object({ operator: operatorBody });

  return [
    route({
      method: 'post',
      path: '/api/v1/auth/login',
      summary: 'Log in as an operator; answers a bearer token',
      tags,
      auth: 'none',
      body: loginBody,
      responses: {
        '200': { description: 'Logged in', schema: loginResponse },
        '401': { description: 'Wrong e-mail or password' },
        '429': {
          description: 'Too many failed logins for this e-mail from this address',
          headers: { 'Retry-After': 'seconds until the next attempt is allowed' },
        },
        '503': { description: 'Too many logins being checked at once: retry in a second' },
      },
      handler: async ({ req, res, body }) => {
        const ip = req.ip ?? 'unknown';
        const verdict = await throttle.attempt(body.email, ip);
        if (!verdict.allowed) {
          res.set('Retry-After', String(verdict.retryAfterSeconds));
          return sendError(
            res,
            429,
            'too_many_login_attempts',
            `Too many failed logins. Try again in ${Math.ceil(verdict.retryAfterSeconds / 60)} minute(s), or ask an admin to clear the block.`,
            { retryAfterSeconds: verdict.retryAfterSeconds },
          );
        }
        const operator = await hashing.run(() => directory.checkPassword(body.email, body.password));
        if (operator === GATE_FULL) {
          res.set('Retry-After', '1');
          return sendError(res, 503, 'busy', 'Too many logins at once. Retry in a second.');
        }
        if (!operator) {
          logger.info({ ip }, 'operator login failed');
          return sendError(res, 401, 'invalid_credentials', 'Wrong e-mail or password.');
        }
        await throttle.recordSuccess(body.email, ip);
        const issued = await directory.issueToken(operator.id);
        logger.info({ operatorId: operator.id, role: operator.role }, 'operator logged in');
        res.json({ ...issued, operator });
      },
    }),
    // An address behind which many people sit (an office NAT) can be locked out by one of them: an admin
    // clears it (and one account's window at it, with the e-mail).
    route({
      method: 'post',
      path: '/api/v1/auth/throttle/clear',
      summary: "Clear the login block of an address (and one account's window at it, with the e-mail)",
      tags,
      auth: 'admin',
      body: clearThrottleBody,
      responses: { '204': { description: 'Cleared' } },
      handler: async ({ res, body }) => {
        await throttle.clear(body);
        logger.info({ ip: body.ip, by: operatorOf(res).id }, 'login throttle cleared');
        res.status(204).end();
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      summary: 'Revoke the bearer token',
      tags,
      auth: 'operator',
      responses: { '204': { description: 'Logged out' } },
      handler: async ({ req, res }) => {
        const token = bearerToken(req);
        if (token) await directory.revoke(token);
        res.status(204).end();
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/auth/me',
      summary: 'The operator this token belongs to',
      tags,
      auth: 'operator',
      responses: { '200': { description: 'The operator', schema: oneOperator } },
      handler: ({ res }) => {
        res.json({ operator: operatorOf(res) });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/operators',
      summary: 'List operators (for assignment and names); e-mail addresses for admins only',
      tags: ['operator'],
      auth: 'operator',
      responses: { '200': { description: 'Operators', schema: operatorListResponse } },
      // Agents need colleagues' names (who holds a chat, whom to hand it to), never their login e-mails.
      handler: async ({ res }) => {
        const operators = await directory.list();
        res.json({
          operators:
            operatorOf(res).role === 'admin'
              ? operators
              : operators.map(({ id, displayName, role }) => ({ id, displayName, role })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/operators',
      summary: 'Create an agent or admin',
      tags: ['operator'],
      auth: 'admin',
      body: newOperatorBody,
      responses: {
        '201': { description: 'Created', schema: oneOperator },
        '409': { description: 'The e-mail is taken' },
      },
      handler: async ({ res, body }) => {
        const created = await directory.create(body);
        if (created.outcome === 'email_taken')
          return sendError(
            res,
            409,
            'email_taken',
            `An operator with the e-mail ${body.email} already exists.`,
          );
        logger.info(
          { operatorId: created.operator.id, role: created.operator.role, by: operatorOf(res).id },
          'operator created',
        );
        res.status(201).json({ operator: created.operator });
      },
    }),
  ];
}

/** The guards of the operator auth kinds, for the route tables. */
export function operatorGuards(directory: OperatorDirectory) {
  const operator = requireOperator(directory);
  return { operator: [operator], admin: [operator, requireAdmin] };
}
