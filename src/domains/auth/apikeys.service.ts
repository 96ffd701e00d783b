// API keys for department systems: appKey + timestamp + nonce + HMAC-SHA256 sign.
//
// Canonical string to sign (UTF-8), fields joined by "\n":
//   appKey, timestamp (Unix seconds), nonce, HTTP method (upper case), path with query, hex SHA-256 of the raw body
// sign = hex(HMAC-SHA256(secret, canonical)). Headers: X-App-Key, X-Timestamp, X-Nonce, X-Sign.
// A request outside ±API_SIGN_WINDOW_SECONDS (default 5 minutes) or with a nonce seen before is rejected.
import { sql } from 'kysely';
import type { ApiCaller } from '../../platform/http.ts';
import type { Config } from '../../config.ts';
import type pg from 'pg';
import { executePrepared, type Db } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { encrypt, hmacSha256, randomToken, safeEqual, sha256 } from '../../platform/crypto.ts';
import { AppError, isPgError, notFound, PG, unauthorized, type ErrorCode } from '../../platform/errors.ts';
import { assertDepartmentAccess, departmentScope, type SessionUser } from './auth.service.ts';
import { cachedApiKey, loadApiKey, nonceClaimSql, type CachedApiKey, type NonceClaimRow, type PendingNonce } from './apikeys.cache.ts';

export interface ApiKeyDto {
  id: number;
  appKey: string;
  name: string;
  departmentId: number;
  departmentName: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** The canonical string that a department system signs. */
export function canonicalString(p: { appKey: string; timestamp: string; nonce: string; method: string; url: string; body: string | Buffer }): string {
  return [p.appKey, p.timestamp, p.nonce, p.method.toUpperCase(), p.url, sha256(p.body ?? '')].join('\n');
}

/** Computes the signature headers for a request (used by clients, tests and the docs example). */
export function signRequest(appKey: string, secret: string, method: string, url: string, body: string | Buffer = '', now = Date.now()) {
  const timestamp = String(Math.floor(now / 1000));
  const nonce = randomToken(12);
  const sign = hmacSha256(secret, canonicalString({ appKey, timestamp, nonce, method, url, body }));
  return { 'x-app-key': appKey, 'x-timestamp': timestamp, 'x-nonce': nonce, 'x-sign': sign };
}

/** Creates a key for a department; the secret is returned once and stored encrypted. */
export async function createApiKey(
  db: Db,
  config: Config & { secret: string },
  creator: SessionUser | 'system',
  input: { departmentId: number; name: string },
  ctx: AuditContext,
): Promise<{ id: number; appKey: string; secret: string }> {
  if (creator !== 'system') {
    if (creator.role !== 'admin' && creator.role !== 'district_admin') {
      await audit(db, ctx, { action: 'apikeys.create', outcome: 'denied' });
      throw new AppError('forbidden', '只有信用办管理员或区县管理员可以创建 API 密钥', 403);
    }
    await assertDepartmentAccess(db, creator, input.departmentId, ctx, 'apikeys.create');
  }
  const appKey = `ck_${randomToken(12)}`;
  const secret = randomToken(32);
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('api_keys')
        .values({
          app_key: appKey,
          secret_enc: encrypt(config.secret, secret, 'api-key'),
          name: input.name,
          department_id: input.departmentId,
          created_by: creator === 'system' ? null : creator.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, ctx, { action: 'apikeys.create', target: `apikey:${row.id}`, detail: { appKey, departmentId: input.departmentId, name: input.name } });
      return { id: row.id, appKey, secret };
    });
  } catch (e) {
    if (isPgError(e, PG.foreignKeyViolation)) throw new AppError('department_not_found', '所属部门不存在', 400);
    throw e;
  }
}

/** Lists keys within the caller's department scope (never the secrets). */
export async function listApiKeys(db: Db, user: SessionUser): Promise<ApiKeyDto[]> {
  const scope = await departmentScope(db, user);
  let q = db
    .selectFrom('api_keys as k')
    .innerJoin('departments as d', 'd.id', 'k.department_id')
    .select(['k.id', 'k.app_key', 'k.name', 'k.department_id', 'd.name as department_name', 'k.created_at', 'k.revoked_at', 'k.last_used_at']);
  if (scope !== null) q = q.where('k.department_id', 'in', scope.length ? scope : [-1]);
  const rows = await q.orderBy('k.id').execute();
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => ({
    id: r.id,
    appKey: r.app_key,
    name: r.name,
    departmentId: r.department_id,
    departmentName: r.department_name,
    createdAt: iso(r.created_at)!,
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  }));
}

/** Revokes a key; further requests signed with it are rejected. */
export async function revokeApiKey(db: Db, user: SessionUser, id: number, ctx: AuditContext): Promise<void> {
  const key = await db.selectFrom('api_keys').select(['id', 'department_id']).where('id', '=', id).executeTakeFirst();
  if (!key) throw notFound('apikey_not_found', 'API 密钥不存在');
  if (user.role !== 'admin' && user.role !== 'district_admin') throw new AppError('forbidden', '没有权限吊销 API 密钥', 403);
  await assertDepartmentAccess(db, user, key.department_id, ctx, 'apikeys.revoke');
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    await audit(trx, ctx, { action: 'apikeys.revoke', target: `apikey:${id}` });
  });
}

export type { ApiCaller };

/** A request's signature headers, checked, with the key they name (the body is not read yet). */
export interface SignedHeaders {
  appKey: string;
  timestamp: string;
  nonce: string;
  sign: string;
  keyId: number;
  departmentId: number;
  departmentName: string;
  /** The key as this process holds it (apikeys.cache.ts); its generation is compared when the nonce is recorded. */
  key: CachedApiKey;
}

type HeaderBag = Record<string, string | string[] | undefined>;

/** Audits a refused signed request and returns the 401 to throw. */
async function refuseSigned(db: Db, ctx: AuditContext, appKey: string | undefined, url: string, code: ErrorCode, message: string, reason: string) {
  await audit(db, { ...ctx, actor: { appKey: appKey ?? null } }, { action: 'api.auth', target: url, outcome: 'denied', detail: { reason } });
  return unauthorized(code, message);
}

type Reject = (code: ErrorCode, message: string, reason: string) => Promise<Error>;

/** Refuses an unknown or revoked key, or one of an inactive department (in this order, as always). */
async function usableKey(key: CachedApiKey | null, reject: Reject): Promise<CachedApiKey> {
  if (!key) throw await reject('signature_invalid', '签名验证失败', 'unknown_app_key');
  if (key.revoked) throw await reject('apikey_revoked', 'API 密钥已吊销', 'revoked');
  // A deactivated department's keys are refused while it stays inactive; reactivating it restores them.
  if (!key.departmentActive) throw await reject('department_inactive', '所属部门已停用，API 密钥暂不可用', 'inactive_department');
  return key;
}

const signatureOk = (secret: string, p: Pick<PendingNonce, 'appKey' | 'timestamp' | 'nonce' | 'sign' | 'method' | 'url' | 'rawBody'>) =>
  safeEqual(hmacSha256(secret, canonicalString({ appKey: p.appKey, timestamp: p.timestamp, nonce: p.nonce, method: p.method, url: p.url, body: p.rawBody })), p.sign.toLowerCase());

/**
 * First half of the check, before the body is read: the four headers, the timestamp window, the nonce's form,
 * and that the key exists and is not revoked. Every rejection is audited and raises a 401 with a stable code.
 * The key comes from this process's cache (apikeys.cache.ts); a refusal is only ever decided on the key as it
 * is now in the database, and a key changed since it was cached is caught when the nonce is recorded.
 */
export async function checkSignedHeaders(
  db: Db,
  config: Config & { secret: string },
  req: { headers: HeaderBag; url: string },
  ctx: AuditContext,
  pool?: pg.Pool,
): Promise<SignedHeaders> {
  const h = (n: string) => {
    const v = req.headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const appKey = h('x-app-key');
  const timestamp = h('x-timestamp');
  const nonce = h('x-nonce');
  const sign = h('x-sign');
  const reject = (code: ErrorCode, message: string, reason: string) => refuseSigned(db, ctx, appKey, req.url, code, message, reason);
  if (!appKey || !timestamp || !nonce || !sign) {
    throw await reject('signature_missing', '缺少签名参数（X-App-Key、X-Timestamp、X-Nonce、X-Sign）', 'missing_headers');
  }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > config.apiSignWindowSeconds) {
    throw await reject('signature_expired', `请求时间戳超出允许范围（±${Math.round(config.apiSignWindowSeconds / 60)} 分钟），请校准系统时间`, 'timestamp_window');
  }
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) throw await reject('signature_bad_nonce', 'X-Nonce 须为 8–64 位字母、数字、下划线或连字符', 'bad_nonce');
  let cached = cachedApiKey(db, appKey);
  if (!cached || cached.revoked || !cached.departmentActive) cached = (await loadApiKey(db, config.secret, appKey, pool)) ?? undefined;
  const key = await usableKey(cached ?? null, reject);
  return { appKey, timestamp, nonce, sign, keyId: key.keyId, departmentId: key.departmentId, departmentName: key.departmentName, key };
}

/**
 * Second half, once the body is there: the HMAC over the request and the nonce's single use. Given `deferNonce`
 * (a route that records the nonce in its own statement, as the pre-action check does), the nonce is not recorded
 * here: the caller carries it (`pendingNonceOf`) to nonceClaimSql and settleNonceClaim.
 */
export async function checkSignedBody(
  db: Db,
  config: Config & { secret: string },
  signed: SignedHeaders,
  req: { method: string; url: string; rawBody: string | Buffer },
  ctx: AuditContext,
  pool?: pg.Pool,
  opts: { deferNonce?: boolean } = {},
): Promise<ApiCaller> {
  const { appKey, timestamp, nonce, sign } = signed;
  const reject = (code: ErrorCode, message: string, reason: string) => refuseSigned(db, ctx, appKey, req.url, code, message, reason);
  const request = { appKey, timestamp, nonce, sign, method: req.method, url: req.url, rawBody: req.rawBody };
  let key = signed.key;
  // A cached secret that does not verify may have been replaced: decide on the key as it is now.
  if (!signatureOk(key.secret, request)) {
    key = await usableKey(await loadApiKey(db, config.secret, appKey, pool), reject);
    if (!signatureOk(key.secret, request)) throw await reject('signature_invalid', '签名验证失败', 'bad_signature');
  }
  const pending: PendingNonce = { ...request, keyId: key.keyId, departmentId: key.departmentId, departmentName: key.departmentName, gen: key.gen };
  const caller: ApiCaller = { appKey, keyId: key.keyId, departmentId: key.departmentId, departmentName: key.departmentName };
  // Nonces older than twice the window can never be accepted again; prune them now and then.
  if (Math.random() < 0.01) {
    await db.deleteFrom('api_nonces').where('at', '<', new Date(Date.now() - 2 * config.apiSignWindowSeconds * 1000)).execute();
  }
  if (opts.deferNonce) return { ...caller, pendingNonce: pending };
  // Record the nonce only after the signature is good, so nobody can burn another system's nonces.
  return recordNonce(db, config, pending, ctx, pool);
}

/** The nonce a route that defers it must record in its own statement (see checkSignedBody), or null. */
export function pendingNonceOf(caller: ApiCaller): PendingNonce | null {
  return (caller.pendingNonce as PendingNonce | undefined) ?? null;
}

// How often the keys may change under one request before it is refused as a conflict: in practice once.
const MAX_KEY_CHANGES = 5;

/**
 * Records a verified request's nonce in a statement of its own (nonceClaimSql) and settles it: the caller, or a
 * 401 when the nonce was used before or the key, read again because it changed, no longer verifies.
 */
export async function recordNonce(db: Db, config: Config & { secret: string }, pending: PendingNonce, ctx: AuditContext, pool?: pg.Pool): Promise<ApiCaller> {
  const { ctes, columns } = nonceClaimSql(pending);
  const q = sql<NonceClaimRow>`WITH ${ctes} SELECT ${columns}`;
  const row = (pool ? await executePrepared(pool, q.compile(db)) : (await q.execute(db)).rows)[0]!;
  return settleNonceClaim(db, config, pending, row, ctx, pool);
}

/**
 * Settles a nonce claim after the statement that carried it: a replayed nonce is refused (401, audited); when
 * the keys changed since the signature was verified, nothing was recorded, so the key is read again, the
 * request verified again on it (revoked, inactive department, replaced secret: 401) and the nonce recorded
 * under the new generation. Returns the caller as the key now says.
 */
export async function settleNonceClaim(
  db: Db,
  config: Config & { secret: string },
  pending: PendingNonce,
  row: NonceClaimRow,
  ctx: AuditContext,
  pool?: pg.Pool,
  changes = 0,
): Promise<ApiCaller> {
  const reject = (code: ErrorCode, message: string, reason: string) => refuseSigned(db, ctx, pending.appKey, pending.url, code, message, reason);
  if (row.key_gen === pending.gen) {
    if (!row.nonce_fresh) throw await reject('signature_replayed', '请求已被使用过（重复的 X-Nonce），请重新签名', 'nonce_reused');
    return { appKey: pending.appKey, keyId: pending.keyId, departmentId: pending.departmentId, departmentName: pending.departmentName };
  }
  if (changes >= MAX_KEY_CHANGES) throw new AppError('conflict', 'API 密钥正在变更，请稍后重试', 409);
  const key = await usableKey(await loadApiKey(db, config.secret, pending.appKey, pool), reject);
  if (!signatureOk(key.secret, pending)) throw await reject('signature_invalid', '签名验证失败', 'bad_signature');
  const next = { ...pending, keyId: key.keyId, departmentId: key.departmentId, departmentName: key.departmentName, gen: key.gen };
  const { ctes, columns } = nonceClaimSql(next);
  const q = sql<NonceClaimRow>`WITH ${ctes} SELECT ${columns}`;
  const again = (pool ? await executePrepared(pool, q.compile(db)) : (await q.execute(db)).rows)[0]!;
  return settleNonceClaim(db, config, next, again, ctx, pool, changes + 1);
}

/** Verifies a whole signed request (headers, key, then body); every rejection is audited and raises a 401. */
export async function verifySignedRequest(
  db: Db,
  config: Config & { secret: string },
  req: { headers: HeaderBag; method: string; url: string; rawBody: string | Buffer },
  ctx: AuditContext,
): Promise<ApiCaller> {
  return checkSignedBody(db, config, await checkSignedHeaders(db, config, req, ctx), req, ctx);
}
