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
import { decrypt, encrypt, hmacSha256, randomToken, safeEqual, sha256 } from '../../platform/crypto.ts';
import { AppError, isPgError, notFound, PG, unauthorized, type ErrorCode } from '../../platform/errors.ts';
import { assertDepartmentAccess, departmentScope, type SessionUser } from './auth.service.ts';

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
  secretEnc: string;
  departmentId: number;
  departmentName: string;
}

type HeaderBag = Record<string, string | string[] | undefined>;

/** Audits a refused signed request and returns the 401 to throw. */
async function refuseSigned(db: Db, ctx: AuditContext, appKey: string | undefined, url: string, code: ErrorCode, message: string, reason: string) {
  await audit(db, { ...ctx, actor: { appKey: appKey ?? null } }, { action: 'api.auth', target: url, outcome: 'denied', detail: { reason } });
  return unauthorized(code, message);
}

/**
 * First half of the check, before the body is read: the four headers, the timestamp window, the nonce's form,
 * and that the key exists and is not revoked. Every rejection is audited and raises a 401 with a stable code.
 */
export async function checkSignedHeaders(
  db: Db,
  config: Config,
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
  const keyQuery = db
    .selectFrom('api_keys as k')
    .innerJoin('departments as d', 'd.id', 'k.department_id')
    .select(['k.id', 'k.secret_enc', 'k.department_id', 'k.revoked_at', 'd.name as department_name', 'd.active as department_active'])
    .where('k.app_key', '=', appKey);
  // Given the pool, as a named prepared statement: it runs on every signed request and planning it cost more than running it.
  const key = pool ? (await executePrepared(pool, keyQuery))[0] : await keyQuery.executeTakeFirst();
  if (!key) throw await reject('signature_invalid', '签名验证失败', 'unknown_app_key');
  if (key.revoked_at) throw await reject('apikey_revoked', 'API 密钥已吊销', 'revoked');
  // A deactivated department's keys are refused while it stays inactive; reactivating it restores them.
  if (!key.department_active) throw await reject('department_inactive', '所属部门已停用，API 密钥暂不可用', 'inactive_department');
  return { appKey, timestamp, nonce, sign, keyId: key.id, secretEnc: key.secret_enc, departmentId: key.department_id, departmentName: key.department_name };
}

/** Second half, once the body is there: the HMAC over the request and the nonce's single use. */
export async function checkSignedBody(
  db: Db,
  config: Config & { secret: string },
  signed: SignedHeaders,
  req: { method: string; url: string; rawBody: string | Buffer },
  ctx: AuditContext,
  pool?: pg.Pool,
): Promise<ApiCaller> {
  const { appKey, timestamp, nonce, sign } = signed;
  const reject = (code: ErrorCode, message: string, reason: string) => refuseSigned(db, ctx, appKey, req.url, code, message, reason);
  const expected = hmacSha256(decrypt(config.secret, signed.secretEnc, 'api-key'), canonicalString({ appKey, timestamp, nonce, method: req.method, url: req.url, body: req.rawBody }));
  if (!safeEqual(expected, sign.toLowerCase())) throw await reject('signature_invalid', '签名验证失败', 'bad_signature');
  // Record the nonce only after the signature is good, so nobody can burn another system's nonces. One statement
  // records the nonce and, when it is new, the key's last use: that is stored to the minute, because rewriting
  // the key's one row on every request made concurrent requests of a department system queue on its row lock.
  const usedQuery = sql<{ fresh: boolean }>`
    WITH n AS (INSERT INTO api_nonces (app_key, nonce) VALUES (${appKey}, ${nonce}) ON CONFLICT DO NOTHING RETURNING nonce),
    k AS (
      UPDATE api_keys SET last_used_at = now()
       WHERE id = ${signed.keyId} AND EXISTS (SELECT 1 FROM n) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
    SELECT EXISTS (SELECT 1 FROM n) AS fresh`;
  const used = pool ? await executePrepared(pool, usedQuery.compile(db)) : (await usedQuery.execute(db)).rows;
  if (!used[0]?.fresh) throw await reject('signature_replayed', '请求已被使用过（重复的 X-Nonce），请重新签名', 'nonce_reused');
  // Nonces older than twice the window can never be accepted again; prune them now and then.
  if (Math.random() < 0.01) {
    await db.deleteFrom('api_nonces').where('at', '<', new Date(Date.now() - 2 * config.apiSignWindowSeconds * 1000)).execute();
  }
  return { appKey, keyId: signed.keyId, departmentId: signed.departmentId, departmentName: signed.departmentName };
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
