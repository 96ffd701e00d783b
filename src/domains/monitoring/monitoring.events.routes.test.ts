// Monitoring HTTP, part 1: credit events, classification, the institution checklist and the public
// policy list, through the real app on a real database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import type { MonitoringTables } from '../../db/monitoring.types.ts';
import type { DB } from '../../db/types.ts';
import type { Kysely } from 'kysely';

const EVENTS_CSV = readFileSync(new URL('../../../test/fixtures/monitoring/events-sample.csv', import.meta.url));

let t: TestApp;
let admin: Awaited<ReturnType<typeof loginAs>>;
let auditor: Awaited<ReturnType<typeof loginAs>>;
let reporter: Awaited<ReturnType<typeof loginAs>>;
let mdb: Kysely<DB & MonitoringTables>;

before(async () => {
  t = await createTestApp();
  mdb = t.db as unknown as Kysely<DB & MonitoringTables>;
  admin = await loginAs(t, 'admin');
  auditor = await loginAs(t, 'auditor');
  reporter = await loginAs(t, 'reporter');
});
after(async () => {
  await t?.close();
});

async function auditRows(action: string) {
  return t.db.selectFrom('audit_log').select(['action', 'outcome', 'target', 'detail', 'actor_username']).where('action', '=', action).orderBy('id').execute();
}

function upload(url: string, name: string, content: Buffer, headers: Record<string, string> = admin.headers) {
  const m = multipartFile(name, content);
  return t.app.inject({ method: 'POST', url, payload: m.payload, headers: { ...headers, ...m.headers } });
}

async function eventCount(): Promise<number> {
  const r = await mdb.selectFrom('credit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function xlsx(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('credit events', () => {
  test('one event is classified on insert, with its reasons, and audited', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/monitoring/events',
      headers: admin.headers,
      payload: { title: '城北区一超市销售过期食品被罚款', date: '2017-11-02', source: '西宁晚报', link: 'https://example.org/n/1' },
    });
    assert.equal(r.statusCode, 200, r.body);
    const e = r.json();
    assert.equal(e.domain, '商务诚信');
    assert.equal(e.subdomain, '流通');
    assert.equal(e.polarity, 'bad');
    assert.equal(e.classifiedBy, 'model');
    assert.ok(e.confidence > 0.5 && e.confidence <= 1);
    assert.match(e.explanation.text, /命中关键词：.*超市/);
    assert.ok(e.explanation.keywords.includes('超市'));
    const logged = await auditRows('monitoring.events.create');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].target, `credit_event:${e.id}`);
    assert.equal(logged[0].actor_username, admin.username);
  });

  test('the same event twice is a 409; a staff sub-domain decides the domain', async () => {
    const body = { title: '城北区一超市销售过期食品被罚款', date: '2017-11-02', source: '西宁晚报', link: 'https://example.org/n/1' };
    const dup = await t.app.inject({ method: 'POST', url: '/api/monitoring/events', headers: admin.headers, payload: body });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().error.code, 'event_exists');
    // Sub-domain given without polarity: the domain follows the sub-domain, not the model's guess.
    const staff = await t.app.inject({
      method: 'POST',
      url: '/api/monitoring/events',
      headers: admin.headers,
      payload: { title: '某超市销售过期食品被罚款', date: '2017-11-03', subdomain: '依法行政' },
    });
    assert.equal(staff.statusCode, 200, staff.body);
    assert.equal(staff.json().domain, '政务诚信');
    assert.equal(staff.json().subdomain, '依法行政');
    assert.equal(staff.json().classifiedBy, 'staff');
  });

  test('bad input: unknown sub-domain, a non-http link, an impossible date → 400; nothing stored', async () => {
    const before = await eventCount();
    const cases = [
      { title: 'x', date: '2017-11-04', subdomain: '火星' },
      { title: 'x', date: '2017-11-04', link: 'javascript:alert(1)' },
      { title: 'x', date: '2017-02-30' },
      { title: '', date: '2017-11-04' },
    ];
    for (const payload of cases) {
      const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/events', headers: admin.headers, payload });
      assert.equal(r.statusCode, 400, JSON.stringify(payload));
    }
    assert.equal(await eventCount(), before);
  });

  test('writes need the admin role (403, audited) and a session (401)', async () => {
    const before = await eventCount();
    const body = { title: '某企业获评A级纳税人', date: '2017-11-05' };
    const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/events', headers: auditor.headers, payload: body });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'role_forbidden');
    const up = await upload('/api/monitoring/events/import', 'events.csv', EVENTS_CSV, reporter.headers);
    assert.equal(up.statusCode, 403);
    const anon = await t.app.inject({ method: 'GET', url: '/api/monitoring/events' });
    assert.equal(anon.statusCode, 401);
    assert.equal(await eventCount(), before);
    assert.ok((await auditRows('auth.role')).some((x) => x.outcome === 'denied' && x.target === '/api/monitoring/events'));
  });

  test('CSV import: every row classified and stored once; a re-import adds nothing; audited', async () => {
    const r = await upload('/api/monitoring/events/import', 'events.csv', EVENTS_CSV);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { rows: 6, inserted: 6, duplicates: 0, pendingReview: 0 });
    const again = await upload('/api/monitoring/events/import', 'events.csv', EVENTS_CSV);
    assert.deepEqual(again.json(), { rows: 6, inserted: 0, duplicates: 6, pendingReview: 0 });
    const logged = await auditRows('monitoring.events.import');
    assert.equal(logged.length, 2);
    assert.equal((logged[0].detail as { inserted: number }).inserted, 6);
    assert.match((logged[0].detail as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
  });

  test('event text with HTML is stored as text, exactly as given', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/events?from=2017-12-03&to=2017-12-03', headers: { cookie: auditor.cookie } });
    assert.equal(r.statusCode, 200);
    const [e] = r.json().items;
    assert.equal(e.title, '城中区一超市销售过期食品被罚款<script>alert("x")</script>');
    assert.equal(e.source, '西宁晚报 & 新闻网');
    assert.equal(e.link, 'https://example.org/a?x=1&y=2');
  });

  test('XLSX import reports bad rows by their spreadsheet row; nothing is stored', async () => {
    const before = await eventCount();
    const file = await xlsx([
      ['标题', '日期', '来源'],
      ['某药店销售假药被查处', '2017-10-02', '青海日报'],
      ['某公司拖欠农民工工资', '2017-13-45', '青海日报'],
      ['', '2017-10-03', ''],
    ]);
    const r = await upload('/api/monitoring/events/import', 'events.xlsx', file);
    assert.equal(r.statusCode, 400, r.body);
    const err = r.json().error;
    assert.equal(err.code, 'invalid_events');
    assert.match(err.message, /第 3 行：日期「2017-13-45」不是有效日期/);
    assert.match(err.message, /第 4 行：标题为空/);
    assert.deepEqual(
      err.details.issues.map((i: { row: number }) => i.row),
      [3, 4],
    );
    const csv = ['title,date,link', '某企业获评A级纳税人,2017-10-02,javascript:alert(1)', '某企业获评A级纳税人,2017/10/03,', ',2017-10-04,'].join('\n');
    const r2 = await upload('/api/monitoring/events/import', 'events.csv', Buffer.from(csv));
    assert.equal(r2.statusCode, 400);
    assert.deepEqual(r2.json().error.details.issues, [
      { row: 2, message: '链接「javascript:alert(1)」须以 http:// 或 https:// 开头' },
      { row: 4, message: '标题为空' },
    ]);
    assert.equal(await eventCount(), before);
  });

  test('XLSX import of good rows stores them; a non-spreadsheet is refused', async () => {
    const file = await xlsx([
      ['title', 'date', 'source', 'polarity'],
      ['某药店销售假药被查处', '2017-10-02', '青海日报', ''],
      ['某区法院推行诉讼服务“一站通”获群众好评', '2017-10-05', '西宁晚报', '优良'],
    ]);
    const r = await upload('/api/monitoring/events/import', 'events.xlsx', file);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().inserted, 2);
    const pdf = await upload('/api/monitoring/events/import', 'events.csv', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'));
    assert.ok(pdf.statusCode >= 400 && pdf.statusCode < 500, pdf.body);
  });

  test('an upload cut off at 20 MB is refused with 413 and nothing is stored', async () => {
    const before = await eventCount();
    const big = Buffer.alloc(20 * 1024 * 1024 + 10, 'a');
    const r = await upload('/api/monitoring/events/import', 'events.csv', big);
    assert.equal(r.statusCode, 413);
    assert.equal(r.json().error.code, 'file_too_large');
    assert.match(r.json().error.message, /20 MB/);
    assert.equal(await eventCount(), before);
  });

  test('list: filters by period and domain, newest first, keyset pages', async () => {
    const all = await t.app.inject({ method: 'GET', url: '/api/monitoring/events?limit=200', headers: { cookie: auditor.cookie } });
    const items = all.json().items as { id: string; date: string; domain: string }[];
    assert.equal(items.length, await eventCount());
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const r: Awaited<ReturnType<typeof t.app.inject>> = await t.app.inject({
        method: 'GET',
        url: `/api/monitoring/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        headers: { cookie: auditor.cookie },
      });
      assert.equal(r.statusCode, 200);
      pages.push(...r.json().items.map((e: { id: string }) => e.id));
      cursor = r.json().nextCursor;
    } while (cursor);
    assert.deepEqual(pages, items.map((e) => e.id));
    const sorted = [...items].sort((a, b) => b.date.localeCompare(a.date) || Number(b.id) - Number(a.id));
    assert.deepEqual(items, sorted);

    const dec = await t.app.inject({ method: 'GET', url: '/api/monitoring/events?from=2017-12&to=2017-12&domain=商务诚信', headers: { cookie: auditor.cookie } });
    const decItems = dec.json().items as { date: string; domain: string }[];
    assert.ok(decItems.length > 0);
    assert.ok(decItems.every((e) => e.date.startsWith('2017-12') && e.domain === '商务诚信'));

    const bad = await t.app.inject({ method: 'GET', url: '/api/monitoring/events?cursor=bm9wZQ', headers: { cookie: auditor.cookie } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_cursor');
    const reversed = await t.app.inject({ method: 'GET', url: '/api/monitoring/events?from=2018-01-01&to=2017-12-01', headers: { cookie: auditor.cookie } });
    assert.equal(reversed.statusCode, 400);
    assert.equal(reversed.json().error.code, 'invalid_period');
  });

  test('stats: shares of bad events per domain and sub-domain, and the monthly trend', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/events/stats?from=2017-12&to=2017-12', headers: { cookie: auditor.cookie } });
    assert.equal(r.statusCode, 200, r.body);
    const { stats, trend } = r.json();
    assert.equal(stats.total, 5);
    assert.equal(stats.good + stats.bad, 5);
    const biz = stats.domains.find((d: { domain: string }) => d.domain === '商务诚信');
    assert.ok(biz.bad >= 2);
    assert.equal(biz.shareOfAllBad, biz.bad / stats.bad);
    const sumShares = stats.domains.reduce((a: number, d: { shareOfAllBad: number | null }) => a + (d.shareOfAllBad ?? 0), 0);
    assert.ok(Math.abs(sumShares - 1) < 1e-9);
    assert.deepEqual(
      trend.map((p: { month: string; total: number }) => [p.month, p.total]),
      [['2017-12', 5]],
    );
    const empty = await t.app.inject({ method: 'GET', url: '/api/monitoring/events/stats?from=2030-01&to=2030-02', headers: { cookie: auditor.cookie } });
    assert.equal(empty.json().stats.total, 0);
    assert.equal(empty.json().stats.badRate, null);
    assert.equal(empty.json().trend.length, 2);
  });

  test('a staff correction relabels the event, keeps the previous result, becomes a training example and retrains the model', async () => {
    const title = '某投资公司以高息为诱饵非法集资被立案侦查';
    const list = await t.app.inject({ method: 'GET', url: '/api/monitoring/events?from=2017-12-15&to=2017-12-15', headers: { cookie: admin.cookie } });
    const ev = list.json().items.find((e: { title: string }) => e.title === title);
    const before = await t.app.inject({ method: 'POST', url: '/api/monitoring/classify', headers: admin.headers, payload: { titles: [title] } });
    assert.notEqual(before.json().results[0].subdomain, '公共安全公信');

    const r = await t.app.inject({
      method: 'POST',
      url: `/api/monitoring/events/${ev.id}/override`,
      headers: admin.headers,
      payload: { subdomain: '公共安全公信', polarity: 'bad' },
    });
    assert.equal(r.statusCode, 200, r.body);
    const e = r.json();
    assert.equal(e.domain, '司法公信');
    assert.equal(e.classifiedBy, 'staff');
    assert.equal(e.overriddenBy, admin.userId);
    assert.equal(e.explanation.previous.subdomain, ev.subdomain);
    assert.equal(e.explanation.override, true);

    const labels = await mdb.selectFrom('event_labels').selectAll().execute();
    assert.deepEqual(
      labels.map((l) => [l.title, l.domain, l.subdomain, l.polarity, l.user_id]),
      [[title, '司法公信', '公共安全公信', 'bad', admin.userId]],
    );
    const after = await t.app.inject({ method: 'POST', url: '/api/monitoring/classify', headers: auditor.headers, payload: { titles: [title] } });
    assert.equal(after.json().results[0].subdomain, '公共安全公信');
    assert.equal(after.json().results[0].explanation.override, true);
    const logged = await auditRows('monitoring.events.override');
    assert.equal(logged.length, 1);
    assert.deepEqual((logged[0].detail as { after: unknown }).after, { domain: '司法公信', subdomain: '公共安全公信', polarity: 'bad' });
  });

  test('a correction stored by another app server is picked up on the next classification', async () => {
    const title = '某物业公司违规收取停车费被责令整改';
    await mdb.insertInto('event_labels').values({ title, domain: '商务诚信', subdomain: '价格', polarity: 'bad', event_id: null, user_id: null }).execute();
    const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/classify', headers: auditor.headers, payload: { titles: [title] } });
    assert.equal(r.json().results[0].subdomain, '价格');
    assert.equal(r.json().results[0].explanation.override, true);
  });

  test('override: unknown event → 404, unknown sub-domain → 400, non-admin → 403', async () => {
    const [one] = await mdb.selectFrom('credit_events').select('id').limit(1).execute();
    const missing = await t.app.inject({ method: 'POST', url: '/api/monitoring/events/999999/override', headers: admin.headers, payload: { subdomain: '流通', polarity: 'bad' } });
    assert.equal(missing.statusCode, 404);
    const unknown = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${one.id}/override`, headers: admin.headers, payload: { subdomain: '火星', polarity: 'bad' } });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().error.code, 'unknown_subdomain');
    const denied = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${one.id}/override`, headers: reporter.headers, payload: { subdomain: '流通', polarity: 'bad' } });
    assert.equal(denied.statusCode, 403);
  });
});

describe('import templates and messages in Chinese (issue 17 §4)', () => {
  test('the events template has Chinese headers and imports as it is; credit office admins only', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/events/template.xlsx', headers: admin.headers });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-disposition']), /filename\*=UTF-8''/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ExcelJS.Buffer);
    assert.deepEqual((wb.worksheets[0].getRow(1).values as unknown[]).slice(1), ['标题', '日期', '来源', '链接', '摘要', '性质', '主体', '子领域']);
    assert.equal(wb.worksheets[1].name, '填写说明');
    const before = await eventCount();
    const back = await upload('/api/monitoring/events/import', '信用事件导入模板.xlsx', r.rawPayload);
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().inserted, 1);
    assert.equal(await eventCount(), before + 1);
    for (const s of [auditor, reporter]) {
      const no = await t.app.inject({ method: 'GET', url: '/api/monitoring/events/template.xlsx', headers: s.headers });
      assert.equal(no.statusCode, 403);
    }
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/monitoring/events/template.xlsx' })).statusCode, 401);
  });

  test('a malformed CSV is explained in Chinese with its line, not in csv-parse English', async () => {
    const cases: [string, RegExp][] = [
      ['标题,日期\n某超市被罚,2026-11-01\n某"酒店"被查,2026-11-02\n', /第 3 行：单元格中间出现了英文双引号/],
      ['标题,日期\n"某超市被罚,2026-11-01\n某酒店被查,2026-11-02\n', /第 \d 行：英文双引号（"）没有闭合/],
      ['标题,日期\n"某超市"被罚,2026-11-01\n', /第 2 行：双引号括起的内容后面紧跟了其他字符/],
    ];
    for (const [csv, message] of cases) {
      const r = await upload('/api/monitoring/events/import', 'events.csv', Buffer.from(csv));
      assert.equal(r.statusCode, 400, r.body);
      assert.match(r.json().error.message, message);
      assert.doesNotMatch(r.body, /Invalid|Quote|at line/);
    }
  });
});

describe('classify', () => {
  test('titles → domain, sub-domain, good/bad with reasons; staff read roles only; at most 1000', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/monitoring/classify',
      headers: auditor.headers,
      payload: { titles: ['某房产中介发布虚假房源信息被查处', '西宁市某企业获评A级纳税人'] },
    });
    assert.equal(r.statusCode, 200, r.body);
    const [a, b] = r.json().results;
    assert.equal(a.domain, '商务诚信');
    assert.equal(a.polarity, 'bad');
    assert.equal(b.subdomain, '税务');
    assert.equal(b.polarity, 'good');
    assert.ok(a.explanation.text.length > 0);
    const tooMany = await t.app.inject({ method: 'POST', url: '/api/monitoring/classify', headers: auditor.headers, payload: { titles: Array(1001).fill('某企业') } });
    assert.equal(tooMany.statusCode, 400);
    const rep = await t.app.inject({ method: 'POST', url: '/api/monitoring/classify', headers: reporter.headers, payload: { titles: ['x'] } });
    assert.equal(rep.statusCode, 403);
  });
});

describe('institution checklist', () => {
  test('first use seeds the shipped checklist; the summary is the progress-report sentence', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist', headers: { cookie: auditor.cookie } });
    assert.equal(r.statusCode, 200);
    const { items, summary } = r.json();
    assert.ok(items.length >= 60);
    assert.equal(summary.total, items.length);
    assert.equal(summary.text, `${summary.total} 项：已落实 ${summary.national}，已出台 ${summary.municipal}，空白 ${summary.blank}`);
    assert.equal(items[0].id, 'GEN-01');
    // The console shows the number's prefix in Chinese (issue 17 §4); the id stays the key of files and routes.
    assert.equal(items[0].numberLabel, '综合-01');
    assert.equal(items[0].statusLabel, '国家/省级已落实');
  });

  test('PATCH: 市级已出台 needs number and date (400), then is stored, audited and published on the public list', async () => {
    const missing = await t.app.inject({
      method: 'PATCH',
      url: '/api/monitoring/checklist/GEN-04',
      headers: admin.headers,
      payload: { status: 'municipal', document: { title: '西宁市信用修复管理办法' } },
    });
    assert.equal(missing.statusCode, 400, missing.body);
    assert.match(missing.json().error.message, /须填写文号/);
    const badDate = await t.app.inject({
      method: 'PATCH',
      url: '/api/monitoring/checklist/GEN-04',
      headers: admin.headers,
      payload: { status: 'municipal', document: { title: '西宁市信用修复管理办法', number: '宁政办〔2019〕1号', date: '2019-02-30' } },
    });
    assert.equal(badDate.statusCode, 400);
    const doc = { title: '西宁市信用修复管理办法', number: '宁政办〔2019〕88号', date: '2019-06-01', link: 'http://www.xining.gov.cn/x', issuer: '西宁市人民政府办公厅' };
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/monitoring/checklist/GEN-04', headers: admin.headers, payload: { status: 'municipal', document: doc } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'municipal');
    assert.deepEqual(ok.json().document, { ...doc, unconfirmed: false });
    assert.equal(ok.json().online, null);
    const logged = await auditRows('monitoring.checklist.update');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].target, 'checklist_item:GEN-04');
    assert.equal((logged[0].detail as { after: { status: string } }).after.status, 'municipal');

    const pub = await t.app.inject({ method: 'GET', url: '/api/public/policies' });
    assert.equal(pub.statusCode, 200);
    assert.equal(pub.headers['x-ratelimit-limit'], '120');
    // Dated documents first, then the city's three shipped documents whose number and date are 待核.
    const items = pub.json().items as { title: string; number: string | null; date: string | null }[];
    assert.deepEqual(items[0], { ...doc, domain: ok.json().domain, institution: ok.json().name });
    assert.deepEqual(
      items.slice(1).map((i) => [i.title, i.number, i.date]),
      [
        ['西宁市社会信用体系建设实施方案', null, null],
        ['西宁市建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的实施方案', null, null],
        ['西宁市食品药品安全信用信息及“黑名单”管理制度（试行）', null, null],
      ],
    );
  });

  test('PATCH online: only published institutions count as online; the summary names the issued-but-unpublished ones', async () => {
    const view = async () => (await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist', headers: { cookie: auditor.cookie } })).json();
    const before = await view();
    assert.equal(before.summary.online, 0, 'nothing is marked published by default');
    assert.equal(before.summary.unpublished.length, before.summary.national + before.summary.municipal);
    assert.ok(before.summary.unpublished.some((u: { id: string }) => u.id === 'GEN-20'));
    const bad = await t.app.inject({ method: 'PATCH', url: '/api/monitoring/checklist/GEN-20', headers: admin.headers, payload: { status: 'municipal', online: { url: 'ftp://x', date: '2017-05-01' } } });
    assert.equal(bad.statusCode, 400);
    const blank = await t.app.inject({ method: 'PATCH', url: '/api/monitoring/checklist/GEN-06', headers: admin.headers, payload: { status: 'blank', online: { url: 'https://credit.xining.gov.cn/a' } } });
    assert.equal(blank.statusCode, 400);
    assert.match(blank.json().error.message, /空白.*不能填写网上公开信息/);
    const online = { url: 'https://credit.xining.gov.cn/zcfg/1', date: '2017-05-03' };
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/monitoring/checklist/GEN-20', headers: admin.headers, payload: { status: 'municipal', online } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json().online, online);
    assert.equal(ok.json().document.unconfirmed, true, 'the shipped city document keeps its 待核 mark');
    const after = await view();
    assert.equal(after.summary.online, 1);
    assert.ok(!after.summary.unpublished.some((u: { id: string }) => u.id === 'GEN-20'));
    const logged = await auditRows('monitoring.checklist.update');
    assert.deepEqual((logged.at(-1)!.detail as { after: { online: unknown } }).after.online, online);
    // Omitting online keeps it; null removes it.
    const keep = await t.app.inject({ method: 'PATCH', url: '/api/monitoring/checklist/GEN-20', headers: admin.headers, payload: { status: 'municipal' } });
    assert.deepEqual(keep.json().online, online);
    const cleared = await t.app.inject({ method: 'PATCH', url: '/api/monitoring/checklist/GEN-20', headers: admin.headers, payload: { status: 'municipal', online: null } });
    assert.equal(cleared.json().online, null);
    assert.equal((await view()).summary.online, 0);
  });

  test('PATCH: unknown item → 404; non-admin → 403', async () => {
    const r = await t.app.inject({ method: 'PATCH', url: '/api/monitoring/checklist/NOPE-1', headers: admin.headers, payload: { status: 'blank' } });
    assert.equal(r.statusCode, 404);
    const d = await t.app.inject({ method: 'PATCH', url: '/api/monitoring/checklist/GEN-04', headers: auditor.headers, payload: { status: 'blank' } });
    assert.equal(d.statusCode, 403);
  });

  test('export.xlsx downloads with a Chinese file name; re-importing an edited copy replaces the list, audited', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist/export.xlsx', headers: { cookie: auditor.cookie } });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /spreadsheetml/);
    assert.match(String(r.headers['content-disposition']), /filename\*=UTF-8''%E4%BF%A1%E7%94%A8%E5%88%B6%E5%BA%A6%E6%B8%85%E5%8D%95\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0];
    const count = (await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist', headers: { cookie: auditor.cookie } })).json().items.length;
    assert.equal(ws.rowCount, count + 1);
    // Drop the last row and mark row 3 as issued by the city.
    ws.spliceRows(ws.rowCount, 1);
    const row3 = ws.getRow(3);
    row3.getCell(5).value = '市级已出台';
    row3.getCell(6).value = '西宁市社会信用体系建设实施方案';
    row3.getCell(7).value = '宁政〔2018〕5号';
    row3.getCell(8).value = '2018-03-01';
    const edited = Buffer.from(await wb.xlsx.writeBuffer());
    const imp = await upload('/api/monitoring/checklist/import', 'checklist.xlsx', edited);
    assert.equal(imp.statusCode, 200, imp.body);
    assert.equal(imp.json().previous, count);
    assert.equal(imp.json().items, count - 1);
    const after = (await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist', headers: { cookie: auditor.cookie } })).json();
    assert.equal(after.items.length, count - 1);
    assert.equal(after.items[1].status, 'municipal');
    assert.equal(after.items[1].document.number, '宁政〔2018〕5号');
    const logged = await auditRows('monitoring.checklist.import');
    assert.equal(logged.length, 1);
    assert.equal((logged[0].detail as { items: number }).items, count - 1);
  });

  test('a bad checklist file is refused naming its rows, and the stored list is unchanged', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist', headers: { cookie: auditor.cookie } })).json();
    const file = await xlsx([
      ['编号', '领域', '子领域', '制度名称', '状态', '文件名称', '文号', '发布日期', '链接'],
      ['X-1', '综合', '', '某制度', '空白', '', '', '', ''],
      ['X-2', '综合', '', '另一制度', '市级已出台', '西宁市某办法', '', '2018-01-01', ''],
      ['X-3', '火星', '', '第三制度', '空白', '', '', '', ''],
    ]);
    const r = await upload('/api/monitoring/checklist/import', 'checklist.xlsx', file);
    assert.equal(r.statusCode, 400, r.body);
    assert.match(r.json().error.message, /第 3 行：.*须填写文号/);
    assert.match(r.json().error.message, /第 4 行：未知领域「火星」/);
    const csv = await upload('/api/monitoring/checklist/import', 'checklist.csv', Buffer.from('编号,领域\nX,综合\n'));
    assert.equal(csv.statusCode, 400);
    assert.equal(csv.json().error.code, 'unsupported_format');
    const after = (await t.app.inject({ method: 'GET', url: '/api/monitoring/checklist', headers: { cookie: auditor.cookie } })).json();
    assert.deepEqual(after, before);
  });
});

describe('briefing', () => {
  test('event text with HTML is escaped in the HTML briefing', async () => {
    const scores = await upload('/api/monitoring/scores/import', 'scores-36.csv', readFileSync(new URL('../../../test/fixtures/monitoring/scores-36.csv', import.meta.url)));
    assert.equal(scores.statusCode, 200, scores.body);
    const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/report?month=2017-12&format=html', headers: { cookie: auditor.cookie } });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.ok(r.body.includes('城中区一超市销售过期食品被罚款&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(!r.body.includes('<script>alert'));
    assert.ok(r.body.includes('西宁晚报 &amp; 新闻网'));
  });

  test('a period without data: the briefing says there is no data', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/report?month=2030-01&format=html', headers: { cookie: auditor.cookie } });
    assert.equal(r.statusCode, 200);
    assert.ok(r.body.includes('2030年1月没有西宁市的城市信用监测数据'), r.body.slice(0, 2000));
    assert.ok(r.body.includes('本期未监测到信用事件'));
    assert.match(String(r.headers['content-disposition']), /^attachment; filename="monitoring-report\.html"; filename\*=UTF-8''/);
  });
});

describe('event taxonomy for the console', () => {
  test('GET /api/monitoring/taxonomy gives the shipped domains and sub-domains to monitoring roles only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/monitoring/taxonomy', headers: auditor.headers });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { version: string; domains: { name: string; subdomains: string[] }[] };
    const shipped = JSON.parse(readFileSync(new URL('./defaults/taxonomy.json', import.meta.url), 'utf8')) as {
      version: string;
      domains: { name: string; subdomains: { name: string }[] }[];
    };
    assert.equal(body.version, shipped.version);
    assert.deepEqual(
      body.domains,
      shipped.domains.map((d) => ({ name: d.name, subdomains: d.subdomains.map((s) => s.name) })),
    );
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/monitoring/taxonomy', headers: reporter.headers })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/monitoring/taxonomy' })).statusCode, 401);
  });
});
