// The living demo city (issue 17 §1): loaded through the platform's own paths, deterministic (same counts on
// two fresh databases), every main portal page and console list non-empty on it, and DEMO_DATA=false empty.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../src/db/index.ts';
import { decrypt } from '../src/platform/crypto.ts';
import { seedDemo, type DemoCredential } from '../src/shell/seed.ts';
import { demoInterruptedNotice, loadDemoOnFirstStart, seedDemoCity, type DemoCitySummary } from '../src/shell/demo/city.ts';
import { createTestApp, loginAs, type TestApp } from './helpers/app.ts';

// A fixed last day, so that both loads see the same year.
const TODAY = '2026-11-30';
let a: TestApp;
let b: TestApp;
let first: DemoCitySummary;
/** The demo accounts of `a` with their passwords, as seedDemo returns them to print once. */
let accounts: DemoCredential[];

/** Row counts of the tables the demo fills. */
async function counts(db: Db): Promise<Record<string, number>> {
  const r = await sql<Record<string, number>>`SELECT
    (SELECT count(*)::int FROM subjects) AS subjects,
    (SELECT count(*)::int FROM records) AS records,
    (SELECT count(*)::int FROM records WHERE record_type = 'permit') AS permits,
    (SELECT count(*)::int FROM records WHERE status = 'withdrawn') AS withdrawn,
    (SELECT count(*)::int FROM records WHERE repaired_at IS NOT NULL) AS repaired,
    (SELECT count(*)::int FROM records WHERE audience = 'public') AS public,
    (SELECT count(*)::int FROM record_versions) AS versions,
    (SELECT count(*)::int FROM ingest_batches) AS batches,
    (SELECT count(*)::int FROM ingest_rejects) AS rejects,
    (SELECT count(DISTINCT department_id)::int FROM ingest_batches) AS departments,
    (SELECT count(*)::int FROM list_entries) AS list_entries,
    (SELECT count(DISTINCT list_type)::int FROM list_entries) AS list_types,
    (SELECT count(*)::int FROM credit_events) AS events,
    (SELECT count(*)::int FROM credit_events WHERE published_at IS NOT NULL) AS published_events,
    (SELECT count(DISTINCT city)::int FROM official_scores) AS cities,
    (SELECT count(DISTINCT month)::int FROM official_scores) AS months,
    (SELECT count(DISTINCT status)::int FROM checklist_items) AS checklist_states,
    (SELECT count(*)::int FROM sanction_checks) AS checks,
    (SELECT count(DISTINCT check_id)::int FROM sanction_feedback) AS checks_with_feedback,
    (SELECT count(*)::int FROM sanction_feedback WHERE NOT applied) AS measures_not_applied,
    (SELECT count(*)::int FROM records WHERE record_type = 'commitment') AS commitment_records,
    (SELECT count(*)::int FROM commitments) AS voluntary_commitments,
    (SELECT count(*)::int FROM repair_applications) AS repair_applications,
    (SELECT count(DISTINCT status)::int FROM repair_applications) AS repair_states,
    (SELECT count(*)::int FROM objections) AS objections,
    (SELECT count(DISTINCT status)::int FROM objections) AS objection_states,
    (SELECT count(*)::int FROM commitment_fulfilments WHERE outcome = 'breached') AS breaches,
    (SELECT count(*)::int FROM departments WHERE uscc IS NULL) AS departments_without_uscc`.execute(db);
  return r.rows[0];
}

async function loadCity(t: TestApp, onAccounts: (c: DemoCredential[]) => void = () => undefined): Promise<DemoCitySummary> {
  onAccounts(await seedDemo(t.db, t.ctx.config, { subjects: 600 }));
  return seedDemoCity(t.db, t.ctx.pool, t.ctx.config, { today: TODAY, penalties: 3000, permits: 2000, subjectPool: 1500 });
}

before(async () => {
  a = await createTestApp();
  b = await createTestApp();
  first = await loadCity(a, (c) => (accounts = c));
});
after(async () => {
  await a?.close();
  await b?.close();
});

test('the demo city has a year of 双公示, lists, events, scores and a checklist of three states', async () => {
  const c = await counts(a.db);
  assert.ok(c.records >= 4500, `records ${c.records}`);
  assert.ok(c.permits > 1500, `permits ${c.permits}`);
  assert.ok(c.versions > c.records, 'withdrawals add versions');
  assert.ok(c.withdrawn > 0 && c.repaired > 0, JSON.stringify(c));
  assert.ok(c.public > 0 && c.public < c.records, 'the engine decides: some records are not public');
  assert.ok(c.rejects > 0, 'some batches have rows to correct');
  assert.ok(c.departments >= 12, `departments ${c.departments}`);
  // The five list types of the city's decisions (DEMO_LIST_TYPES) and the district government's 严重拖欠农民工工资.
  assert.ok(c.list_entries > 0 && c.list_types === 6, JSON.stringify(c));
  assert.ok(c.events > 100 && c.published_events > 0, JSON.stringify(c));
  assert.equal(c.cities, 36);
  assert.equal(c.months, 12);
  assert.equal(c.checklist_states, 3);
  assert.equal(c.departments_without_uscc, 0);
  // 联合奖惩: checks with feedback (one measure not applied, with its reason) and checks still owing it.
  assert.ok(c.checks > 0 && c.checks_with_feedback > 0 && c.checks_with_feedback < c.checks && c.measures_not_applied > 0, JSON.stringify(c));
  assert.equal(first.checksWithFeedback, c.checks_with_feedback);
  // 信用承诺: collected ones, online ones, and broken ones (违诺).
  assert.ok(c.commitment_records > 0 && c.voluntary_commitments > 0 && c.breaches > 0, JSON.stringify(c));
  // 信用修复 in progress: applications waiting, forwarded, approved and refused.
  assert.ok(c.repair_applications >= 4 && c.repair_states >= 3, JSON.stringify(c));
  // 异议申诉 at every stage: first check, awaiting material, at the department, decided.
  assert.ok(c.objections >= 4 && c.objection_states === 4, JSON.stringify(c));
  assert.ok(first.late > 0 && first.late < first.accepted / 4, `late ${first.late} of ${first.accepted}`);
  // Repairs went through the engine: no repaired record is public any more, and their list entries exited.
  const stillPublic = await sql<{ n: number }>`SELECT count(*)::int AS n FROM records WHERE repaired_at IS NOT NULL AND audience = 'public'`.execute(a.db);
  assert.equal(stillPublic.rows[0].n, 0);
});

test('the demo loads deterministically: the same counts on a second fresh database', async () => {
  const second = await loadCity(b);
  const { ms: _a, ...x } = first;
  const { ms: _b, ...y } = second;
  assert.deepEqual(y, x);
  assert.deepEqual(await counts(b.db), await counts(a.db));
  const names = async (db: Db) => (await db.selectFrom('subjects').select('name').orderBy('name').limit(50).execute()).map((s) => s.name);
  assert.deepEqual(await names(b.db), await names(a.db));
});

test('the main portal pages and console lists are not empty on the demo city', async () => {
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await a.app.inject({ method: 'GET', url, headers });
    assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
    return res.json();
  };
  const nonEmpty = (url: string, body: unknown) => {
    const list = Array.isArray(body) ? body : ((body as Record<string, unknown>).items ?? (body as Record<string, unknown>).records ?? (body as Record<string, unknown>).events);
    assert.ok(Array.isArray(list) && list.length > 0, `${url} is empty: ${JSON.stringify(body).slice(0, 200)}`);
    return list as Array<Record<string, unknown>>;
  };
  for (const url of ['/api/public/sgs?type=permit', '/api/public/sanctions/cases', '/api/public/commitments', '/api/public/commitments/voluntary', '/api/public/credit-events', '/api/public/lists?kind=red', '/api/public/lists?kind=black', '/api/public/code-conversions']) nonEmpty(url, await get(url));
  const policies = await get('/api/public/policies');
  assert.ok(JSON.stringify(policies).includes('实施办法'), 'the policies page lists the documents the city adopted');
  const penalties = nonEmpty('/api/public/sgs?type=penalty', await get('/api/public/sgs?type=penalty'));
  const subjectId = penalties[0].subjectId as string;
  await get(`/api/public/subjects/${subjectId}`);
  nonEmpty('subject records', await get(`/api/public/subjects/${subjectId}/records?tab=penalty`));
  const found = await get(`/api/public/search?q=${encodeURIComponent(String(penalties[0].subjectName ?? '').slice(0, 4))}`);
  nonEmpty('search', found);
  const admin = await loginAs(a, 'admin');
  for (const url of ['/api/ingest/batches', '/api/ingest/records', '/api/monitoring/events', '/api/audit', '/api/commitments/breaches', '/api/repair/applications', '/api/objections']) nonEmpty(url, await get(url, admin.headers));
  // The market regulator's clerk owes feedback on some checks: the desk says so.
  const clerk = await loginAs(a, 'reporter', 'SCJGJ');
  const desk = (await get('/api/desk', clerk.headers)) as { items: Array<{ key: string; count: number }> };
  const owed = desk.items.find((i) => i.key === 'sanctions.checks_without_feedback');
  assert.ok(owed && owed.count > 0, `checks without feedback on the clerk's desk: ${JSON.stringify(desk.items)}`);
});

test('a district administrator sees its district at work: units with a USCC, batches, statistics and a desk with to-dos', async () => {
  const district = await a.db.selectFrom('departments').select(['id', 'code', 'name']).where('kind', '=', 'district').where('parent_id', 'is', null).orderBy('sort_order').executeTakeFirstOrThrow();
  const units = await a.db.selectFrom('departments').select(['id', 'name', 'uscc']).where('parent_id', '=', district.id).execute();
  assert.equal(units.length, 2, 'the district has its market-regulation and law-enforcement bureaus');
  for (const u of units) assert.match(u.uscc ?? '', /^11[0-9A-Z]{16}$/u, `${u.name} has a USCC`);
  const scope = [district.id, ...units.map((u) => u.id)];
  const figures = await sql<{ batches: number; rejected: number; late: number; withdrawn: number; repaired: number; public: number }>`SELECT
    (SELECT count(*)::int FROM ingest_batches WHERE department_id = ANY(${scope}::int[])) AS batches,
    (SELECT coalesce(sum(rejected), 0)::int FROM ingest_batches WHERE department_id = ANY(${scope}::int[])) AS rejected,
    (SELECT coalesce(sum(late), 0)::int FROM ingest_batches WHERE department_id = ANY(${scope}::int[])) AS late,
    (SELECT count(*)::int FROM records WHERE department_id = ANY(${scope}::int[]) AND status = 'withdrawn') AS withdrawn,
    (SELECT count(*)::int FROM records WHERE department_id = ANY(${scope}::int[]) AND repaired_at IS NOT NULL) AS repaired,
    (SELECT count(*)::int FROM records WHERE department_id = ANY(${scope}::int[]) AND audience = 'public') AS public`.execute(a.db);
  const f = figures.rows[0];
  for (const k of ['batches', 'rejected', 'late', 'withdrawn', 'repaired', 'public'] as const) assert.ok(f[k] > 0, `district ${k}: ${JSON.stringify(f)}`);

  // What the district administrator's pages ask: 回执, 归集统计 and the desk, all within the district.
  const admin = await loginAs(a, 'district_admin', district.code);
  const get = async (url: string) => {
    const res = await a.app.inject({ method: 'GET', url, headers: admin.headers });
    assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
    return res.json();
  };
  const batches = (await get('/api/ingest/batches')) as { items: Array<{ department: { id: number } }> };
  assert.ok(batches.items.length > 0, 'the 回执 page lists the district\'s batches');
  assert.deepEqual([...new Set(batches.items.map((b) => b.department.id))].filter((id) => !scope.includes(id)), [], 'only the district\'s');
  const stats = (await get('/api/ingest/stats')) as { items: Array<{ departmentId: number; batches: number; accepted: number; rejected: number; late: number }> };
  const mine = stats.items.filter((r) => scope.includes(r.departmentId));
  assert.equal(mine.length, 3, 'the district and its two units');
  for (const r of mine) assert.ok(r.batches > 0 && r.accepted > 0, `归集统计 ${JSON.stringify(r)}`);
  assert.ok(mine.some((r) => r.rejected > 0) && mine.some((r) => r.late > 0), JSON.stringify(mine));
  const objections = (await get('/api/objections')) as { items: unknown[] };
  assert.ok(objections.items.length > 0, 'the 异议申诉 queue has an objection to the district\'s own record');
  const desk = (await get('/api/desk')) as { items: Array<{ key: string; count: number }> };
  const correct = desk.items.find((i) => i.key === 'ingest.rows_to_correct');
  assert.ok(correct && correct.count > 0, `the desk has rows to correct: ${JSON.stringify(desk.items)}`);
});

/** Signs in as one of the demo's own accounts (with the password printed at load). */
async function signInDemo(username: string): Promise<Record<string, string>> {
  const account = accounts.find((c) => c.username === username);
  assert.ok(account, `the demo has an account ${username}`);
  const res = await a.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: account.password } });
  assert.equal(res.statusCode, 200, res.body);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { cookie, 'x-csrf-token': res.json().csrfToken as string };
}

async function getAs<T>(headers: Record<string, string>, url: string): Promise<T> {
  const res = await a.app.inject({ method: 'GET', url, headers });
  assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
  return res.json() as T;
}

test('API密钥: department systems\' keys with their state (in use, revoked, not used yet), and no secret readable', async () => {
  type Key = { id: number; appKey: string; name: string; departmentId: number; revokedAt: string | null; lastUsedAt: string | null };
  const admin = await signInDemo('admin');
  const res = await a.app.inject({ method: 'GET', url: '/api/apikeys', headers: admin });
  assert.equal(res.statusCode, 200);
  const keys = (res.json() as { items: Key[] }).items;
  assert.ok(keys.length >= 3, `keys: ${res.body}`);
  assert.ok(keys.some((k) => k.revokedAt !== null), 'one key is revoked');
  const used = keys.filter((k) => k.revokedAt === null && k.lastUsedAt !== null);
  assert.equal(used.length, 1, 'the licensing system\'s key was used (its signed checks)');
  const apiChecks = await a.db.selectFrom('sanction_checks').select('id').where('channel', '=', 'api').where('api_key_id', '=', used[0].id).execute();
  assert.ok(apiChecks.length > 0, 'its last use is the checks it made through the signed API');
  // The secrets exist only encrypted: not in the list, not in the audit log, the settings or anything printed.
  const rows = await a.db.selectFrom('api_keys').select(['app_key', 'secret_enc']).execute();
  const secrets = rows.map((r) => decrypt(a.ctx.config.secret, r.secret_enc, 'api-key'));
  assert.equal(secrets.length, keys.length);
  const audit = JSON.stringify(await a.db.selectFrom('audit_log').select('detail').execute());
  const settings = JSON.stringify(await a.db.selectFrom('settings').select('value').execute());
  for (const secret of secrets) {
    assert.ok(secret.length >= 32);
    assert.ok(!res.body.includes(secret) && !audit.includes(secret) && !settings.includes(secret), 'a key\'s secret is readable');
    assert.ok(!rows.some((r) => r.secret_enc.includes(secret)), 'stored in the clear');
  }
  for (const k of keys) assert.deepEqual(Object.keys(k).filter((f) => /secret/i.test(f)), []);
  // The district administrator sees its own unit's key only.
  const district = await signInDemo('district_admin');
  const mine = (await getAs<{ items: Key[] }>(district, '/api/apikeys')).items;
  assert.ok(mine.length > 0 && mine.every((k) => !used.some((u) => u.id === k.id)), JSON.stringify(mine));
  // Only keys of its district's departments (the console's API密钥 page shows it this list, issue 17 §1).
  const { government, market } = await firstDistrict();
  const scope = [government.id, ...(await a.db.selectFrom('departments').select('id').where('parent_id', '=', government.id).execute()).map((d) => d.id)];
  assert.deepEqual(mine.map((k) => k.id), keys.filter((k) => scope.includes(k.departmentId)).map((k) => k.id), 'exactly the keys of its district');
  assert.ok(keys.some((k) => !scope.includes(k.departmentId)), 'the city has keys the district does not see');
  // The auditor, who also has the menu item, reads every key and may not make one.
  const auditor = await signInDemo('auditor');
  assert.equal((await getAs<{ items: Key[] }>(auditor, '/api/apikeys')).items.length, keys.length);
  const refused = await a.app.inject({ method: 'POST', url: '/api/apikeys', headers: auditor, payload: { departmentId: market.id, name: '审计员不得创建' } });
  assert.equal(refused.statusCode, 403, refused.body);
});

test('审核员: the market regulator\'s review queue has batches held (nothing of them public), a history of approvals and a return with its note', async () => {
  type Batch = { batchId: string; status: string; reviewNote?: string | null; department: { id: number } };
  const market = await a.db.selectFrom('departments').select(['id', 'review_required']).where('code', '=', 'SCJGJ').executeTakeFirstOrThrow();
  assert.equal(market.review_required, true, '报送需审核 is on for the regulator');
  const reviewer = await signInDemo('scjg_reviewer');
  const queue = (await getAs<{ items: Batch[] }>(reviewer, '/api/ingest/batches?status=pending_review')).items;
  assert.ok(queue.length > 0, 'the reviewer\'s queue is not empty');
  const desk = await getAs<{ items: Array<{ key: string; count: number }> }>(reviewer, '/api/desk');
  assert.equal(desk.items.find((i) => i.key === 'ingest.batches_to_review')?.count, queue.length, JSON.stringify(desk.items));
  // Nothing of a held batch is written, hence nothing public; its rows wait, masked, for the reviewer.
  const heldIds = queue.map((b) => b.batchId);
  const written = await a.db.selectFrom('records').select('id').where('batch_id', 'in', heldIds).execute();
  assert.equal(written.length, 0, 'records of a batch awaiting review');
  const held = await getAs<{ items: unknown[] }>(reviewer, `/api/ingest/batches/${heldIds[0]}/held-rows`);
  assert.ok(held.items.length > 0, 'the held batch has rows to review');
  // History: approved batches (committed, with the reviewer) and one returned with a note.
  const committed = await a.db.selectFrom('ingest_batches').select(['id', 'reviewed_by', 'created_at']).where('department_id', '=', market.id).where('status', '=', 'committed').execute();
  const approved = committed.filter((b) => b.reviewed_by !== null);
  assert.ok(approved.length > 0, 'approved batches');
  const approvedPublic = await a.db.selectFrom('records').select('id').where('batch_id', 'in', approved.map((b) => b.id)).where('audience', '=', 'public').execute();
  assert.ok(approvedPublic.length > 0, 'an approved batch\'s records are public');
  const returned = (await getAs<{ items: Batch[] }>(reviewer, '/api/ingest/batches?status=returned')).items;
  assert.ok(returned.length > 0 && returned.every((b) => (b.reviewNote ?? '').length > 0), JSON.stringify(returned));
  // Consistent with the year before: what the regulator sent before the setting was turned on stays committed and
  // public, and nothing it sent since the first reviewed upload was committed without review.
  const reviewed = await a.db.selectFrom('ingest_batches').select('created_at').where('department_id', '=', market.id).where('reviewed_by', 'is not', null).execute();
  const since = new Date(Math.min(...reviewed.map((b) => new Date(b.created_at).getTime())));
  const before = committed.filter((b) => b.reviewed_by === null);
  assert.ok(before.length > 0 && before.every((b) => new Date(b.created_at) < since), 'unreviewed batches predate the review step');
  const publicBefore = await a.db.selectFrom('records').select('id').where('batch_id', 'in', before.map((b) => b.id)).where('audience', '=', 'public').limit(1).execute();
  assert.equal(publicBefore.length, 1, 'the regulator\'s records from before the review step stay published');
});

test('a district\'s 用户管理 lists its own people besides its administrator: clerks and a reviewer of its units', async () => {
  const district = await signInDemo('district_admin');
  const users = (await getAs<{ items: Array<{ username: string; role: string; departmentId: number | null }> }>(district, '/api/users')).items;
  const clerks = users.filter((u) => u.role === 'reporter' || u.role === 'reviewer');
  assert.ok(clerks.some((u) => u.role === 'reporter') && clerks.some((u) => u.role === 'reviewer'), `users: ${JSON.stringify(users)}`);
  assert.ok(users.length > clerks.length, 'its administrator is listed too');
});

test('a district\'s 信用承诺 page has broken commitments (违诺) of its unit, beside kept ones', async () => {
  const district = await signInDemo('district_admin');
  const breaches = (await getAs<{ items: Array<{ basis: string }> }>(district, '/api/commitments/breaches')).items;
  assert.ok(breaches.length > 0, 'the district\'s 信用承诺 page has breaches');
  // The same clerk kept others: the district's marks are not all breaches.
  const marks = await sql<{ kept: number }>`SELECT count(*)::int AS kept FROM commitment_fulfilments f JOIN departments d ON d.id = f.department_id
    JOIN departments g ON g.id = d.parent_id JOIN users u ON u.department_id = g.id AND u.username = 'district_admin' WHERE f.outcome = 'kept'`.execute(a.db);
  assert.ok(marks.rows[0].kept > 0, 'kept commitments in the district');
});

/** The first district's government and its market-regulation unit (the departments of the district's own accounts). */
async function firstDistrict(): Promise<{ government: { id: number; name: string }; market: { id: number; name: string } }> {
  const government = await a.db.selectFrom('departments').select(['id', 'name', 'code']).where('kind', '=', 'district').where('parent_id', 'is', null).orderBy('sort_order').executeTakeFirstOrThrow();
  const market = await a.db.selectFrom('departments').select(['id', 'name']).where('code', '=', `${government.code}SCJG`).executeTakeFirstOrThrow();
  return { government, market };
}

type RepairRow = { id: string; departmentId: number; status: string; decideDue: string | null; due: string | null };
type ObjectionRow = { id: string; departmentId: number; status: string; dueOn: string | null };

test('the district government\'s clerk (district_reporter) sees its own 红黑名单, 信用修复, 异议申诉 and 信用承诺 at work', async () => {
  const { government } = await firstDistrict();
  const clerk = await signInDemo('district_reporter');
  // 红黑名单 (ListEntriesPage: the register, a reporter's own department's entries): in force and one removed.
  const entries = await getAs<{ total: number; items: Array<{ status: string; departmentId: number | null; removedReason: string | null }> }>(clerk, '/api/lists/entries?page=1&pageSize=20');
  assert.ok(entries.items.length > 0, '红黑名单 is empty');
  assert.ok(entries.items.every((e) => e.departmentId === government.id), JSON.stringify(entries.items));
  assert.ok(entries.items.filter((e) => e.status === 'listed').length >= 2, JSON.stringify(entries.items));
  assert.ok(entries.items.some((e) => e.status === 'removed' && e.removedReason !== null), JSON.stringify(entries.items));
  // 信用修复 (RepairQueuePage: 待处理 first, then 全部): one waiting for the government's decision, with its deadline.
  const open = (await getAs<{ items: RepairRow[] }>(clerk, '/api/repair/applications?status=open')).items;
  assert.ok(open.length > 0 && open.every((r) => r.departmentId === government.id), JSON.stringify(open));
  assert.ok(open.some((r) => r.status === 'forwarded' && r.decideDue !== null && r.due === r.decideDue), JSON.stringify(open));
  const all = (await getAs<{ items: RepairRow[] }>(clerk, '/api/repair/applications?status=all')).items;
  for (const s of ['forwarded', 'approved', 'refused']) assert.ok(all.some((r) => r.status === s), `${s}: ${JSON.stringify(all)}`);
  // 异议申诉 (ObjectionsPage): one on its record waiting for it to verify, and one it has decided.
  const objections = (await getAs<{ items: ObjectionRow[] }>(clerk, '/api/objections?status=all')).items;
  assert.ok(objections.every((o) => o.departmentId === government.id), JSON.stringify(objections));
  assert.ok(objections.some((o) => o.status === 'at_department' && o.dueOn !== null), JSON.stringify(objections));
  assert.ok(objections.some((o) => o.status === 'decided'), JSON.stringify(objections));
  // 信用承诺 (CommitmentsPage: the department's breaches), beside commitments it found kept.
  const breaches = (await getAs<{ items: Array<{ departmentName: string | null }> }>(clerk, '/api/commitments/breaches')).items;
  assert.ok(breaches.length > 0 && breaches.every((b) => b.departmentName === government.name), JSON.stringify(breaches));
  const kept = await a.db.selectFrom('commitment_fulfilments').select('id').where('department_id', '=', government.id).where('outcome', '=', 'kept').execute();
  assert.ok(kept.length > 0, 'kept commitments of the district government');
});

test('the district market regulator\'s reviewer (district_scjg_reviewer) has repair applications to decide and decided ones', async () => {
  const { market } = await firstDistrict();
  const reviewer = await signInDemo('district_scjg_reviewer');
  const open = (await getAs<{ items: RepairRow[] }>(reviewer, '/api/repair/applications?status=open')).items;
  assert.ok(open.length > 0 && open.every((r) => r.departmentId === market.id), JSON.stringify(open));
  assert.ok(open.some((r) => r.status === 'forwarded' && r.decideDue !== null), JSON.stringify(open));
  const all = (await getAs<{ items: RepairRow[] }>(reviewer, '/api/repair/applications?status=all')).items;
  for (const s of ['forwarded', 'approved', 'refused']) assert.ok(all.some((r) => r.status === s), `${s}: ${JSON.stringify(all)}`);
});

test('DEMO_DATA=false: first start loads nothing, and the platform stays empty', async () => {
  const t = await createTestApp();
  try {
    const said: string[] = [];
    const creds = await loadDemoOnFirstStart(t.db, t.ctx.pool, { ...t.ctx.config, demoData: false }, (l) => said.push(l));
    assert.deepEqual(creds, []);
    assert.deepEqual(said, []);
    const c = await counts(t.db);
    for (const k of ['subjects', 'records', 'batches', 'list_entries', 'events', 'cities', 'checks', 'commitment_records', 'voluntary_commitments', 'repair_applications', 'objections']) assert.equal(c[k], 0, k);
  } finally {
    await t.close();
  }
});

test('a start after a first start that stopped during the demo load says so and how to start over; a complete demo says nothing', async () => {
  // Complete: the accounts and the city are in, so a later start is silent and loads nothing.
  const quiet: string[] = [];
  assert.deepEqual(await loadDemoOnFirstStart(a.db, a.ctx.pool, { ...a.ctx.config, demoData: true }, (l) => quiet.push(l)), []);
  assert.deepEqual(quiet, []);
  // Interrupted: seedDemo ran (accounts made, demo marked loaded) but the city never went in.
  const t = await createTestApp();
  try {
    await seedDemo(t.db, t.ctx.config, { subjects: 20 });
    const said: string[] = [];
    const creds = await loadDemoOnFirstStart(t.db, t.ctx.pool, { ...t.ctx.config, demoData: true }, (l) => said.push(l));
    assert.deepEqual(creds, []);
    assert.deepEqual(said, [demoInterruptedNotice(t.ctx.config)]);
    assert.match(said[0]!, /中断.*演示城市不完整.*再执行 npm start/);
    assert.equal((await counts(t.db)).records, 0, 'nothing more is loaded over the half');
  } finally {
    await t.close();
  }
});
