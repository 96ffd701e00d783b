// buildApp(ctx) → a Fastify instance with every plugin and route; tests use app.inject, the server listens.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { sql } from 'kysely';
import type { TrustProxy } from './config.ts';
import authRoutes from './domains/auth/auth.routes.ts';
import authoritiesRoutes from './domains/auth/authorities.routes.ts';
import { AppError, isPgError, PG } from './platform/errors.ts';
import { ERRORS, type ErrorCode } from './platform/errorCodes.ts';
import { isSignedRoute, requireApiCaller, requireSignedHeaders, type AppContext } from './platform/http.ts';
import { domainRoutes } from './routes.ts';
import { authenticator } from './shell/auth.ts';
import { JOBS } from './shell/jobs.ts';
import { TODO_PROVIDERS } from './shell/todos.ts';
import { AUDIT_TARGET_NAMERS } from './shell/auditTargets.ts';
import type { TodoProvider } from './platform/todos.ts';
import { JobRunner, type JobDefinition, type RunnerOptions } from './platform/jobs.ts';
import siteRoutes from './platform/site.routes.ts';
import { startSyncOnCommit, type SyncWake } from './domains/lists/index.ts';
import type { StartupGate } from './shell/startupGate.ts';

export const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = join(ROOT_DIR, 'dist', 'web');

export interface BuildOptions {
  /** pino logger options or false (tests); browser tests pass a stream to keep warnings for failure messages. */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  /** Serve the built front end from dist/web when present (default true). */
  serveWeb?: boolean;
  /** Run the periodic jobs on their schedule (the server; default false, so tests see no sweep they did not start). */
  schedules?: boolean;
  /** The jobs to register (default: every domain's, src/shell/jobs.ts) and runner settings (tests). */
  jobs?: { definitions?: readonly JobDefinition[] } & RunnerOptions;
  /** The desk's to-do providers (default: every domain's, src/shell/todos.ts); tests pass their own. */
  todos?: readonly TodoProvider[];
  /**
   * First start (server.ts): until the gate opens, every request gets the loading page or a 503, and the jobs (with
   * the periodic ones) and the lists wake start only when it opens, never against a half-loaded demo city.
   */
  gate?: StartupGate;
}

/**
 * TRUST_PROXY as Fastify takes it. Fastify now ignores a bare hop count (it trusts nothing for a number), so
 * n hops become proxy-addr's own rule: the n addresses nearest to the server are proxies, the next is the client.
 */
export function fastifyTrustProxy(tp: TrustProxy): false | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof tp === 'number') return (_addr, hop) => hop < tp;
  return tp;
}

/** Builds the HTTP application around an open database and validated config. */
export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? { level: ctx.config.logLevel },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: fastifyTrustProxy(ctx.config.trustProxy),
    bodyLimit: 20 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('ctx', ctx);
  // The platform's request helpers authenticate through this (platform/http.ts Authenticator).
  app.decorate('authenticator', authenticator);
  // The 工作台 desk (platform/desk.routes.ts) asks these providers, listed by the shell.
  app.decorate('todoProviders', opts.todos ?? TODO_PROVIDERS);
  // The audit log names its targets through these (platform/auditTargets.ts), listed by the shell.
  app.decorate('auditTargetNamers', AUDIT_TARGET_NAMERS);
  // One job runner per app: services (the search indexer) and the job queue (background imports) run while
  // the app is up; a clean close waits for the imports it is running.
  const jobs = new JobRunner(ctx, opts.jobs?.definitions ?? JOBS, { log: (msg, err) => (err ? app.log.error({ err }, msg) : app.log.info(msg)), ...opts.jobs });
  app.decorate('jobs', jobs);
  // Behind a start-up gate, what onReady starts waits for the gate to open (and not at all once the app closes).
  let closing = false;
  app.addHook('preClose', async () => void (closing = true));
  const whenOpen = (start: () => void) => (opts.gate ? void opts.gate.opened.then(() => closing || start()) : start());
  app.addHook('onReady', async () => whenOpen(() => jobs.start({ schedules: opts.schedules ?? false })));
  app.addHook('onClose', async () => jobs.stop());
  // Collected list entries are registered as their batch commits (lists/sync.wake.ts, woken by ingest's NOTIFY); the
  // lists.sync job stays the safety net. Only where schedules run (the server): test apps run the hand-over themselves.
  let listsWake: SyncWake | null = null;
  app.addHook('onReady', async () => whenOpen(() => {
    if (opts.schedules) listsWake = startSyncOnCommit(ctx.db, ctx.pool, { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m) });
  }));
  app.addHook('onClose', async () => listsWake?.stop());

  // Keep the raw JSON body: signed department-system requests hash it.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new AppError('invalid_json', '请求体不是合法的 JSON', 400), undefined);
    }
  });

  // Callback style: an async hook costs a promise per response on every route.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', String(req.id));
    done(null, payload);
  });

  // Security headers (helmet). @fastify/helmet builds a new helmet middleware, parsing the CSP directives, on
  // every request (a tenth of the CPU of a public subject page); the middleware is built once here instead and
  // applied to every response, with the same options and so the same headers.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"], // Element Plus sets inline styles
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: false, // set by the TLS-terminating proxy in production
  });
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (e) => done(e as Error | undefined)));
  // The first start's loading page and 503s (shell/startupGate.ts), before any route or database work.
  if (opts.gate) app.addHook('onRequest', opts.gate.onRequest);
  // Department systems (/api/ext/): the signature headers, the timestamp window and the key are checked before
  // the body is read (up to 20 MB), and the HMAC over the body before the body is validated; a refusal is a
  // 401 with an audit entry. Handlers call requireApiCaller too and get the cached caller.
  app.addHook('onRequest', (req, _reply, done) => {
    if (!isSignedRoute(req)) return done();
    requireSignedHeaders(req).then(() => done(), done);
  });
  app.addHook('preValidation', (req, _reply, done) => {
    if (!isSignedRoute(req)) return done();
    requireApiCaller(req).then(() => done(), done);
  });
  await app.register(fastifyCookie, { secret: ctx.config.secret });
  await app.register(fastifyRateLimit, { global: false });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: `${ctx.config.siteTitle} 城市信用平台 API`, version: '0.1.0', description: 'CityCredit 城市信用平台接口文档' },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });

  // One error handler with stable codes; a 5xx never leaks internals.
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    // Every answer's code, status and default message come from the one error table (platform/errorCodes.ts).
    const fail = (code: ErrorCode, opts: { status?: number; message?: string; details?: unknown } = {}) =>
      reply.status(opts.status ?? ERRORS[code].status).send({ error: { code, message: opts.message ?? ERRORS[code].message, details: opts.details } });
    if (err instanceof AppError) return fail(err.code, { status: err.status, message: err.message, details: err.details });
    const fe = err as FastifyError;
    if (fe.validation) {
      return fail('validation_failed', {
        details: fe.validation.map((v) => ({ path: v.instancePath || (v.params as { missingProperty?: string })?.missingProperty, rule: v.keyword })),
      });
    }
    if (fe.statusCode === 429) return fail('rate_limited');
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) return fail('payload_too_large');
    // Other 4xx from Fastify (malformed JSON, unsupported media type …) keep their status under one code.
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return fail('bad_request', { status: fe.statusCode });
    if (isPgError(err, PG.uniqueViolation)) return fail('conflict');
    req.log.error({ err }, 'unhandled error');
    return fail('internal_error', { message: `${ERRORS.internal_error.message}（请求编号 ${req.id}）` });
  });

  app.get(
    '/health',
    {
      schema: {
        tags: ['系统'],
        summary: '健康检查',
        response: {
          200: Type.Object({ status: Type.String(), database: Type.Object({ connected: Type.Boolean(), migration: Type.Union([Type.String(), Type.Null()]) }) }),
          503: Type.Object({ status: Type.String(), database: Type.Object({ connected: Type.Boolean(), migration: Type.Union([Type.String(), Type.Null()]) }) }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await sql`SELECT 1`.execute(ctx.db);
        return { status: 'ok', database: { connected: true, migration: await ctx.migrationVersion() } };
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: { connected: false, migration: null } });
      }
    },
  );

  await app.register(authRoutes);
  await app.register(authoritiesRoutes);
  await app.register(siteRoutes);
  for (const plugin of domainRoutes) await app.register(plugin);

  const serveWeb = opts.serveWeb ?? true;
  if (serveWeb && existsSync(join(WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: false });
  }
  // SPA fallback: browser routes get index.html; unknown API paths get a JSON 404.
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    if (serveWeb && req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/docs') && existsSync(join(WEB_DIST, 'index.html'))) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'not_found', message: '未找到请求的资源' } });
  });

  return app;
}
