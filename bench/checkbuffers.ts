// Buffers per pre-action check (issue 14 "Performance"; docs/bench/check-batching-1m.md): the check's read and
// write statements as the platform runs them (check.batch.ts readChecksSql / storeChecksSql: one statement for the
// checks that arrive together), for 1, 8 and 32 checks per statement, at several subject counts, custom and
// generic plans. A lone check is a batch of one, so the first row is what an unbatched check costs.
// Counts, never times: the blocks every relation of the schema fetched during the statement (triggers and
// foreign-key checks included), read with pg_stat_get_xact_blocks_fetched before and after it in its own
// transaction, plus the EXPLAIN (ANALYZE, BUFFERS) plan's scans.
// Run: `npm run bench -- checkbuffers [--subjects 200000,1000000] [--reps 3]` (subjects loaded as bench/lists.ts
// loads them, 50,000 active entries); prints a table of buffers per check by statement × batch × subjects.
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { Db } from '../src/db/index.ts';
import { installShippedMeasures } from '../src/domains/sanctions/index.ts';
import { type PendingNonce } from '../src/domains/auth/index.ts';
import { type AuditContext } from '../src/platform/audit.ts';
import { evaluate } from '../src/domains/sanctions/check.service.ts';
import { readChecksSql, storeChecksSql, type StoreItem } from '../src/domains/sanctions/check.batch.ts';
import { planQueries, resolvePlanned } from '../src/domains/sanctions/match.ts';
import { measuresRead, measuresFrom } from '../src/domains/sanctions/measures.cache.ts';
import { arg, createBenchDatabase, fmt, openBenchWorkspace } from './lib.ts';
import { loadEntries, loadSubjects } from './lists.ts';

const SECRET = 'bench-lists-secret-0123456789-abcdefghij';

const readSql = (usccs: string[], pendings: PendingNonce[]) => readChecksSql(usccs.map((u, i) => ({ planned: planQueries(SECRET, [{ uscc: u }]), pending: pendings[i] }))).q;

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
            const record = (stmt: string, total: number, checks: number) => r > 0 && results.push({ subjects: n, mode, stmt, k, perCheck: total / checks });
            const br = await measure(d.pool, d.db, readSql(us, us.map(() => pending())), mode);
            const bw = await measure(d.pool, d.db, storeChecksSql(items), mode);
            record('read', br.total, k);
            record('write', bw.total, k);
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
  for (const stmt of ['read', 'write'])
    for (const k of [1, 8, 32])
      for (const mode of ['custom', 'generic'] as const) {
        const cell = (n: number) => median(results.filter((x) => x.stmt === stmt && x.k === k && x.mode === mode && x.subjects === n).map((x) => x.perCheck)).toFixed(1);
        console.log(`| ${stmt} | ${k} | ${mode} | ${sizes.map(cell).join(' | ')} |`);
      }
}
