// Monitoring HTTP, part 3: correction turnaround in the department scorecards and the monthly trend,
// through the real app on a real database. Batches go through the real import path (importRows);
// only their creation time is moved into the past afterwards, as if they had been uploaded then.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { findActiveItem } from '../catalog/catalog.repository.ts';
import type { CatalogItem } from '../catalog/catalog.schemas.ts';
import { importRows, type Receipt } from '../ingest/import.service.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from '../ingest/index.ts';
import { BATCH_SCORECARD_WEIGHTS } from '../assessment/index.ts';
import { compare, parseScores } from './index.ts';

const SCORES_36 = readFileSync(new URL('../../../test/fixtures/monitoring/scores-36.csv', import.meta.url));
const CITY = '西宁市';

let t: TestApp;
let admin: Awaited<ReturnType<typeof loginAs>>;
let auditor: Awaited<ReturnType<typeof loginAs>>;
let item: CatalogItem;
let scjgj: number;
let swj: number;

type Row = Record<string, string>;

const get = (url: string, cookie = auditor.cookie) => t.app.inject({ method: 'GET', url, headers: { cookie } });

/** The header (Chinese name) of the catalogue field with a role or code. */
function header(pick: { role?: string; code?: string }): string {
  const f = item.items.find((x) => (pick.role ? x.role === pick.role : x.code === pick.code));
  assert.ok(f, JSON.stringify(pick));
  return f.name;
}

/** Valid 行政处罚 rows, decided in early September 2026. */
function penaltyRows(n: number, seed: number): Row[] {
  return [...generatePenaltyRows(n, seed, { from: '2026-09-01', to: '2026-09-18' })].map((g) =>
    Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, g.cells[i]])),
  );
}

/** The same row with a required field left empty, so validation rejects it. */
const broken = (r: Row): Row => ({ ...r, [header({ code: 'CF_WFXW' })]: '' });

/** Imports rows through the real pipeline, then dates the batch as uploaded at `at` (China time). */
async function upload(departmentId: number, rows: Row[], at: string): Promise<Receipt> {
  const reportDate = new Date(at);
  const r = await importRows({ db: t.db, pool: t.ctx.pool, secret: t.ctx.config.secret, item, departmentId, channel: 'form', rows, reportDate });
  assert.equal(r.status, 'committed', JSON.stringify(r.errors));
  await t.db.updateTable('ingest_batches').set({ created_at: reportDate, finished_at: reportDate }).where('id', '=', r.batchId).execute();
  return r;
}

interface Card {
  departmentId: number;
  name: string;
  reported: number;
  rejected: number;
  corrected: number;
  uncorrected: number;
  avgCorrectionDays: number | null;
  firstPassRate: number | null;
  score: number;
  components: Record<string, number>;
}

async function cardOf(month: string, departmentId: number): Promise<Card & { weights: Record<string, number> }> {
  const r = await get(`/api/monitoring/scorecards?month=${month}`);
  assert.equal(r.statusCode, 200, r.body);
  const card = (r.json().items as Card[]).find((c) => c.departmentId === departmentId);
  assert.ok(card);
  return { ...card, weights: r.json().weights };
}

before(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
  auditor = await loginAs(t, 'auditor');
  item = (await findActiveItem(t.db, '行政处罚'))!;
  assert.ok(item);
  scjgj = await deptId(t.db, 'SCJGJ');
  swj = await deptId(t.db, 'SWUJU');
  // Both departments may report the authorities the generated rows name (issue 11 §1).
  for (const code of ['SCJGJ', 'SWUJU']) await allowFixtureAuthorities(t.db, code);

  const [v0, v1, v2, r1, r2, r3] = penaltyRows(6, 2026);
  const update = { ...v0, [header({ role: 'remark' })]: '更正罚没款' };
  // 市场监管局: one record on Monday 28 September, then a batch on Wednesday 30 September with two
  // good rows, three new rows rejected and an update of the earlier record rejected too.
  await upload(scjgj, [v0], '2026-09-28T10:00:00+08:00');
  const b1 = await upload(scjgj, [v1, v2, broken(r1), broken(r2), broken(r3), broken(update)], '2026-09-30T10:00:00+08:00');
  assert.deepEqual([b1.accepted, b1.rejected], [2, 4]);
  // r1 corrected on Friday 9 October, after the National Day holiday (1–7 October): 2 working days.
  await upload(scjgj, [r1], '2026-10-09T10:00:00+08:00');
  // r2 is reported by 税务局, not by the department whose row was rejected: no correction.
  await upload(swj, [r2], '2026-10-12T10:00:00+08:00');
  // r3 corrected on Friday 16 October: 8, 9, 10 (调休 Saturday), 12–16 October = 8 working days.
  await upload(scjgj, [r3], '2026-10-16T10:00:00+08:00');
});
after(async () => {
  await t?.close();
});

describe('scorecards: correction turnaround', () => {
  test('the default weights include correction and add up to 1', async () => {
    const c = await cardOf('2026-09', scjgj);
    assert.deepEqual(c.weights, BATCH_SCORECARD_WEIGHTS);
    assert.ok(c.weights.correction > 0);
    assert.ok(c.weights.feedback > 0, 'joint-punishment feedback is collected (sanctions domain), so it has a weight');
    assert.equal(Math.round(Object.values(c.weights).reduce((a, b) => a + b, 0) * 1e9) / 1e9, 1);
  });

  test('rejected rows later stored by the same department are corrected, in working days across holidays and weekends', async () => {
    const c = await cardOf('2026-09', scjgj);
    assert.equal(c.reported, 7);
    assert.equal(c.rejected, 4);
    assert.equal(c.firstPassRate, 0.4286);
    // r1 (2 days) and r3 (8 days); r2 went in only through another department, and the earlier
    // version of the updated record does not count as a correction of its later rejection.
    assert.equal(c.corrected, 2);
    assert.equal(c.uncorrected, 2);
    assert.equal(c.avgCorrectionDays, 5);
    // Average 5 working days meets the target: full speed, times the corrected share 2 / 4.
    assert.equal(c.components.correction, 0.5);
    const w = c.weights;
    const expected = 100 * (w.volume * c.components.volume + w.timeliness * c.components.timeliness + w.firstPass * c.components.firstPass + w.correction * 0.5 + w.feedback * c.components.feedback + w.handling * c.components.handling);
    assert.ok(Math.abs(c.score - expected) < 0.01, `${c.score} ≈ ${expected} (components are rounded to 4 places)`);
  });

  test('the credit office calendar overrides count: a day made a holiday shortens the turnaround', async () => {
    await t.db.insertInto('calendar_overrides').values({ day: '2026-10-14', kind: 'holiday', name: '测试：临时休息日', created_by: null }).execute();
    try {
      const c = await cardOf('2026-09', scjgj);
      assert.equal(c.avgCorrectionDays, 4.5); // (2 + 7) / 2
      assert.equal(c.corrected, 2);
    } finally {
      await t.db.deleteFrom('calendar_overrides').where('day', '=', '2026-10-14').execute();
    }
  });

  test("another department's record is its own report, not a correction; months without rejections have nothing to correct", async () => {
    const s = await cardOf('2026-10', swj);
    assert.deepEqual([s.reported, s.rejected, s.corrected, s.uncorrected, s.avgCorrectionDays], [1, 0, 0, 0, null]);
    assert.equal(s.components.correction, 1);
    const a = await cardOf('2026-10', scjgj);
    assert.deepEqual([a.reported, a.rejected, a.corrected, a.uncorrected], [2, 0, 0, 0]);
    const none = await cardOf('2026-10', await deptId(t.db, 'SFJ'));
    assert.equal(none.reported, 0);
    assert.equal(none.components.correction, 0, 'nothing reported scores nothing for correction');
  });

  test('a department that reported nothing is 未报送: score 0, no rank, after every reporter (issue 17 §4)', async () => {
    const r = await get('/api/monitoring/scorecards?month=2026-10');
    const items = r.json().items as (Card & { rank: number | null; status: string })[];
    const sfj = await deptId(t.db, 'SFJ');
    const none = items.find((c) => c.departmentId === sfj)!;
    assert.deepEqual([none.status, none.score, none.rank], ['not_reported', 0, null]);
    const firstSilent = items.findIndex((c) => c.status === 'not_reported');
    assert.ok(items.slice(0, firstSilent).every((c) => c.status === 'reported' && c.rank !== null && c.reported > 0));
    assert.ok(items.slice(firstSilent).every((c) => c.status === 'not_reported' && c.rank === null));
    assert.equal(items.filter((c) => c.rank !== null).length, 2, 'the two departments that reported in October');
    const x = await get('/api/monitoring/scorecards.xlsx?month=2026-10');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
    const rows: string[][] = [];
    wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map(String)));
    const silent = rows.find((row) => row[1] === none.name)!;
    const scoreCol = rows[0].indexOf('综合得分');
    assert.deepEqual([silent[0], silent[scoreCol]], ['—', '未报送']);
  });

  test('the .xlsx export has the correction columns', async () => {
    const x = await get('/api/monitoring/scorecards.xlsx?month=2026-09');
    assert.equal(x.statusCode, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
    const rows: string[][] = [];
    wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map(String)));
    const head = rows[0];
    assert.deepEqual(head.slice(8, 12), ['退回条数', '已更正', '未更正', '平均更正用时（工作日）']);
    const mine = rows.find((r) => r[1] === '西宁市市场监督管理局')!;
    assert.deepEqual(mine.slice(8, 12), ['4', '2', '2', '5']);
    const other = rows.find((r) => r[1] === '国家税务总局西宁市税务局')!;
    assert.deepEqual(other.slice(8, 12), ['0', '0', '0', '—']);
  });

  test('weights come from the settings row and must add up to 1', async () => {
    const weights = { volume: 0.25, timeliness: 0.25, firstPass: 0.25, correction: 0.25 };
    await t.db.insertInto('settings').values({ key: 'monitoring.scorecardWeights', value: JSON.stringify(weights) }).execute();
    try {
      const c = await cardOf('2026-09', scjgj);
      assert.deepEqual(c.weights, { ...weights, feedback: 0, handling: 0 }, 'a row written before feedback and handling existed keeps its own weights');
      const k = c.components;
      const expected = 25 * (k.volume + k.timeliness + k.firstPass + k.correction);
      assert.ok(Math.abs(c.score - expected) < 0.01, `${c.score} ≈ ${expected} (components are rounded to 4 places)`);

      await t.db.updateTable('settings').set({ value: JSON.stringify({ ...weights, correction: 0.5 }) }).where('key', '=', 'monitoring.scorecardWeights').execute();
      const bad = await get('/api/monitoring/scorecards?month=2026-09');
      assert.equal(bad.statusCode, 500);
      assert.equal(bad.json().error.code, 'invalid_setting');
      assert.match(bad.json().error.message, /考核权重合计 1\.25，应为 1/);
    } finally {
      await t.db.deleteFrom('settings').where('key', '=', 'monitoring.scorecardWeights').execute();
    }
  });
});

describe('monthly trend', () => {
  before(async () => {
    const m = multipartFile('scores-36.csv', SCORES_36);
    const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/scores/import', payload: m.payload, headers: { ...admin.headers, ...m.headers } });
    assert.equal(r.statusCode, 200, r.body);
  });

  test('composite, rank and peer count per month in order, from the official scores; null where none', async () => {
    const r = await get('/api/monitoring/trend?from=2017-06&to=2018-01');
    assert.equal(r.statusCode, 200, r.body);
    const b = r.json();
    assert.equal(b.city, CITY);
    assert.equal(b.tree.id, 'gen1');
    assert.deepEqual(
      b.items.map((i: { month: string }) => i.month),
      ['2017-06', '2017-07', '2017-08', '2017-09', '2017-10', '2017-11', '2017-12', '2018-01'],
    );
    assert.equal(b.items[0].score, null);
    assert.equal(b.items[7].score, null);
    const table = await parseScores(SCORES_36, 'scores-36.csv');
    for (const i of b.items.slice(1, 7)) {
      const c = compare(table, CITY, { month: i.month });
      assert.deepEqual(i.score, { composite: c.composite, average: c.average, rank: c.rank, of: 36 }, i.month);
    }
    const ranks = b.items.slice(1, 7).map((i: { score: { rank: number } }) => i.score.rank);
    assert.ok(new Set(ranks).size > 1, `ranks vary over the months: ${ranks}`);
    assert.deepEqual(b.items[0].collection, { batches: 0, accepted: 0, rejected: 0 });
  });

  test('collection volume per month counts the rows of committed batches (China time)', async () => {
    const r = await get('/api/monitoring/trend?from=2026-08&to=2026-10');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(
      r.json().items.map((i: { month: string; score: unknown; collection: unknown }) => [i.month, i.score, i.collection]),
      [
        ['2026-08', null, { batches: 0, accepted: 0, rejected: 0 }],
        ['2026-09', null, { batches: 2, accepted: 3, rejected: 4 }],
        ['2026-10', null, { batches: 3, accepted: 3, rejected: 0 }],
      ],
    );
  });

  test('bad ranges → 400; a city the scores do not know → 404', async () => {
    const reversed = await get('/api/monitoring/trend?from=2017-12&to=2017-07');
    assert.equal(reversed.statusCode, 400);
    assert.match(reversed.json().error.message, /开始月份 2017-12 晚于结束月份 2017-07/);
    assert.equal((await get('/api/monitoring/trend?from=2017-07')).statusCode, 400);
    assert.equal((await get('/api/monitoring/trend?from=2017-7&to=2017-12')).statusCode, 400);
    const long = await get('/api/monitoring/trend?from=2000-01&to=2017-12');
    assert.equal(long.statusCode, 400);
    assert.match(long.json().error.message, /最多查询 120 个月/);
    const city = await get(`/api/monitoring/trend?from=2017-07&to=2017-12&city=${encodeURIComponent('西宁')}`);
    assert.equal(city.statusCode, 404);
    assert.equal(city.json().error.code, 'unknown_city');
  });

  test('the trend is documented in the OpenAPI document', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/docs/json' });
    const op = r.json().paths['/api/monitoring/trend'];
    assert.ok(op?.get, 'GET /api/monitoring/trend');
    assert.deepEqual(op.get.parameters.map((p: { name: string }) => p.name).sort(), ['city', 'from', 'to', 'tree']);
  });
});

describe('access', () => {
  test('credit office roles read trend and scorecards; a department reporter gets 403; signed out 401', async () => {
    const district = await loginAs(t, 'district_admin', (await t.db.selectFrom('departments').select('code').where('kind', '=', 'district').executeTakeFirstOrThrow()).code);
    assert.equal((await get('/api/monitoring/trend?from=2026-09&to=2026-10', district.cookie)).statusCode, 200);
    assert.equal((await get('/api/monitoring/trend?from=2026-09&to=2026-10', admin.cookie)).statusCode, 200);
    const reporter = await loginAs(t, 'reporter');
    for (const url of ['/api/monitoring/trend?from=2026-09&to=2026-10', '/api/monitoring/scorecards?month=2026-09', '/api/monitoring/scorecards.xlsx?month=2026-09']) {
      assert.equal((await get(url, reporter.cookie)).statusCode, 403, url);
      assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 401, url);
    }
  });
});
