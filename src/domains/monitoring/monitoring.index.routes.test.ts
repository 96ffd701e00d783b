// Monitoring HTTP, part 2: indicator trees, official scores, comparison, what-if, briefings and
// department scorecards, through the real app on a real database. Expected figures come from the
// core run on the same fixture file, so the API is checked against the CLI's contract.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { docxText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { compareJson } from './compare.ts';
import { encodeGb18030 } from '../ingest/index.ts';
import type { MonitoringTables } from '../../db/monitoring.types.ts';
import type { DB } from '../../db/types.ts';
import { compare, parseScores, planWhatIf } from './index.ts';

const FIXTURES = new URL('../../../test/fixtures/monitoring/', import.meta.url);
const SCORES_36 = readFileSync(new URL('scores-36.csv', FIXTURES));
const CITY = '西宁市';

let t: TestApp;
let admin: Awaited<ReturnType<typeof loginAs>>;
let auditor: Awaited<ReturnType<typeof loginAs>>;
let district: Awaited<ReturnType<typeof loginAs>>;
let mdb: Kysely<DB & MonitoringTables>;

before(async () => {
  t = await createTestApp();
  mdb = t.db as unknown as Kysely<DB & MonitoringTables>;
  admin = await loginAs(t, 'admin');
  auditor = await loginAs(t, 'auditor');
  const firstDistrict = await t.db.selectFrom('departments').select('code').where('kind', '=', 'district').orderBy('sort_order').executeTakeFirstOrThrow();
  district = await loginAs(t, 'district_admin', firstDistrict.code);
});
after(async () => {
  await t?.close();
});

function upload(url: string, name: string, content: Buffer | string, headers: Record<string, string> = admin.headers) {
  const m = multipartFile(name, Buffer.from(content));
  return t.app.inject({ method: 'POST', url, payload: m.payload, headers: { ...headers, ...m.headers } });
}

const get = (url: string, cookie = auditor.cookie) => t.app.inject({ method: 'GET', url, headers: { cookie } });

async function scoreCount(): Promise<number> {
  const r = await mdb.selectFrom('official_scores').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function auditRows(action: string) {
  return t.db.selectFrom('audit_log').select(['action', 'target', 'detail']).where('action', '=', action).orderBy('id').execute();
}

describe('API documentation', () => {
  test('every monitoring route is in the OpenAPI document', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(r.statusCode, 200);
    const paths = Object.keys(r.json().paths);
    for (const p of [
      '/api/monitoring/events',
      '/api/monitoring/events/import',
      '/api/monitoring/events/stats',
      '/api/monitoring/events/{id}/override',
      '/api/monitoring/classify',
      '/api/monitoring/checklist',
      '/api/monitoring/checklist/{id}',
      '/api/monitoring/checklist/import',
      '/api/monitoring/checklist/export.xlsx',
      '/api/public/policies',
      '/api/monitoring/trees',
      '/api/monitoring/trees/{id}/weights',
      '/api/monitoring/scores/import',
      '/api/monitoring/compare',
      '/api/monitoring/effect-rules',
      '/api/monitoring/whatif',
      '/api/monitoring/report',
      '/api/monitoring/scorecards',
      '/api/monitoring/scorecards.xlsx',
    ]) {
      assert.ok(paths.includes(p), p);
    }
  });
});

describe('indicator trees', () => {
  test('both shipped trees are stored as version 1 on first use', async () => {
    const r = await get('/api/monitoring/trees');
    assert.equal(r.statusCode, 200, r.body);
    const items = r.json().items as { id: string; version: number; total: number; nodes: unknown[]; versions: { version: number; active: boolean }[] }[];
    assert.deepEqual(items.map((x) => [x.id, x.version, x.total]).sort(), [['2020', 1, 100], ['gen1', 1, 100]]);
    assert.equal(items.find((x) => x.id === 'gen1')!.nodes.length, 12);
    assert.deepEqual(items[0].versions.map((v) => [v.version, v.active]), [[1, true]]);
  });
  test('the 20261206T0800 migration marks a gen1 tree stored without maxKnown as unknown maximums', async () => {
    // A tree stored before issue 16 was a copy of the old JSON without the flag.
    await sql`UPDATE indicator_trees SET definition = jsonb_set(definition, '{nodes}',
      (SELECT jsonb_agg(n - 'maxKnown' ORDER BY o) FROM jsonb_array_elements(definition -> 'nodes') WITH ORDINALITY AS x(n, o))) WHERE id = 'gen1'`.execute(t.db);
    const nodes = async () => (await get('/api/monitoring/trees')).json().items.find((x: { id: string }) => x.id === 'gen1').nodes as { code: string; maxKnown: boolean }[];
    assert.ok((await nodes()).every((n) => n.maxKnown), 'without the flag a maximum counts as known');
    await sql.raw(readFileSync(new URL('../../db/migrations/20261206T0800_monitoring_gen1_max_unknown.sql', import.meta.url), 'utf8')).execute(t.db);
    const after = await nodes();
    assert.equal(after.length, 12);
    assert.ok(after.every((n) => n.maxKnown === false));
    const y2020 = (await get('/api/monitoring/trees')).json().items.find((x: { id: string }) => x.id === '2020');
    assert.ok(y2020.nodes.every((n: { maxKnown: boolean }) => n.maxKnown), 'the 2020 tree publishes its points');
  });
});

describe('official scores', () => {
  test('a score file is validated whole and stored; parents derived from children are kept', async () => {
    const r = await upload('/api/monitoring/scores/import', 'scores-36.csv', SCORES_36);
    assert.equal(r.statusCode, 200, r.body);
    const b = r.json();
    assert.deepEqual(b.tree, { id: 'gen1', version: 1, name: '城市信用状况监测（第一代，国家信息中心中经网平台）' });
    assert.deepEqual(b.months, ['2017-07', '2017-08', '2017-09', '2017-10', '2017-11', '2017-12']);
    assert.equal(b.cities, 36);
    assert.equal(b.rows, 2592);
    assert.equal(b.replaced, 0);
    assert.equal(await scoreCount(), b.stored);
    const logged = await auditRows('monitoring.scores.import');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].target, `score_import:${b.importId}`);
  });

  test('unknown indicators and non-numeric scores → 400 naming the rows; nothing stored', async () => {
    const before = await scoreCount();
    const file = ['month,city,indicator,score', '2018-01,西宁市,信用事件监测,19.5', '2018-01,西宁市,信用火星指数,3', '2018-01,西宁市,信用制度完善程度,十五'].join('\n');
    const r = await upload('/api/monitoring/scores/import', 'bad.csv', file);
    assert.equal(r.statusCode, 400, r.body);
    const err = r.json().error;
    assert.equal(err.code, 'invalid_scores');
    assert.match(err.message, /第 3 行：未知指标「信用火星指数」/);
    assert.match(err.message, /第 4 行：得分「十五」不是数字/);
    assert.deepEqual(
      err.details.issues.map((i: { row: number }) => i.row),
      [3, 4],
    );
    assert.equal(await scoreCount(), before);
  });

  test('the scores template has Chinese headers and lists the indicators; a file missing columns is told in Chinese (issue 17 §4)', async () => {
    const x = await t.app.inject({ method: 'GET', url: '/api/monitoring/scores/template.xlsx', headers: admin.headers });
    assert.equal(x.statusCode, 200, x.body);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
    assert.deepEqual((wb.worksheets[0].getRow(1).values as unknown[]).slice(1), ['月份', '城市', '指标', '得分']);
    const names: unknown[] = [];
    wb.worksheets[1].eachRow((row) => names.push(row.getCell(3).value));
    assert.ok(names.includes('信用事件监测'), 'the indicators are listed');
    const bad = await upload('/api/monitoring/scores/import', 'bad.csv', '月份,城市,得分\n2018-01,西宁市,19\n');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /表头缺少列 指标（应为 月份、城市、指标、得分，可下载模板）/);
    const quote = await upload('/api/monitoring/scores/import', 'bad.csv', '月份,城市,指标,得分\n2018-01,西宁市,"信用事件监测"x,19\n');
    assert.match(quote.json().error.message, /CSV 格式错误，第 2 行：双引号括起的内容后面紧跟了其他字符/);
    const rep = await loginAs(t, 'reporter');
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/monitoring/scores/template.xlsx', headers: rep.headers })).statusCode, 403);
  });

  test('re-importing a month and city (here from XLSX) replaces it, audited; a GB18030 CSV is read too', async () => {
    // 西宁市 2017-12 again, every leaf one hundredth higher where there is room.
    const rows = SCORES_36.toString('utf8')
      .trim()
      .split('\n')
      .filter((l) => l.startsWith(`2017-12,${CITY},`))
      .map((l) => l.split(','));
    const leaf = new Set(['统一社会信用代码转换公示', '信用信息共享平台', '黑名单企业占比', '单位黑名单违法记录', '黑名单公开', '个人信用意识', '商业机构信用意识']);
    const parents = new Set(['信用工作绩效', '信用市场发育程度']);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('得分');
    ws.addRow(['月份', '城市', '指标', '得分']);
    for (const [m, c, ind, s] of rows) {
      if (parents.has(ind)) continue; // derived from the children
      ws.addRow([m, c, ind, leaf.has(ind) ? (Number(s) + 0.01).toFixed(2) : s]);
    }
    const r = await upload('/api/monitoring/scores/import', '西宁 12 月.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().cities, 1);
    assert.equal(r.json().replaced, 12);
    assert.equal(r.json().stored, 12);
    const stored = await mdb
      .selectFrom('official_scores')
      .select(['indicator_code', 'score', 'derived'])
      .where('month', '=', '2017-12')
      .where('city', '=', CITY)
      .where('indicator_code', 'in', ['PF1', 'PF'])
      .orderBy('indicator_code')
      .execute();
    assert.deepEqual(
      stored.map((s) => [s.indicator_code, Math.round(s.score * 100) / 100, s.derived]),
      [
        ['PF', 16.54, true],
        ['PF1', 3.84, false],
      ],
    );
    const logged = await auditRows('monitoring.scores.import');
    assert.equal((logged[1].detail as { replaced: number }).replaced, 12);
    // Put the fixture back for the comparisons below, encoded as a GBK spreadsheet program would save it.
    const back = await upload('/api/monitoring/scores/import', 'scores-36.csv', encodeGb18030(SCORES_36.toString('utf8')));
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().replaced, back.json().stored);
  });

  test('non-admins cannot import (403); a truncated upload → 413', async () => {
    const before = await scoreCount();
    const denied = await upload('/api/monitoring/scores/import', 'scores-36.csv', SCORES_36, auditor.headers);
    assert.equal(denied.statusCode, 403);
    const big = await upload('/api/monitoring/scores/import', 'big.csv', Buffer.alloc(20 * 1024 * 1024 + 1, '1'));
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error.code, 'file_too_large');
    assert.equal(await scoreCount(), before);
  });
});

describe('compare, what-if, effect rules', () => {
  test('compare returns the CLI `monitor compare --json` contract from stored scores, plus local estimates', async () => {
    const table = await parseScores(SCORES_36, 'scores-36.csv');
    for (const month of ['2017-12', '2017-09']) {
      const r = await get(`/api/monitoring/compare?city=${encodeURIComponent(CITY)}&month=${month}`);
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json();
      const want = compareJson(compare(table, CITY, { month })) as { indicators: object[] };
      const { tree, estimates, ...cli } = body;
      assert.deepEqual({ ...cli, indicators: cli.indicators.map(({ estimates: _e, ...i }: { estimates?: unknown }) => i) }, want);
      assert.deepEqual(tree, { id: 'gen1', version: 1, name: '城市信用状况监测（第一代，国家信息中心中经网平台）' });
      assert.ok(estimates.institutionCounts.blank > 0);
      assert.equal(estimates.eventCounts, null, 'no events stored for the month');
      assert.equal(estimates.onTimeShare, null);
      const inst = body.indicators.find((i: { code: string }) => i.code === 'IN');
      assert.equal(inst.estimates[0].key, 'institutionCounts');
      // Transparency sees only institutions published online (none are marked so by default).
      assert.deepEqual(estimates.institutionsOnline, { online: 0, issued: estimates.institutionCounts.national + estimates.institutionCounts.municipal });
      const tr = body.indicators.find((i: { code: string }) => i.code === 'TR');
      assert.ok(!tr.estimates.some((e: { key: string }) => e.key === 'institutionCounts'), 'issued-but-unpublished institutions do not inform 透明度');
      assert.equal(tr.estimates.find((e: { key: string }) => e.key === 'institutionsOnline').text, `0 / ${estimates.institutionsOnline.issued} 项已出台制度网上可查`);
    }
    // The city defaults to the configured one.
    const dflt = await get('/api/monitoring/compare');
    assert.equal(dflt.json().city, CITY);
    assert.equal(dflt.json().month, '2017-12');
  });

  test('events of the month fill the event estimate', async () => {
    const ev = await t.app.inject({
      method: 'POST',
      url: '/api/monitoring/events',
      headers: admin.headers,
      payload: { title: '某商场销售假冒名牌服装被查处', date: '2017-12-05' },
    });
    assert.equal(ev.statusCode, 200, ev.body);
    const r = await get(`/api/monitoring/compare?month=2017-12`);
    const counts = r.json().estimates.eventCounts as { domain: string; good: number; bad: number }[];
    assert.deepEqual(counts.find((c) => c.domain === '商务诚信'), { domain: '商务诚信', good: 0, bad: 1 });
    assert.equal(counts.length, 4);
    const evRow = r.json().indicators.find((i: { code: string }) => i.code === 'EV');
    assert.match(evRow.estimates[0].text, /不良 1 起/);
  });

  test('compare: unknown city → 404; a tree without scores → 404; a bad month → 400', async () => {
    const r = await get(`/api/monitoring/compare?city=${encodeURIComponent('西宁')}`);
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'unknown_city');
    assert.match(r.json().error.message, /是否指「西宁市」/);
    const none = await get('/api/monitoring/compare?tree=2020');
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().error.code, 'no_data');
    const month = await get('/api/monitoring/compare?month=2017-13');
    assert.equal(month.statusCode, 400);
    const noTree = await get('/api/monitoring/compare?tree=gen9');
    assert.equal(noTree.statusCode, 404);
  });

  test('effect rules are data, seeded from the defaults; what-if plans with them', async () => {
    const rules = await get('/api/monitoring/effect-rules?tree=gen1');
    assert.equal(rules.statusCode, 200, rules.body);
    assert.ok(rules.json().rules.some((r: { id: string }) => r.id === 'publish_institutions'));
    const body = { city: CITY, month: '2017-12', improvements: [{ rule: 'publish_institutions' }, { rule: 'reduce_bad_events', amount: 20 }] };
    const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/whatif', headers: auditor.headers, payload: body });
    assert.equal(r.statusCode, 200, r.body);
    const table = await parseScores(SCORES_36, 'scores-36.csv');
    assert.deepEqual(r.json(), JSON.parse(JSON.stringify(planWhatIf(table, CITY, body.improvements, { month: '2017-12' }))));
    assert.match(r.json().summary, /^西宁市2017年12月综合指数/);
    const bad = await t.app.inject({ method: 'POST', url: '/api/monitoring/whatif', headers: auditor.headers, payload: { improvements: [{ rule: 'magic' }] } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_improvement');
  });
});

describe('custom weights', () => {
  test('weights that do not add up → 400 with the sum; nothing changes', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/trees/gen1/weights', headers: admin.headers, payload: { weights: { EV: 30 } } });
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().error.code, 'tree_weights_mismatch');
    assert.match(r.json().error.message, /一级指标权重合计 105，应为 100/);
    const kids = await t.app.inject({ method: 'POST', url: '/api/monitoring/trees/gen1/weights', headers: admin.headers, payload: { weights: { MK1: 8 } } });
    assert.equal(kids.statusCode, 400);
    assert.match(kids.json().error.message, /「信用市场发育程度」的下级指标权重合计 15\.5，应为 15/);
    const unknown = await t.app.inject({ method: 'POST', url: '/api/monitoring/trees/gen1/weights', headers: admin.headers, payload: { weights: { XX: 1 } } });
    assert.equal(unknown.statusCode, 400);
    const trees = (await get('/api/monitoring/trees')).json().items;
    assert.equal(trees.find((x: { id: string }) => x.id === 'gen1').version, 1);
  });

  test('weights that add up become a new active version, audited; non-admins are refused', async () => {
    const denied = await t.app.inject({ method: 'POST', url: '/api/monitoring/trees/gen1/weights', headers: district.headers, payload: { weights: { MK1: 7, MK2: 8 } } });
    assert.equal(denied.statusCode, 403);
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/monitoring/trees/gen1/weights',
      headers: admin.headers,
      payload: { weights: { MK1: 7, 商业机构信用意识: 8 }, note: '按本市经验调整' },
    });
    assert.equal(r.statusCode, 200, r.body);
    const tree = r.json();
    assert.equal(tree.version, 2);
    assert.equal(tree.nodes.find((n: { code: string }) => n.code === 'MK2').weight, 8);
    assert.deepEqual(tree.versions.map((v: { version: number; active: boolean }) => [v.version, v.active]), [[2, true], [1, false]]);
    const logged = await auditRows('monitoring.trees.weights');
    assert.equal(logged.length, 1);
    assert.deepEqual((logged[0].detail as { fromVersion: number; toVersion: number }).toVersion, 2);
    // Comparisons use the active version.
    const c = await get('/api/monitoring/compare?month=2017-12');
    assert.equal(c.json().tree.version, 2);
    assert.equal(c.json().indicators.find((i: { code: string }) => i.code === 'MK2').score <= 8, true);
  });
});

describe('briefing downloads', () => {
  const filename = (ext: string) => encodeURIComponent(`西宁市城市信用状况监测分析通报（2017年12月）.${ext}`);

  test('PDF, Word and HTML, each with a Chinese file name', async () => {
    const pdf = await get('/api/monitoring/report?month=2017-12&format=pdf');
    assert.equal(pdf.statusCode, 200, pdf.body.slice(0, 300));
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    assert.ok(String(pdf.headers['content-disposition']).endsWith(`filename*=UTF-8''${filename('pdf')}`), String(pdf.headers['content-disposition']));

    const docx = await get('/api/monitoring/report?month=2017-12&format=docx');
    assert.equal(docx.statusCode, 200);
    assert.match(String(docx.headers['content-type']), /wordprocessingml/);
    const text = docxText(docx.rawPayload);
    assert.match(text, /2017年12月，西宁市城市信用综合指数为 [0-9.]+，在 36 个监测城市中排名第 \d+ 位/);

    const html = await get('/api/monitoring/report?month=2017-12&format=html');
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.ok(html.body.includes('<h1>西宁市城市信用状况监测分析通报</h1>'));
    assert.ok(html.body.includes('信用制度清单共'), 'the checklist informs the cause analysis');
  });

  test('a bad format or month → 400; readers only', async () => {
    assert.equal((await get('/api/monitoring/report?format=exe')).statusCode, 400);
    assert.equal((await get('/api/monitoring/report?month=2017-1')).statusCode, 400);
    const rep = await loginAs(t, 'reporter');
    assert.equal((await get('/api/monitoring/report', rep.cookie)).statusCode, 403);
  });
});

describe('department scorecards', () => {
  let scjgj: number;
  let swj: number;
  let item: { item_id: string; version: number };

  before(async () => {
    scjgj = await deptId(t.db, 'SCJGJ');
    swj = await deptId(t.db, 'SWUJU');
    item = await t.db.selectFrom('catalog_versions').select(['item_id', 'version']).where('status', '=', 'active').orderBy('item_id').executeTakeFirstOrThrow();
    const batch = (department_id: number, status: 'committed' | 'rejected', total: number, accepted: number, late: number, created_at: string) => ({
      department_id,
      item_id: item.item_id,
      catalog_version: item.version,
      channel: 'file' as const,
      status,
      total,
      accepted,
      rejected: total - accepted,
      late,
      file_errors: '[]',
      created_at,
    });
    await t.db
      .insertInto('ingest_batches')
      .values([
        batch(scjgj, 'committed', 10, 8, 2, '2026-10-03T09:00:00+08:00'),
        batch(scjgj, 'committed', 10, 10, 0, '2026-10-31T23:30:00+08:00'),
        batch(scjgj, 'rejected', 50, 0, 0, '2026-10-05T09:00:00+08:00'),
        batch(scjgj, 'committed', 99, 99, 0, '2026-11-01T00:30:00+08:00'),
        batch(swj, 'committed', 4, 4, 4, '2026-10-10T09:00:00+08:00'),
      ])
      .execute();
  });

  test('counts committed batches of the month (China time): first pass = accepted/total, on time = 1 − late/accepted', async () => {
    const r = await get('/api/monitoring/scorecards?month=2026-10');
    assert.equal(r.statusCode, 200, r.body);
    const b = r.json();
    assert.equal(b.expectedKnown, false);
    const a = b.items.find((c: { departmentId: number }) => c.departmentId === scjgj);
    assert.equal(a.reported, 20);
    assert.equal(a.firstPassRate, 0.9);
    assert.equal(a.onTimeShare, 0.8889); // 1 − 2/18
    assert.equal(a.rejected, 2);
    assert.equal(a.expected, null);
    const s = b.items.find((c: { departmentId: number }) => c.departmentId === swj);
    assert.equal(s.onTimeShare, 0);
    assert.ok(a.rank < s.rank);
    assert.ok(b.items.length > 50, 'every member unit appears, reported or not');
    assert.equal(b.items.find((c: { reported: number }) => c.reported === 0).firstPassRate, null);
  });

  test('expected volumes come from the settings row; .xlsx export', async () => {
    await t.db
      .insertInto('settings')
      .values({ key: 'monitoring.expectedVolumes', value: JSON.stringify([{ department: 'SCJGJ', monthlyExpected: 40 }]) })
      .execute();
    const r = await get('/api/monitoring/scorecards?month=2026-10');
    const a = r.json().items.find((c: { departmentId: number }) => c.departmentId === scjgj);
    assert.equal(r.json().expectedKnown, true);
    assert.equal(a.expected, 40);
    assert.equal(a.volumeRatio, 0.5);

    const x = await get('/api/monitoring/scorecards.xlsx?month=2026-10');
    assert.equal(x.statusCode, 200);
    assert.match(String(x.headers['content-disposition']), /filename\*=UTF-8''%E9%83%A8%E9%97%A8%E8%80%83%E6%A0%B8/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
    const rows: string[][] = [];
    wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map(String)));
    assert.deepEqual(rows[0].slice(0, 4), ['排名', '部门', '月份', '上报条数']);
    const mine = rows.find((row) => row[1] === '西宁市市场监督管理局')!;
    assert.deepEqual(mine.slice(2, 6), ['2026-10', '20', '40', '50%']);

    await t.db.updateTable('settings').set({ value: JSON.stringify([{ department: 'NOPE', monthlyExpected: 1 }]) }).where('key', '=', 'monitoring.expectedVolumes').execute();
    const broken = await get('/api/monitoring/scorecards?month=2026-10');
    assert.equal(broken.statusCode, 500);
    assert.equal(broken.json().error.code, 'invalid_setting');
    assert.match(broken.json().error.message, /部门「NOPE」不存在/);
  });
});
