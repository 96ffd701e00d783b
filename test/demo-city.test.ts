// The living demo city (issue 17 §1): loaded through the platform's own paths, deterministic (same counts on
// two fresh databases), every main portal page and console list non-empty on it, and DEMO_DATA=false empty.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../src/db/index.ts';
import { seedDemo } from '../src/shell/seed.ts';
import { loadDemoOnFirstStart, seedDemoCity, type DemoCitySummary } from '../src/shell/demo/city.ts';
import { createTestApp, loginAs, type TestApp } from './helpers/app.ts';

// A fixed last day, so that both loads see the same year.
const TODAY = '2026-11-30';
let a: TestApp;
let b: TestApp;
let first: DemoCitySummary;

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
    (SELECT count(*)::int FROM departments WHERE uscc IS NULL) AS departments_without_uscc`.execute(db);
  return r.rows[0];
}

async function loadCity(t: TestApp): Promise<DemoCitySummary> {
  await seedDemo(t.db, t.ctx.config, { subjects: 600 });
  return seedDemoCity(t.db, t.ctx.pool, t.ctx.config, { today: TODAY, penalties: 3000, permits: 2000, subjectPool: 1500 });
}

before(async () => {
  a = await createTestApp();
  b = await createTestApp();
  first = await loadCity(a);
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
  assert.ok(c.list_entries > 0 && c.list_types === 5, JSON.stringify(c));
  assert.ok(c.events > 100 && c.published_events > 0, JSON.stringify(c));
  assert.equal(c.cities, 36);
  assert.equal(c.months, 12);
  assert.equal(c.checklist_states, 3);
  assert.equal(c.departments_without_uscc, 0);
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
  for (const url of ['/api/public/sgs?type=permit', '/api/public/credit-events', '/api/public/lists?kind=red', '/api/public/lists?kind=black', '/api/public/code-conversions']) nonEmpty(url, await get(url));
  const policies = await get('/api/public/policies');
  assert.ok(JSON.stringify(policies).includes('实施办法'), 'the policies page lists the documents the city adopted');
  const penalties = nonEmpty('/api/public/sgs?type=penalty', await get('/api/public/sgs?type=penalty'));
  const subjectId = penalties[0].subjectId as string;
  await get(`/api/public/subjects/${subjectId}`);
  nonEmpty('subject records', await get(`/api/public/subjects/${subjectId}/records?tab=penalty`));
  const found = await get(`/api/public/search?q=${encodeURIComponent(String(penalties[0].subjectName ?? '').slice(0, 4))}`);
  nonEmpty('search', found);
  const admin = await loginAs(a, 'admin');
  for (const url of ['/api/ingest/batches', '/api/ingest/records', '/api/monitoring/events', '/api/audit']) nonEmpty(url, await get(url, admin.headers));
});

test('DEMO_DATA=false: first start loads nothing, and the platform stays empty', async () => {
  const t = await createTestApp();
  try {
    const said: string[] = [];
    const creds = await loadDemoOnFirstStart(t.db, t.ctx.pool, { ...t.ctx.config, demoData: false }, (l) => said.push(l));
    assert.deepEqual(creds, []);
    assert.deepEqual(said, []);
    const c = await counts(t.db);
    for (const k of ['subjects', 'records', 'batches', 'list_entries', 'events', 'cities']) assert.equal(c[k], 0, k);
  } finally {
    await t.close();
  }
});
