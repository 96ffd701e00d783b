// The 工作台 desk (issue 17 §3): GET /api/desk gathers the shell's TodoProviders for the signed-in user, overdue
// first; ingest's to-dos per role (batches to review, returned batches, rows to correct, late reports); a failing
// provider leaves the rest of the desk (partial); signed-out callers are refused. 近 30 日超期上报 counts the 30
// Beijing days that its link opens 归集统计 on, and that page's sum for them is the same.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.ts';
import { sortTodos, type TodoItem } from '../src/platform/todos.ts';
import { createTestApp, deptId, loginAs, type TestApp } from './helpers/app.ts';
import { multipartFile } from './helpers/multipart.ts';
import { allowFixtureAuthorities } from './helpers/authorities.ts';
import { penaltyCsvChunks } from '../src/domains/ingest/index.ts';
import { chinaEpochDay, isoOfEpochDay } from '../src/platform/workCalendar.ts';
import { importRecords, penaltyRows } from './factories.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

const item = (key: string, count: number, overdue?: number): TodoItem => ({ key, label: key, count, link: '/console', ...(overdue === undefined ? {} : { overdue }) });

describe('sortTodos', () => {
  const cases: Array<{ name: string; input: TodoItem[]; order: string[] }> = [
    { name: 'overdue first, most overdue first', input: [item('a', 5), item('b', 3, 1), item('c', 9, 4)], order: ['c', 'b', 'a'] },
    { name: 'items with work before empty ones', input: [item('a', 0), item('b', 2), item('c', 0, 0)], order: ['b', 'a', 'c'] },
    { name: 'otherwise the providers’ order', input: [item('a', 1), item('b', 7), item('c', 3)], order: ['a', 'b', 'c'] },
    { name: 'nothing', input: [], order: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(sortTodos(c.input).map((x) => x.key), c.order));
});

describe('GET /api/desk', () => {
  const desk = async (headers: Record<string, string>) => {
    const r = await t.app.inject({ method: 'GET', url: '/api/desk', headers });
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as { items: TodoItem[]; partial: boolean };
  };
  const count = (d: { items: TodoItem[] }, key: string) => d.items.find((x) => x.key === key)?.count;

  test('signed out: 401', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/desk' })).statusCode, 401);
  });

  test('each role sees its to-dos with counts and links', async () => {
    const admin = await loginAs(t, 'admin');
    const r = await t.app.inject({ method: 'PATCH', url: `/api/departments/${await deptId(t.db, 'SCJGJ')}`, headers: admin.headers, payload: { reviewRequired: true } });
    assert.equal(r.statusCode, 200, r.body);
    const reporter = await loginAs(t, 'reporter', 'SCJGJ');
    const reviewer = await loginAs(t, 'reviewer', 'SCJGJ');
    const auditor = await loginAs(t, 'auditor');
    assert.equal(count(await desk(reviewer.headers), 'ingest.batches_to_review'), 0);

    const m = multipartFile('处罚.csv', Buffer.concat([...penaltyCsvChunks(30, 5, { encoding: 'utf-8', invalidRate: 0.2 })]));
    const up = await t.app.inject({ method: 'POST', url: `/api/ingest/upload?${encodeURI('catalog=行政处罚')}`, headers: { ...reporter.headers, ...m.headers }, payload: m.payload });
    assert.equal(up.statusCode, 202, up.body);
    const id = up.json().batchId as string;
    let b: { status: string; rejected: number } = { status: 'processing', rejected: 0 };
    for (let i = 0; i < 400 && b.status === 'processing'; i++) {
      b = (await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id}`, headers: reporter.headers })).json();
      if (b.status === 'processing') await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(b.status, 'pending_review');
    assert.ok(b.rejected > 0);

    const rv = await desk(reviewer.headers);
    assert.equal(count(rv, 'ingest.batches_to_review'), 1);
    assert.equal(rv.items.find((x) => x.key === 'ingest.batches_to_review')?.link, '/console/batches?status=pending_review');
    assert.equal(rv.items[0].key, 'ingest.batches_to_review', 'work first');
    assert.equal(count(await desk(admin.headers), 'ingest.batches_to_review'), 1);
    const rp = await desk(reporter.headers);
    assert.equal(count(rp, 'ingest.batches_to_review'), undefined, 'a reporter reviews nothing');
    assert.equal(count(rp, 'ingest.rows_to_correct'), b.rejected);
    assert.deepEqual((await desk(auditor.headers)).items, []);

    const ret = await t.app.inject({ method: 'POST', url: `/api/ingest/batches/${id}/return`, headers: reviewer.headers, payload: { note: '请补充处罚依据' } });
    assert.equal(ret.statusCode, 200, ret.body);
    assert.equal(count(await desk(reviewer.headers), 'ingest.batches_to_review'), 0);
    assert.equal(count(await desk(reporter.headers), 'ingest.batches_returned'), 1);
  });

  test('近 30 日超期上报 opens 归集统计 on the 30 Beijing days it counted, whose sum is the desk\'s count', async () => {
    const admin = await loginAs(t, 'admin');
    // The test above has SCJGJ review its uploads: these batches commit straight away.
    const r = await t.app.inject({ method: 'PATCH', url: `/api/departments/${await deptId(t.db, 'SCJGJ')}`, headers: admin.headers, payload: { reviewRequired: false } });
    assert.equal(r.statusCode, 200, r.body);
    // Three committed batches with late rows: an hour ago, just after the first of the 30 days began (00:01
    // Beijing time) and just before it (23:59 the day before), which the 30 days leave out.
    const today = chinaEpochDay(new Date());
    const first = isoOfEpochDay(today - 29);
    const dayStart = Date.parse(`${first}T00:00:00+08:00`);
    const batches: Array<{ at: Date; late: number }> = [
      { at: new Date(Date.now() - 3600_000), late: 3 },
      { at: new Date(dayStart + 60_000), late: 5 },
      { at: new Date(dayStart - 60_000), late: 7 },
    ];
    for (const [i, b] of batches.entries()) {
      const receipt = await importRecords(t, penaltyRows(2, 900 + i));
      assert.equal((await t.db.selectFrom('ingest_batches').select('status').where('id', '=', receipt.batchId).executeTakeFirstOrThrow()).status, 'committed');
      await t.db.updateTable('ingest_batches').set({ created_at: b.at, late: b.late }).where('id', '=', receipt.batchId).execute();
    }
    const late = (await desk(admin.headers)).items.find((x) => x.key === 'ingest.late_reports');
    assert.ok(late, 'the credit office has the late-report to-do');
    const link = new URL(late.link, 'http://desk');
    assert.equal(link.pathname, '/console/ingest-stats');
    assert.deepEqual([link.searchParams.get('from'), link.searchParams.get('to')], [first, isoOfEpochDay(today)]);
    const stats = await t.app.inject({ method: 'GET', url: `/api/ingest/stats${link.search}`, headers: admin.headers });
    assert.equal(stats.statusCode, 200, stats.body);
    const statsLate = (stats.json() as { items: Array<{ late: number }> }).items.reduce((n, r) => n + r.late, 0);
    assert.equal(late.count, statsLate, '归集统计 shows the desk\'s count for the linked period');
    assert.equal(late.count, 3 + 5, 'the batch of the day before the 30 days is left out');

    // A department's clerk opens 回执 on the batches the count is made of: the same 30 days, only late ones.
    const reporter = await loginAs(t, 'reporter', 'SCJGJ');
    const mine = (await desk(reporter.headers)).items.find((x) => x.key === 'ingest.late_reports');
    assert.ok(mine, 'the reporter has the late-report to-do');
    const theirs = new URL(mine.link, 'http://desk');
    assert.equal(theirs.pathname, '/console/batches');
    assert.equal(theirs.searchParams.get('lateFrom'), first);
    const listed = await t.app.inject({ method: 'GET', url: `/api/ingest/batches${theirs.search}`, headers: reporter.headers });
    assert.equal(listed.statusCode, 200, listed.body);
    const items = (listed.json() as { items: Array<{ late: number; status: string }> }).items;
    assert.deepEqual(items.map((b) => b.late).sort(), [3, 5], 'the two late batches of the 30 days, not the one before nor the others');
    assert.equal(mine.count, 3 + 5);
    const bad = await t.app.inject({ method: 'GET', url: '/api/ingest/batches?lateFrom=2026-13-45', headers: reporter.headers });
    assert.equal(bad.statusCode, 400);
  });

  test('a failing provider is left out and the desk says it is partial', async () => {
    const app = await buildApp(t.ctx, {
      logger: false,
      serveWeb: false,
      todos: [async () => [item('ok', 2)], async () => Promise.reject(new Error('boom')), async () => [item('late', 1, 1)]],
    });
    try {
      const s = await loginAs({ ...t, app }, 'reporter', 'SCJGJ');
      const r = await app.inject({ method: 'GET', url: '/api/desk', headers: s.headers });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json(), { items: [item('late', 1, 1), item('ok', 2)], partial: true });
    } finally {
      await app.close();
    }
  });
});
