// Buffers per pre-action check (issue 14 "Performance"; docs/bench/check-batching-1m.md): the check's read and
// write statements as main runs them (one check each; built by check.service.ts checkReadSql / storeCheckSql) and
// as the reverted natural batching ran them (cc40c02's check.batch.ts SQL, kept here verbatim for the comparison), at several subject counts, custom and generic plans.
// Counts, never times: the blocks every relation of the schema fetched during the statement (triggers and
// foreign-key checks included), read with pg_stat_get_xact_blocks_fetched before and after it in its own
// transaction, plus the EXPLAIN (ANALYZE, BUFFERS) plan's scans.
// Run: `npm run bench -- checkbuffers [--subjects 200000,1000000] [--reps 3]` (subjects loaded as bench/lists.ts
// loads them, 50,000 active entries); prints a table of buffers per check by statement × batch × subjects.
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { Db } from '../src/db/index.ts';
import { installShippedMeasures } from '../src/domains/sanctions/index.ts';
import { activeEntriesJson } from '../src/domains/lists/index.ts';
import { seriousPublicPenaltiesJson } from '../src/domains/publicity/index.ts';
import { subjectsByKeysSql } from '../src/domains/subjects/index.ts';
import { type PendingNonce } from '../src/domains/auth/index.ts';
import { type AuditContext } from '../src/platform/audit.ts';
import { evaluate, caseNoSql, checkReadSql, storeCheckSql, type SubjectAnswer } from '../src/domains/sanctions/check.service.ts';
import { planQueries, resolvePlanned } from '../src/domains/sanctions/match.ts';
import { measuresRead, measuresFrom } from '../src/domains/sanctions/measures.cache.ts';
import { arg, createBenchDatabase, fmt, openBenchWorkspace } from './lib.ts';
import { loadEntries, loadSubjects } from './lists.ts';

const SECRET = 'bench-lists-secret-0123456789-abcdefghij';
// ---- the statements: unbatched (main) ----
function unbatchedRead(usccs: string[], pending: PendingNonce) {
  return checkReadSql(planQueries(SECRET, usccs.map((u) => ({ uscc: u }))), pending).q;
}

interface StoreItem {
  input: { departmentId: number; channel: 'api' | 'console' | 'screening'; scenario: string; userId: number | null; apiKeyId: number | null };
  answers: SubjectAnswer[];
  ctx: AuditContext;
  event: { action: string; detail: Record<string, unknown> };
}

function unbatchedWrite(it: StoreItem) {
  return storeCheckSql(it.input, it.answers, undefined, { ctx: it.ctx, event: it.event });
}

// ---- the statements: batched (cc40c02's check.batch.ts, verbatim SQL) ----
function nonceClaimsSql(ps: readonly PendingNonce[]) {
  const ctes = sql`kg AS (SELECT gen FROM api_keys_generation),
    kc AS (SELECT * FROM unnest(${ps.map((p) => p.appKey)}::text[], ${ps.map((p) => p.nonce)}::text[], ${ps.map((p) => p.gen)}::bigint[], ${ps.map((p) => p.keyId)}::integer[])
             WITH ORDINALITY AS kc(app_key, nonce, gen, key_id, i)),
    kn AS (INSERT INTO api_nonces (app_key, nonce) SELECT kc.app_key, kc.nonce FROM kc JOIN kg ON kg.gen = kc.gen ON CONFLICT DO NOTHING RETURNING app_key, nonce),
    ku AS (UPDATE api_keys SET last_used_at = now()
            WHERE id IN (SELECT kc.key_id FROM kc JOIN kn USING (app_key, nonce)) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))`;
  const columns = sql`(SELECT kg.gen::text FROM kg) AS key_gen, ARRAY(SELECT (kc.i - 1)::integer FROM kc JOIN kn USING (app_key, nonce)) AS nonces_fresh`;
  return { ctes, columns };
}

function batchedRead(usccs: string[], pendings: PendingNonce[]) {
  const planned = planQueries(SECRET, usccs.map((u) => ({ uscc: u })));
  const m = measuresRead();
  const c = nonceClaimsSql(pendings);
  return sql`
    WITH ${c.ctes}, s AS MATERIALIZED (${subjectsByKeysSql(planned.keys)})
    SELECT (SELECT coalesce(json_agg(json_build_object('id', s.id::text, 'kind', s.kind, 'name', s.name, 'uscc', s.uscc, 'idHash', s.id_hash, 'nameNorm', s.name_norm)), '[]'::json) FROM s) AS subjects,
           ${activeEntriesJson(sql`SELECT s.id FROM s`)} AS entries,
           ${seriousPublicPenaltiesJson(sql`SELECT s.id FROM s`)} AS penalties,
           ${m.columns}, ${c.columns}
      FROM sanction_measures_generation g`;
}

function auditInsertEachSql(entries: ReadonlyArray<{ ctx: AuditContext; event: { action: string; detail: Record<string, unknown> } }>, from: RawBuilder<unknown>, target: RawBuilder<unknown>) {
  const col = <T>(f: (e: (typeof entries)[number]) => T) => entries.map(f);
  const a = (e: { ctx: AuditContext }) => e.ctx.actor ?? {};
  return sql`INSERT INTO audit_log (actor_user_id, actor_username, actor_role, actor_department_id, actor_app_key, action, target, outcome, detail, ip, request_id)
    SELECT e.actor_user_id, e.actor_username, e.actor_role, e.actor_department_id, e.actor_app_key, e.action, (${target})::text, e.outcome, e.detail::jsonb, e.ip, e.request_id
      FROM unnest(${col((e) => a(e).userId ?? null)}::integer[], ${col((e) => a(e).username ?? null)}::text[], ${col((e) => a(e).role ?? null)}::text[],
                  ${col((e) => a(e).departmentId ?? null)}::integer[], ${col((e) => a(e).appKey ?? null)}::text[], ${col((e) => e.event.action)}::text[],
                  ${col(() => 'ok')}::text[], ${col((e) => JSON.stringify(e.event.detail ?? {}))}::text[], ${col((e) => e.ctx.ip ?? null)}::text[],
                  ${col((e) => e.ctx.requestId ?? null)}::text[])
           WITH ORDINALITY AS e(actor_user_id, actor_username, actor_role, actor_department_id, actor_app_key, action, outcome, detail, ip, request_id, ord)
      JOIN ${from} ON ${from}.ord = e.ord`;
}

function batchedWrite(items: StoreItem[]) {
  const col = <T>(f: (it: StoreItem) => T) => items.map(f);
  const hitRows = items.flatMap((it, i) =>
    it.answers.flatMap((a) =>
      a.subject ? [...a.black.map((e) => ({ e, color: 'black' })), ...a.red.map((e) => ({ e, color: 'red' }))].map(({ e, color }) => ({ ord: i + 1, subjectId: a.subject!.id, e, color })) : [],
    ),
  );
  return sql`
    WITH u AS (
      SELECT * FROM unnest(${col((it) => it.input.departmentId)}::integer[], ${col((it) => it.input.channel)}::text[], ${col((it) => it.input.scenario)}::text[],
                           ${col((it) => it.input.userId ?? null)}::integer[], ${col((it) => it.input.apiKeyId ?? null)}::integer[], ${col((it) => it.answers.length)}::integer[],
                           ${col((it) => it.answers.filter((a) => a.black.length || a.red.length).length)}::integer[],
                           ${col((it) => it.answers.reduce((n, a) => n + a.measures.length + a.incentives.length, 0))}::integer[],
                           ${col((it) => JSON.stringify({ subjects: it.answers }))}::text[])
        WITH ORDINALITY AS u(department_id, channel, scenario, user_id, api_key_id, subjects, hits, feedback_due, answer, ord)),
    n AS MATERIALIZED (SELECT u.ord, nextval('sanction_checks_id_seq') AS id FROM u),
    c AS (
      INSERT INTO sanction_checks (id, case_no, department_id, channel, scenario, user_id, api_key_id, subjects, hits, feedback_due, answer)
      SELECT n.id, ${caseNoSql(sql`n.id`)}, u.department_id, u.channel, u.scenario, u.user_id, u.api_key_id, u.subjects, u.hits, u.feedback_due, u.answer::jsonb
        FROM n JOIN u ON u.ord = n.ord
      RETURNING id, case_no, to_char(checked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS+08:00') AS checked_at),
    h AS (
      INSERT INTO sanction_check_hits (check_id, subject_id, entry_id, list_type, color)
      SELECT n.id, x.subject_id, x.entry_id, x.list_type, x.color
        FROM unnest(${hitRows.map((x) => x.ord)}::integer[], ${hitRows.map((x) => x.subjectId)}::bigint[], ${hitRows.map((x) => x.e.entryId)}::bigint[],
                    ${hitRows.map((x) => x.e.listType)}::text[], ${hitRows.map((x) => x.color)}::text[]) AS x(ord, subject_id, entry_id, list_type, color)
        JOIN n ON n.ord = x.ord
      ON CONFLICT DO NOTHING),
    a AS (${auditInsertEachSql(items.map((it) => ({ ctx: it.ctx, event: it.event })), sql`n`, sql`'sanction_check:' || n.id`)})
    SELECT n.ord::integer AS ord, c.id, c.case_no, c.checked_at FROM c JOIN n ON n.id = c.id ORDER BY n.ord`;
}

// ---- measuring ----
// node-postgres' own conversion of a parameter to its text form (arrays as array literals), for EXECUTE's literals.
const { prepareValue } = (await import('pg/lib/utils.js' as string)) as { prepareValue: (v: unknown) => unknown };
const lit = (client: pg.PoolClient, v: unknown) => (v === null || v === undefined ? 'NULL' : client.escapeLiteral(String(prepareValue(v))));

interface Node {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: Node[];
}
function walk(n: Node, out: string[]) {
  if (n['Relation Name'] || n['Index Name']) out.push(`${n['Node Type']}(${n['Relation Name'] ?? ''}${n['Index Name'] ? ' ' + n['Index Name'] : ''}) rows=${n['Actual Rows']}x${n['Actual Loops']} hit=${n['Shared Hit Blocks']}`);
  else if (/Join|Hash|CTE|Function/.test(n['Node Type'])) out.push(`${n['Node Type']} rows=${n['Actual Rows']}x${n['Actual Loops']}`);
  for (const c of n.Plans ?? []) walk(c, out);
}

let stmtNo = 0;
/** Runs one statement in its own transaction (committed), returns per-relation blocks and the plan. */
async function measure(pool: pg.Pool, db: Db, q: RawBuilder<unknown>, mode: 'custom' | 'generic') {
  const c = q.compile(db);
  const client = await pool.connect();
  try {
    const name = `p${++stmtNo}`;
    await client.query(`PREPARE ${name} AS ${c.sql}`);
    await client.query('BEGIN');
    await client.query(`SET LOCAL plan_cache_mode = ${mode === 'generic' ? 'force_generic_plan' : 'force_custom_plan'}`);
    const args = c.parameters.map((v) => lit(client, v)).join(', ');
    // Pending block counts (since this backend's last stats flush, which never happens inside a transaction):
    // the difference around the statement is the statement's, triggers and FK checks included.
    const countsSql = `SELECT c.relname, pg_stat_get_xact_blocks_fetched(c.oid)::text AS fetched FROM pg_class c
         WHERE c.relkind IN ('r','i','t','S','m') AND (c.relnamespace = 'public'::regnamespace OR c.relkind = 't')`;
    const before = new Map((await client.query<{ relname: string; fetched: string }>(countsSql)).rows.map((r) => [r.relname, Number(r.fetched)]));
    const ex = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE ${name}(${args})`);
    const rel = { rows: (await client.query<{ relname: string; fetched: string }>(countsSql)).rows
      .map((r) => ({ relname: r.relname, fetched: String(Number(r.fetched) - (before.get(r.relname) ?? 0)) }))
      .filter((r) => Number(r.fetched) > 0)
      .sort((a, b) => Number(b.fetched) - Number(a.fetched)) };
    await client.query('COMMIT');
    await client.query(`DEALLOCATE ${name}`);
    const plan = (ex.rows[0] as { 'QUERY PLAN': Array<{ Plan: Node; Triggers?: Array<{ 'Trigger Name': string; Calls: number }>; 'Execution Time': number }> })['QUERY PLAN'][0]!;
    const nodes: string[] = [];
    walk(plan.Plan, nodes);
    const byRel = Object.fromEntries(rel.rows.map((r) => [r.relname, Number(r.fetched)]));
    const total = rel.rows.reduce((n, r) => n + Number(r.fetched), 0);
    return { total, byRel, planHit: plan.Plan['Shared Hit Blocks'], planRead: plan.Plan['Shared Read Blocks'], nodes, triggers: (plan.Triggers ?? []).map((t) => `${t['Trigger Name']}×${t.Calls}`) };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

interface Result {
  subjects: number;
  mode: 'custom' | 'generic';
  stmt: string;
  k: number;
  perCheck: number;
}

const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};

/** Runs the measurement and prints buffers per check by statement × checks per statement × plan × subjects. */
export async function run(args: string[]): Promise<void> {
  const at = args.indexOf('--subjects');
  const sizes = (at >= 0 ? args[at + 1]! : '200000,1000000').split(',').map(Number);
  const reps = arg(args, 'reps', 3);
  const ws = await openBenchWorkspace();
  const results: Result[] = [];
  try {
    const { server } = await ws.start();
    for (const n of sizes) {
      const d = ws.track(await createBenchDatabase(server, `checkbuffers${n}`));
      await installShippedMeasures(d.db);
      const t0 = Date.now();
      const { usccs } = await loadSubjects(d.pool, n);
      await loadEntries(d.db, 50_000);
      await sql`VACUUM ANALYZE`.execute(d.db);
      console.log(`${fmt(n)} subjects and ${fmt(Math.min(n, 50_000))} entries loaded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      // A third of the checked subjects are listed, as in bench/lists.ts, so hits and measures are on the path.
      const listed = (await sql<{ uscc: string }>`SELECT s.uscc FROM list_entries e JOIN subjects s ON s.id = e.subject_id WHERE s.uscc IS NOT NULL LIMIT 20000`.execute(d.db)).rows.map((r) => r.uscc);
      const pick = (i: number) => (i % 3 === 0 ? listed[(i * 7919) % listed.length]! : usccs[(i * 7919) % usccs.length]!);
      const dept = (await sql<{ id: number }>`SELECT id FROM departments WHERE code = 'CZJ'`.execute(d.db)).rows[0]!.id;
      const key = (await sql<{ id: number }>`INSERT INTO api_keys (department_id, name, app_key, secret_enc) VALUES (${dept}, '压测', 'bench-key', 'x') RETURNING id`.execute(d.db)).rows[0]!.id;
      const gen = (await sql<{ gen: string }>`SELECT gen::text FROM api_keys_generation`.execute(d.db)).rows[0]!.gen;
      let nonce = 0;
      const pending = (): PendingNonce => ({ appKey: 'bench-key', timestamp: '0', nonce: `n${n}-${++nonce}`, sign: '', method: 'POST', url: '', rawBody: '', keyId: key, departmentId: dept, departmentName: '', gen });
      // The measures cache warmed for this database, as a running server has it.
      const m = measuresRead();
      measuresFrom(m, (await sql<{ measures_gen: string; measures: never }>`SELECT ${m.columns} FROM sanction_measures_generation g`.execute(d.db)).rows[0]!);
      const ctx: AuditContext = { actor: { userId: null, username: 'bench', appKey: 'bench-key', departmentId: dept }, ip: '127.0.0.1', requestId: 'r' };
      const itemFor = async (u: string): Promise<StoreItem> => {
        const planned = planQueries(SECRET, [{ uscc: u }]);
        const found = (await sql<never>`SELECT id::text AS id, kind, name, uscc, id_hash AS "idHash", name_norm AS "nameNorm" FROM subjects WHERE uscc = ${u}`.execute(d.db)).rows;
        const answers = await evaluate(d.db, [{ uscc: u }], await resolvePlanned(d.db, planned, found), '政府采购');
        const hits = answers.filter((a) => a.black.length || a.red.length).length;
        return { input: { departmentId: dept, channel: 'api', scenario: '政府采购', userId: null, apiKeyId: key }, answers, ctx, event: { action: 'sanctions.check', detail: { channel: 'api', scenario: '政府采购', subjects: 1, hits } } };
      };
      let cursor = 0;
      for (const mode of ['custom', 'generic'] as const) {
        for (const k of [1, 8, 32]) {
          // The first round warms the connection and is not counted.
          for (let r = 0; r <= reps; r++) {
            const us = Array.from({ length: k }, () => pick(cursor++));
            const items = await Promise.all(us.map(itemFor));
            const record = (stmt: string, total: number, checks: number) => r > 0 && results.push({ subjects: n, mode, stmt, k: checks === 1 && stmt.startsWith('main') ? 1 : k, perCheck: total / checks });
            // Main: one statement per check.
            for (let i = 0; i < k; i++) {
              record('main read', (await measure(d.pool, d.db, unbatchedRead([us[i]!], pending()), mode)).total, 1);
              record('main write', (await measure(d.pool, d.db, unbatchedWrite(items[i]!), mode)).total, 1);
            }
            const br = await measure(d.pool, d.db, batchedRead(us, us.map(() => pending())), mode);
            const bw = await measure(d.pool, d.db, batchedWrite(items), mode);
            record('batched read', br.total, k);
            record('batched write', bw.total, k);
            if (r === reps && k === 32) {
              const scans = (x: typeof br) => x.nodes.filter((s) => /Scan\((subjects|list_entries)/.test(s)).join('; ');
              console.log(`  ${fmt(n)} ${mode} 32 checks — read: ${scans(br)}`);
              console.log(`  ${fmt(n)} ${mode} 32 checks — write triggers: ${bw.triggers.join(', ')}`);
            }
          }
        }
      }
    }
  } finally {
    await ws.finish();
  }
  console.log('\nshared buffers fetched per check (whole statement, triggers included; median)');
  console.log(`| statement | checks per statement | plan | ${sizes.map((n) => `${fmt(n)} subjects`).join(' | ')} |`);
  console.log(`|---|---:|---|${sizes.map(() => '---:').join('|')}|`);
  for (const stmt of ['main read', 'batched read', 'main write', 'batched write'])
    for (const k of stmt.startsWith('main') ? [1] : [1, 8, 32])
      for (const mode of ['custom', 'generic'] as const) {
        const cell = (n: number) => median(results.filter((x) => x.stmt === stmt && x.k === k && x.mode === mode && x.subjects === n).map((x) => x.perCheck)).toFixed(1);
        console.log(`| ${stmt} | ${k} | ${mode} | ${sizes.map(cell).join(' | ')} |`);
      }
}
