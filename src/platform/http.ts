// Request-level helpers shared by all routes: who is calling, the audit context, role checks, CSRF.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Role } from '../db/types.ts';
import { audit, type AuditContext } from './audit.ts';
import { AppError, forbidden, unauthorized, type ErrorCode } from './errors.ts';

export const SESSION_COOKIE = 'cc_session';

/** A signed-in console user as the request helpers see it (the auth domain's SessionUser has this shape). */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  departmentName: string | null;
  /** Signed in with a one-time password set by an administrator: only changing the password is allowed. */
  mustChangePassword: boolean;
}

/** A department system whose signed request was verified. */
export interface ApiCaller {
  appKey: string;
  keyId: number;
  departmentId: number;
  departmentName: string;
  /**
   * Set on routes whose config says `signedNonceInHandler`: the verified request's nonce, not yet recorded, which
   * the handler must record in its own statement (the auth domain's pendingNonceOf); opaque here.
   */
  pendingNonce?: { readonly appKey: string };
}

/** What resolving a session cookie gives: the user and its CSRF token, or why it was refused. */
export type SessionResolution = { ok: true; user: SessionUser; csrfToken: string } | { ok: false; reason: string };

/**
 * How requests are authenticated. The platform only defines the shape: the auth domain implements it and the
 * shell hands it to buildApp (src/shell/auth.ts), so that platform never imports a domain. `SignedHeaders` is
 * opaque here: what the header check found, passed back to the body check.
 */
export interface Authenticator {
  resolveSession(db: Db, token: string): Promise<SessionResolution>;
  checkSignedHeaders(ctx: AppContext, req: { headers: FastifyRequest['headers']; url: string }, audit: AuditContext): Promise<SignedHeaders>;
  checkSignedBody(ctx: AppContext, signed: SignedHeaders, req: { method: string; url: string; rawBody: string }, audit: AuditContext, opts?: { deferNonce?: boolean }): Promise<ApiCaller>;
}

/** A department system's checked signature headers; opaque to the platform (see Authenticator). */
export type SignedHeaders = { readonly appKey: string };

/** Services the routes reach through the Fastify instance (app.ctx). */
export interface AppContext {
  config: Config & { secret: string };
  db: Db;
  pool: import('pg').Pool;
  migrationVersion: () => Promise<string | null>;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
    /** Set by buildApp from the shell's wiring (src/shell/auth.ts). */
    authenticator: Authenticator;
  }
  interface FastifyContextConfig {
    /** A signed route that records the request's nonce in its own statement (ApiCaller.pendingNonce). */
    signedNonceInHandler?: boolean;
  }
  interface FastifyRequest {
    rawBody?: string;
    sessionUser?: SessionUser;
    sessionCsrf?: string;
    apiCaller?: ApiCaller;
    signedHeaders?: SignedHeaders;
  }
}

/** The audit context of a request: actor, client address, request id. */
export function auditCtx(req: FastifyRequest): AuditContext {
  const u = req.sessionUser;
  const actor = u
    ? { userId: u.id, username: u.username, role: u.role, departmentId: u.departmentId }
    : req.apiCaller
      ? { appKey: req.apiCaller.appKey, departmentId: req.apiCaller.departmentId }
      : null;
  return { actor, ip: req.ip, requestId: String(req.id) };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the session cookie; rejects a tampered, expired or revoked session (audited) and a missing CSRF token.
 * A session opened with a one-time password may do nothing but change it (see requireSignedIn).
 */
export async function requireUser(req: FastifyRequest, roles?: Role[]): Promise<SessionUser> {
  const { db } = req.server.ctx;
  const user = await requireSignedIn(req);
  if (user.mustChangePassword) {
    await audit(db, auditCtx(req), { action: 'auth.session', target: req.url, outcome: 'denied', detail: { reason: 'password_change_required' } });
    throw forbidden('password_change_required', '请先修改密码：管理员设置的一次性密码须在登录后立即修改');
  }
  if (roles && !roles.includes(user.role)) {
    await audit(db, auditCtx(req), { action: 'auth.role', target: req.url, outcome: 'denied', detail: { role: user.role } });
    throw forbidden('role_forbidden', '当前角色无权执行此操作');
  }
  return user;
}

const SESSION_REFUSED: Record<string, [code: ErrorCode, message: string]> = {
  expired: ['session_expired', '登录已过期，请重新登录'],
  inactive: ['user_inactive', '账号已停用，登录已失效'],
  inactive_department: ['department_inactive', '所在部门已停用，登录已失效'],
};

/** Like requireUser, but also lets a session that must still change its password through (me, logout, password). */
export async function requireSignedIn(req: FastifyRequest): Promise<SessionUser> {
  const { db } = req.server.ctx;
  if (!req.sessionUser) {
    const raw = req.cookies[SESSION_COOKIE];
    if (!raw) throw unauthorized('unauthenticated', '请先登录');
    const unsigned = req.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) {
      await audit(db, auditCtx(req), { action: 'auth.session', outcome: 'denied', detail: { reason: 'tampered_cookie' } });
      throw unauthorized('session_invalid', '登录凭证无效，请重新登录');
    }
    const state = await req.server.authenticator.resolveSession(db, unsigned.value);
    if (!state.ok) {
      await audit(db, auditCtx(req), { action: 'auth.session', outcome: 'denied', detail: { reason: state.reason } });
      throw unauthorized(...(SESSION_REFUSED[state.reason] ?? ['session_invalid', '登录凭证无效，请重新登录']));
    }
    req.sessionUser = state.user;
    req.sessionCsrf = state.csrfToken;
  }
  // CSRF: state-changing console requests must echo the session's token in a header,
  // which a cross-site form or image cannot set.
  if (UNSAFE.has(req.method)) {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || sent !== req.sessionCsrf) {
      await audit(db, auditCtx(req), { action: 'auth.csrf', target: req.url, outcome: 'denied' });
      throw forbidden('csrf_invalid', '请求校验失败（CSRF），请刷新页面后重试');
    }
  }
  return req.sessionUser;
}

/** Department-system routes (/api/ext/…), matched on the route, not the raw URL, so no encoding slips past. */
export function isSignedRoute(req: FastifyRequest): boolean {
  return req.routeOptions.url?.startsWith('/api/ext/') ?? false;
}

/** Checks a department system's signature headers and key before its body is read (the onRequest half). */
export async function requireSignedHeaders(req: FastifyRequest): Promise<SignedHeaders> {
  if (req.signedHeaders) return req.signedHeaders;
  req.signedHeaders = await req.server.authenticator.checkSignedHeaders(req.server.ctx, { headers: req.headers, url: req.url }, auditCtx(req));
  return req.signedHeaders;
}

/** Verifies the HMAC signature of a department system's request (headers and key first, if not done yet). */
export async function requireApiCaller(req: FastifyRequest): Promise<ApiCaller> {
  if (req.apiCaller) return req.apiCaller;
  const signed = await requireSignedHeaders(req);
  const deferNonce = req.routeOptions.config?.signedNonceInHandler === true;
  req.apiCaller = await req.server.authenticator.checkSignedBody(req.server.ctx, signed, { method: req.method, url: req.url, rawBody: req.rawBody ?? '' }, auditCtx(req), { deferNonce });
  return req.apiCaller;
}

/** Sets the session cookie: httpOnly, SameSite=Strict, signed, Secure per COOKIE_SECURE. */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date): void {
  const mode = req.server.ctx.config.cookieSecure;
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    signed: true,
    secure: mode === 'always' || (mode === 'auto' && req.protocol === 'https'),
    expires: expiresAt,
  });
}

/** Parses a positive integer route/query parameter or throws a 400. */
export function intParam(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new AppError('invalid_parameter', `参数 ${name} 无效`, 400);
  return n;
}
