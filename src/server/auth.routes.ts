// Operator authentication: login (throttled), logout, who am I; admins create agents. Bearer tokens only,
// no cookies, so there is no ambient credential a forged cross-site request could ride on (no CSRF).
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import type { Operator, OperatorDirectory } from './auth.operators.ts';
import { clearThrottleBody, loginBody, newOperatorBody } from './auth.schemas.ts';
import type { LoginThrottle } from './auth.throttle.ts';
import { bearerToken } from './bearer.token.ts';
import { createConcurrencyGate, GATE_FULL } from './hash.gate.ts';
import { sendError, sendValidationError } from './http.errors.ts';

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
}) {
  const { directory, throttle, logger } = options;
  const router = Router();
  const auth = requireOperator(directory);
  const hashing = createConcurrencyGate({ concurrency: 2, maxWaiting: 32 });

  router.post('/auth/login', async (req, res) => {
    const body = loginBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    const ip = req.ip ?? 'unknown';
    const verdict = await throttle.attempt(body.data.email, ip);
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
    const operator = await hashing.run(() => directory.checkPassword(body.data.email, body.data.password));
    if (operator === GATE_FULL) {
      res.set('Retry-After', '1');
      return sendError(res, 503, 'busy', 'Too many logins at once. Retry in a second.');
    }
    if (!operator) {
      logger.info({ ip }, 'operator login failed');
      return sendError(res, 401, 'invalid_credentials', 'Wrong e-mail or password.');
    }
    await throttle.recordSuccess(body.data.email, ip);
    const issued = await directory.issueToken(operator.id);
    logger.info({ operatorId: operator.id, role: operator.role }, 'operator logged in');
    res.json({ ...issued, operator });
  });

  // An address behind which many people sit (an office NAT) can be locked out by one of them: an admin
  // clears it (and one account's window at it, with the e-mail).
  router.post('/auth/throttle/clear', auth, requireAdmin, async (req, res) => {
    const body = clearThrottleBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    await throttle.clear(body.data);
    logger.info({ ip: body.data.ip, by: operatorOf(res).id }, 'login throttle cleared');
    res.status(204).end();
  });

  router.post('/auth/logout', auth, async (req, res) => {
    const token = bearerToken(req);
    if (token) await directory.revoke(token);
    res.status(204).end();
  });

  router.get('/auth/me', auth, (_req, res) => {
    res.json({ operator: operatorOf(res) });
  });

  router.get('/operators', auth, async (_req, res) => {
    res.json({ operators: await directory.list() });
  });

  router.post('/operators', auth, requireAdmin, async (req, res) => {
    const body = newOperatorBody.safeParse(req.body);
    if (!body.success) return sendValidationError(res, body.error);
    const created = await directory.create(body.data);
    if (created.outcome === 'email_taken')
      return sendError(
        res,
        409,
        'email_taken',
        `An operator with the e-mail ${body.data.email} already exists.`,
      );
    logger.info(
      { operatorId: created.operator.id, role: created.operator.role, by: operatorOf(res).id },
      'operator created',
    );
    res.status(201).json({ operator: created.operator });
  });

  return router;
}
