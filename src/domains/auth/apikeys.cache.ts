// API keys kept in memory for signed requests (issue 14 "Performance"): a signed request no longer reads its key
// and decrypts its secret each time. Every write that can change how a signed request is answered — a key
// created, revoked, re-encrypted, a department deactivated or renamed — bumps `api_keys_generation` in the
// writing transaction (migration 20261209T0910a). The statement that records a request's nonce compares that
// generation and records nothing when it moved; the request's key is then read again and the request verified
// again before it is answered. So a key revoked by any process is refused by every process on its next request,
// and nothing is written for it. Like the measures cache (sanctions/measures.cache.ts), but one cache per
// database handle: a process that talks to several databases never answers from another one's keys.
import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';
import { executePrepared, type Db } from '../../db/index.ts';
import { decrypt } from '../../platform/crypto.ts';

/** A key as a signed request needs it: its secret in clear, its department, and whether it may be used. */
export interface CachedApiKey {
  keyId: number;
  appKey: string;
  secret: string;
  departmentId: number;
  departmentName: string;
  revoked: boolean;
  departmentActive: boolean;
  /** The keys' generation this entry was read at (compared when the nonce is recorded). */
  gen: string;
}

// Keys are few (a handful per department); unknown app keys are never cached, so the map cannot be flooded.
const MAX_KEYS = 10_000;
const caches = new WeakMap<Db, Map<string, CachedApiKey>>();

const cacheOf = (db: Db) => {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new Map()));
  return c;
};

/** The key this process holds for an app key on this database handle, if any (possibly stale: see above). */
export function cachedApiKey(db: Db, appKey: string): CachedApiKey | undefined {
  return caches.get(db)?.get(appKey);
}

/** Reads a key and the current generation in one statement, keeps it in the cache and returns it (null: unknown). */
export async function loadApiKey(db: Db, instanceSecret: string, appKey: string, pool?: pg.Pool): Promise<CachedApiKey | null> {
  const q = sql<{ gen: string; id: number | null; secret_enc: string | null; department_id: number | null; revoked: boolean | null; department_name: string | null; department_active: boolean | null }>`
    SELECT g.gen::text AS gen, k.id, k.secret_enc, k.department_id, k.revoked_at IS NOT NULL AS revoked, d.name AS department_name, d.active AS department_active
      FROM api_keys_generation g
      LEFT JOIN (api_keys k JOIN departments d ON d.id = k.department_id) ON k.app_key = ${appKey}::text`;
  // Given the pool, as a named prepared statement: it runs whenever a key is first used or changed.
  const row = (pool ? await executePrepared(pool, q.compile(db)) : (await q.execute(db)).rows)[0];
  const cache = cacheOf(db);
  if (!row || row.id === null) {
    cache.delete(appKey);
    return null;
  }
  const key: CachedApiKey = {
    keyId: row.id,
    appKey,
    secret: decrypt(instanceSecret, row.secret_enc!, 'api-key'),
    departmentId: row.department_id!,
    departmentName: row.department_name!,
    revoked: row.revoked!,
    departmentActive: row.department_active!,
    gen: row.gen,
  };
  if (cache.size >= MAX_KEYS) cache.clear();
  cache.set(appKey, key);
  return key;
}

/** A verified signature whose nonce is still to be recorded, with what it takes to verify it again. */
export interface PendingNonce {
  appKey: string;
  timestamp: string;
  nonce: string;
  sign: string;
  method: string;
  url: string;
  rawBody: string | Buffer;
  keyId: number;
  departmentId: number;
  departmentName: string;
  /** The generation of the key the signature was verified with. */
  gen: string;
}

/** What a statement carrying a nonce claim returns: the current generation and whether the nonce was new. */
export interface NonceClaimRow {
  key_gen: string;
  nonce_fresh: boolean;
}

/**
 * The nonce's single use as parts of a caller's statement: `ctes` (to put first in its WITH list) and `columns`
 * (`key_gen`, `nonce_fresh`). The nonce is recorded — and, when it is new, the key's last use, kept to the minute
 * so concurrent requests of one system do not queue on the key's row — only while the keys' generation is the
 * one the signature was verified at; otherwise the statement writes nothing of it and the caller settles the
 * claim (settleNonceClaim in apikeys.service.ts), which verifies the request again on the key as it is now.
 */
export function nonceClaimSql(p: PendingNonce): { ctes: RawBuilder<unknown>; columns: RawBuilder<unknown> } {
  const ctes = sql`kg AS (SELECT gen FROM api_keys_generation),
    kn AS (INSERT INTO api_nonces (app_key, nonce) SELECT ${p.appKey}::text, ${p.nonce}::text FROM kg WHERE kg.gen = ${p.gen}::bigint ON CONFLICT DO NOTHING RETURNING nonce),
    ku AS (UPDATE api_keys SET last_used_at = now()
            WHERE id = ${p.keyId}::integer AND EXISTS (SELECT 1 FROM kn) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))`;
  const columns = sql`(SELECT kg.gen::text FROM kg) AS key_gen, EXISTS (SELECT 1 FROM kn) AS nonce_fresh`;
  return { ctes, columns };
}

/** What a statement carrying several nonce claims returns: the current generation and which claims were new. */
export interface NonceClaimsRow {
  key_gen: string;
  /** The 0-based positions, in the claims given, of the nonces this statement recorded. */
  nonces_fresh: number[];
}

/**
 * nonceClaimSql for several verified requests in one statement (a batch of pre-action checks): each nonce is
 * recorded only while the keys' generation is the one its signature was verified at, and each key's last use as
 * above. The claims must name distinct (app key, nonce) pairs: the caller refuses a repeat within its batch as a
 * replay. The columns are `key_gen` and `nonces_fresh`; settle each request with
 * `{ key_gen, nonce_fresh: nonces_fresh.includes(its position) }`.
 */
export function nonceClaimsSql(ps: readonly PendingNonce[]): { ctes: RawBuilder<unknown>; columns: RawBuilder<unknown> } {
  const ctes = sql`kg AS (SELECT gen FROM api_keys_generation),
    kc AS (SELECT * FROM unnest(${ps.map((p) => p.appKey)}::text[], ${ps.map((p) => p.nonce)}::text[], ${ps.map((p) => p.gen)}::bigint[], ${ps.map((p) => p.keyId)}::integer[])
             WITH ORDINALITY AS kc(app_key, nonce, gen, key_id, i)),
    kn AS (INSERT INTO api_nonces (app_key, nonce) SELECT kc.app_key, kc.nonce FROM kc JOIN kg ON kg.gen = kc.gen ON CONFLICT DO NOTHING RETURNING app_key, nonce),
    ku AS (UPDATE api_keys SET last_used_at = now()
            WHERE id IN (SELECT kc.key_id FROM kc JOIN kn USING (app_key, nonce)) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))`;
  const columns = sql`(SELECT kg.gen::text FROM kg) AS key_gen, ARRAY(SELECT (kc.i - 1)::integer FROM kc JOIN kn USING (app_key, nonce)) AS nonces_fresh`;
  return { ctes, columns };
}
