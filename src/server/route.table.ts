// One table entry per HTTP route: the same entry registers the Express route (its guard, the validation of
// params, query and body, the handler) and becomes an operation of /api/v1/openapi.json, so the document
// describes exactly what is served and the auth it documents is the auth that is enforced.
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import type { z } from 'zod';
import { bearerToken } from './bearer.token.ts';
import { sendError, sendOutcome, sendValidationError } from './http.errors.ts';

/**
 * Who may call a route. `session`: a widget session token (the route checks it belongs to the session);
 * `operator` / `admin`: an operator token (admins only for `admin`); `service`: the X-Service-Token of the
 * service API; `signature`: a vendor's signature over the raw body, checked by the handler; `metrics`: the
 * optional METRICS_TOKEN.
 */
export type RouteAuth = 'none' | 'session' | 'operator' | 'admin' | 'service' | 'signature' | 'metrics';

export type HttpMethod = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteResponse {
  description: string;
  /** JSON body schema; with `contentType`, the schema of that content type. */
  schema?: z.ZodType;
  /** Defaults to application/json when there is a schema; set for streams, scripts, SVG, text. */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteContext<B, Q, P> {
  req: Request;
  res: Response;
  body: B;
  query: Q;
  params: P;
}

/** What an entry says about its route: everything but the handler, which is what the document reads. */
interface RouteFields<B, Q, P> {
  method: HttpMethod;
  /** The full path in OpenAPI form (`/api/v1/sessions/{id}`); Express gets `:id`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: RouteAuth;
  /** The header carrying the vendor signature, for `auth: 'signature'` (documented as an API key). */
  signatureHeader?: string;
  /** The JSON body, validated before the handler (400 naming the field). */
  body?: B;
  /** A missing body is read as `{}` (the schema decides whether that is enough). */
  bodyOptional?: boolean;
  /** The body is read as bytes (a signature covers them); the handler gets them as `req.body`. */
  rawBody?: { contentType: string; limit: string; description: string; schema?: z.ZodType };
  /** Query parameters: an object schema (a transform after it is fine), validated before the handler. */
  query?: Q;
  /** Path parameters, validated before the handler. */
  params?: P;
  /** Documented answers; 400/401/403/404 are added from the entry when it implies them. */
  responses: Record<string, RouteResponse>;
}

/** B, Q, P: what the body, query and params schemas parse to (what the handler gets). */
export interface RouteSpec<B = undefined, Q = undefined, P = undefined>
  extends RouteFields<z.ZodType<B>, z.ZodType<Q>, z.ZodType<P>> {
  /** Invalid path parameters answer this 404 instead of a 400: an id that cannot exist is unknown. */
  notFound?: { code: string; message: string };
  handler: (ctx: RouteContext<B, Q, P>) => unknown;
}

/** What the OpenAPI generator reads of an entry (the handler and its types are the router's business). */
export type RouteDoc = RouteFields<z.ZodType, z.ZodType, z.ZodType>;

/** Guards for the auth kinds that need the runtime (operator directory, service secret). */
export type RouteGuards = Partial<Record<RouteAuth, RequestHandler[]>>;

export interface Route {
  doc: RouteDoc;
  register(router: Router, guards: RouteGuards): void;
}

export const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** Only the token's presence: whether it belongs to the session is the engine's (or the route's) check. */
const requireSessionToken: RequestHandler = (req, res, next) => {
  if (!bearerToken(req)) return sendOutcome(res, { outcome: 'unauthorized' });
  next();
};

/** Guards every table has: `none`, the presence of a session token, and checks the handler makes itself. */
const BUILT_IN_GUARDS: RouteGuards = {
  none: [],
  session: [requireSessionToken],
  signature: [],
  // The token is optional (loopback without it): the metrics route checks it itself.
  metrics: [],
};

function implied(spec: RouteDoc, paramsNotFound: boolean): Record<string, RouteResponse> {
  const error = (description: string): RouteResponse => ({ description });
  return {
    ...(spec.body || spec.query || (spec.params && !paramsNotFound)
      ? { '400': error('Malformed request: the message says which field and why') }
      : {}),
    ...(spec.auth === 'session' ? { '401': error('Missing or wrong session token') } : {}),
    ...(spec.auth === 'operator' || spec.auth === 'admin'
      ? { '401': error('Missing, wrong or expired operator token') }
      : {}),
    ...(spec.auth === 'admin' ? { '403': error('Logged in, but not an admin') } : {}),
    ...(spec.auth === 'service' ? { '401': error('Missing or wrong X-Service-Token') } : {}),
    ...(spec.auth === 'signature' ? { '401': error('Missing or wrong signature') } : {}),
  };
}

export function route<B = undefined, Q = undefined, P = undefined>(spec: RouteSpec<B, Q, P>): Route {
  const { handler, notFound, ...rest } = spec;
  const doc: RouteDoc = { ...rest, responses: { ...implied(rest, Boolean(notFound)), ...spec.responses } };
  if (notFound && !doc.responses['404']) doc.responses['404'] = { description: notFound.message };
  return {
    doc,
    register(router, guards) {
      const guard = guards[spec.auth] ?? BUILT_IN_GUARDS[spec.auth];
      if (!guard)
        throw new Error(
          `route ${spec.method.toUpperCase()} ${spec.path} needs auth "${spec.auth}", but no guard for it was given`,
        );
      const before: RequestHandler[] = spec.rawBody
        ? [express.raw({ type: () => true, limit: spec.rawBody.limit })]
        : [];
      router[spec.method](expressPath(spec.path), ...before, ...guard, async (req, res, next) => {
        try {
          const params = spec.params ? spec.params.safeParse(req.params) : null;
          if (params && !params.success)
            return notFound
              ? sendError(res, 404, notFound.code, notFound.message)
              : sendValidationError(res, params.error);
          const query = spec.query ? spec.query.safeParse(req.query) : null;
          if (query && !query.success) return sendValidationError(res, query.error);
          const input = req.body === undefined && spec.bodyOptional ? {} : req.body;
          const body = spec.body ? spec.body.safeParse(input) : null;
          if (body && !body.success) return sendValidationError(res, body.error);
          await handler({
            req,
            res,
            // Without a schema the type parameter is its default, undefined, and so is the value.
            body: body?.data as B,
            query: query?.data as Q,
            params: params?.data as P,
          });
        } catch (error) {
          next(error);
        }
      });
    },
  };
}

/** An Express router serving the given routes (full paths: mount it at the root). */
export function routeRouter(routes: Route[], guards: RouteGuards = {}): Router {
  const router = Router();
  for (const r of routes) r.register(router, guards);
  return router;
}
