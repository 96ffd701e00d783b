// The demo city's API keys (issue 17 §1, API密钥): department systems that talk to the platform over the signed
// API. The market regulator's licensing system has a key in use (it ran pre-action checks through the signed path,
// so the key shows when it was last used), its retired enforcement system's key is revoked, and a district unit's
// case system has a key not used yet. Keys are made by auth's own service, so each secret exists only encrypted in
// api_keys; the demo signs its two checks with the secret in memory and never prints or stores it anywhere else.
import type pg from 'pg';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { SessionUser } from '../../platform/http.ts';
import { actorOf, checkSignedBody, checkSignedHeaders, createApiKey, pendingNonceOf, revokeApiKey, settleNonceClaim, signRequest } from '../../domains/auth/index.ts';
import { runCheck } from '../../domains/sanctions/index.ts';

const MS_DAY = 86_400_000;
const CHECK_URL = '/api/ext/sanctions/check';

export interface DemoApiKeysSummary {
  keys: number;
  revoked: number;
  /** Pre-action checks the regulator's system made through the signed API. */
  signedChecks: number;
}

/**
 * Creates the demo's keys: `market` (the regulator) gets a key in use and a revoked one (revoked by the credit
 * office's `admin`), `districtUnit` a key made by its district administrator. Runs after the lists are loaded, so the
 * signed checks find listed subjects.
 */
export async function seedDemoApiKeys(
  db: Db,
  pool: pg.Pool,
  config: Config & { secret: string },
  opts: { admin: SessionUser; market: { id: number; name: string } | null; districtUnit: { id: number; name: string; shortName: string } | null; districtAdmin: SessionUser | null },
  ctx: AuditContext,
): Promise<DemoApiKeysSummary> {
  const summary: DemoApiKeysSummary = { keys: 0, revoked: 0, signedChecks: 0 };
  // The credit office issues and revokes the city departments' keys; the audit log names its administrator.
  const office: AuditContext = { ...ctx, actor: actorOf(opts.admin) };
  if (opts.market) {
    // The retired system first (the older key), revoked when its replacement went live.
    const old = await createApiKey(db, config, opts.admin, { departmentId: opts.market.id, name: '市场监管局原执法办案系统（已停用）' }, office);
    await revokeApiKey(db, opts.admin, old.id, office);
    summary.keys++;
    summary.revoked++;
    // Demo only: the retired key was issued a year ago and revoked two months ago (the load runs today).
    await db.updateTable('api_keys').set({ created_at: new Date(Date.now() - 330 * MS_DAY), revoked_at: new Date(Date.now() - 60 * MS_DAY) }).where('id', '=', old.id).execute();

    const live = await createApiKey(db, config, opts.admin, { departmentId: opts.market.id, name: '市场监管局行政审批系统' }, office);
    summary.keys++;
    await db.updateTable('api_keys').set({ created_at: new Date(Date.now() - 60 * MS_DAY) }).where('id', '=', live.id).execute();
    summary.signedChecks = await signedChecks(db, pool, config, live, ctx);
  }
  if (opts.districtUnit && opts.districtAdmin) {
    await createApiKey(db, config, opts.districtAdmin, { departmentId: opts.districtUnit.id, name: `${opts.districtUnit.shortName}执法办案系统` }, { ...ctx, actor: actorOf(opts.districtAdmin) });
    summary.keys++;
  }
  return summary;
}

/**
 * The licensing system checks two applicants before granting a licence, as a department system does: each request
 * signed with the key, verified by auth (headers, then body, the nonce recorded by the check's own statement, which
 * also stamps the key's last use), then run by sanctions' runCheck on the 'api' channel.
 */
async function signedChecks(db: Db, pool: pg.Pool, config: Config & { secret: string }, key: { id: number; appKey: string; secret: string }, ctx: AuditContext): Promise<number> {
  const applicants = await sql<{ uscc: string }>`
    (SELECT s.uscc FROM list_entries e JOIN subjects s ON s.id = e.subject_id
      WHERE e.status = 'listed' AND s.uscc IS NOT NULL ORDER BY s.uscc DESC LIMIT 1)
    UNION ALL
    (SELECT s.uscc FROM subjects s WHERE s.kind = 'legal' AND s.uscc IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM list_entries e WHERE e.subject_id = s.id) ORDER BY s.uscc DESC LIMIT 1)`.execute(db);
  let n = 0;
  for (const a of applicants.rows) {
    const body = JSON.stringify({ scenario: '行政审批', subjects: [{ uscc: a.uscc }] });
    const headers = signRequest(key.appKey, key.secret, 'POST', CHECK_URL, body);
    const signedCtx: AuditContext = { ...ctx, actor: { appKey: key.appKey } };
    const signed = await checkSignedHeaders(db, config, { headers, url: CHECK_URL }, signedCtx, pool);
    const caller = await checkSignedBody(db, config, signed, { method: 'POST', url: CHECK_URL, rawBody: body }, signedCtx, pool, { deferNonce: true });
    const pending = pendingNonceOf(caller)!;
    await runCheck(
      db,
      { secret: config.secret, departmentId: caller.departmentId, channel: 'api', apiKeyId: caller.keyId, scenario: '行政审批', subjects: [{ uscc: a.uscc }] },
      signedCtx,
      pool,
      { pending, settle: (row) => settleNonceClaim(db, config, pending, row, signedCtx, pool) },
    );
    n++;
  }
  return n;
}
