// Issue 13, the cases that involve storage, through the real importer and the console's HTTP API (run on
// PostgreSQL 18 and 15): 注销/失效 stays shared with government while 撤销 withdraws; a natural person without a
// birth date waits for the department and is published once an adult's 出生日期 arrives; the receipt and the
// credit office's records list name the same doubtful fines, also when 罚款 is not among the categories; the
// settings the credit office saves are the ones the next import decides with.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords, penaltyRows } from '../../../test/factories.ts';
import type { IngestRecord } from '../ingest/ingest.schemas.ts';

let t: TestApp;
let reporter: Record<string, string>;
let admin: Record<string, string>;
before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  reporter = (await loginAs(t, 'reporter', 'SCJGJ')).headers;
  admin = (await loginAs(t, 'admin')).headers;
});
after(async () => {
  await t?.close();
});

const FINE = '罚款金额（万元）';
// Decided last month: the 2026 rules apply and nothing has expired.
const base = penaltyRows(80, 1313, { from: '2026-11-02', to: '2026-11-20' }).filter((r) => r['处罚类别'] === '罚款');
let n = 0;
/** A fine row of an organisation with a fresh 文号 and the given cells replaced. */
const fine = (over: Record<string, string>) => ({ ...base[n % base.length], 行政处罚决定书文号: `宁市监罚〔2026〕L${++n}号`, ...over });

async function record(docNo: string, h = reporter): Promise<IngestRecord> {
  const r = await t.app.inject({ method: 'GET', url: `/api/ingest/records?q=${encodeURIComponent(docNo)}`, headers: h });
  assert.equal(r.statusCode, 200, r.body);
  const items = (r.json() as { items: IngestRecord[] }).items;
  assert.equal(items.length, 1, r.body);
  return items[0];
}

describe('注销/失效 ends public display but stays shared; 撤销 withdraws (case 5)', () => {
  // A 行政许可 row of an organisation; the authority and subject come from a generated penalty row.
  const permit = (docNo: string, status: string) => {
    const p = base[0];
    return {
      行政相对人名称: p['行政相对人名称'],
      行政相对人类别: '法人及非法人组织',
      '行政相对人代码_1（统一社会信用代码）': p['行政相对人代码_1（统一社会信用代码）'],
      法定代表人: p['法定代表人'],
      行政许可决定文书名称: '食品经营许可决定书',
      行政许可决定文书号: docNo,
      许可类别: '普通',
      许可内容: '准予食品经营许可',
      许可决定日期: '2025-01-10',
      有效期自: '2025-01-10',
      有效期至: '2030-01-09',
      许可机关: p['处罚机关'],
      许可机关统一社会信用代码: p['处罚机关统一社会信用代码'],
      当前状态: status,
      数据来源单位: p['数据来源单位'],
      数据来源单位统一社会信用代码: p['数据来源单位统一社会信用代码'],
    };
  };
  // [当前状态 as sent, stored status code, audience, label]; before: 注销 and 失效 were stored as 2 (无效) and withdrawn.
  const cases: [string, string, string, string][] = [
    ['有效', '1', 'public', '公示至 2030-01-09'],
    ['注销', '4', 'government', '不予公示（注销或失效，仅政务共享）'],
    ['已失效', '4', 'government', '不予公示（注销或失效，仅政务共享）'],
    ['撤销', '2', 'none', '不予公示（撤销）'],
  ];
  test('each status through the importer, as stored and as the records list shows it', async () => {
    const rows = cases.map(([status], i) => permit(`宁市监许〔2025〕Z${i}号`, status));
    const receipt = await importRecords(t, rows, { catalog: '行政许可', publish: true });
    assert.equal(receipt.accepted, cases.length, JSON.stringify(receipt));
    for (const [i, [status, code, audience, label]] of cases.entries()) {
      const rec = await record(`宁市监许〔2025〕Z${i}号`);
      const detail = (await t.app.inject({ method: 'GET', url: `/api/ingest/records/${rec.id}`, headers: reporter })).json();
      const current = detail.versions.at(-1);
      assert.deepEqual([current.content.XK_ZT, rec.publicity.audience, rec.publicity.label], [code, audience, label], status);
    }
  });
});

describe('a natural person without a birth date waits for the department (case 6)', () => {
  const PERSON = {
    行政相对人名称: 'John Smith',
    行政相对人类别: '自然人',
    '行政相对人代码_1（统一社会信用代码）': '',
    法定代表人: '',
    法定代表人证件类型: '',
    法定代表人证件号码: '',
    证件类型: '护照',
    证件号码: 'E12345678',
  };
  test('a passport alone: age_unconfirmed in the receipt and the record, 政务共享 only; an adult 出生日期 publishes it, a minor one withdraws it', async () => {
    const row = fine(PERSON);
    const a = await importRecords(t, [row], { publish: true });
    assert.equal(a.accepted, 1, JSON.stringify(a));
    assert.deepEqual(a.warnings.find((w) => w.code === 'age_unconfirmed')?.rowNumbers, [1]);
    let rec = await record(row['行政处罚决定书文号']);
    assert.deepEqual([rec.publicity.audience, rec.publicity.reasons.includes('age_unconfirmed'), rec.publicity.label], ['government', true, '不予公示（年龄待部门确认）']);
    assert.match(rec.publicity.explanation ?? '', /^暂不公示：当事人为自然人/);
    const listed = await t.app.inject({ method: 'GET', url: '/api/ingest/records?warning=age_unconfirmed', headers: reporter });
    assert.deepEqual((listed.json() as { items: IngestRecord[] }).items.map((i) => i.docNo), [row['行政处罚决定书文号']]);

    // The department sends the birth date: an adult's penalty is public.
    await importRecords(t, [{ ...row, 出生日期: '1980-05-01' }], { publish: true });
    rec = await record(row['行政处罚决定书文号']);
    assert.deepEqual([rec.publicity.audience, rec.publicity.reasons.includes('age_unconfirmed')], ['public', false]);
    // A minor's is never published, to anyone.
    await importRecords(t, [{ ...row, 出生日期: '2012-05-01' }], { publish: true });
    rec = await record(row['行政处罚决定书文号']);
    assert.deepEqual([rec.publicity.audience, rec.publicity.reasons[0]], ['none', 'minor_subject']);
  });
});

describe('the receipt and the records list name the same doubtful fines (case 3)', () => {
  // [what, cells, warning codes of the row]; before: only the first row was listed, and a fine_unit_suspect row
  // whose categories lack 罚款 was in the receipt but not in the list; the implausible amounts were 严重.
  const cases: [string, Record<string, string>, string[]][] = [
    ['5000 beside 罚款人民币5000元', { [FINE]: '5000', 处罚内容: '罚款人民币5000元' }, ['fine_unit_suspect']],
    ['the same with 处罚类别 警告 only', { 处罚类别: '警告', [FINE]: '5000', 处罚内容: '警告，罚款人民币5000元' }, ['fine_unit_suspect']],
    ['2000 万元 with no 元 figure', { [FINE]: '2000', 处罚内容: '责令改正，并处罚款' }, ['fine_implausible']],
    ['2000 万元 with 处罚类别 警告 only', { 处罚类别: '警告', [FINE]: '2000', 处罚内容: '警告' }, ['fine_implausible']],
    ['a plain 10 万元 fine', { [FINE]: '10', 处罚内容: '罚款人民币100000元' }, []],
  ];
  const rows = cases.map(([, over]) => fine(over));
  let receipt: { warnings: { code: string; rowNumbers: number[] }[] };
  before(async () => {
    const r = await importRecords(t, rows, { publish: true });
    assert.equal(r.accepted, rows.length, JSON.stringify(r));
    receipt = r;
  });

  test('each row is in the receipt under its codes and in the list filtered by each code, and nothing else is', async () => {
    for (const code of ['fine_unit_suspect', 'fine_implausible'] as const) {
      const expected = cases.flatMap(([, , codes], i) => (codes.includes(code) ? [i] : []));
      const inReceipt = receipt.warnings.find((w) => w.code === code)?.rowNumbers ?? [];
      // Rows sent through the API are numbered from 1.
      assert.deepEqual(inReceipt, expected.map((i) => i + 1), `receipt ${code}`);
      const r = await t.app.inject({ method: 'GET', url: `/api/ingest/records?warning=${code}&q=${encodeURIComponent('宁市监罚〔2026〕L')}`, headers: admin });
      const listed = (r.json() as { items: IngestRecord[] }).items.map((x) => x.docNo).filter((d) => rows.some((row) => row['行政处罚决定书文号'] === d));
      assert.deepEqual(listed.sort(), expected.map((i) => rows[i]['行政处罚决定书文号']).sort(), `list ${code}`);
    }
  });

  test('a doubtful amount is not read as 巨额: the fine stays 一般', async () => {
    for (const i of [0, 2]) {
      const rec = await record(rows[i]['行政处罚决定书文号']);
      assert.ok(!rec.publicity.reasons.includes('fine_above_threshold'), JSON.stringify(rec.publicity));
    }
  });
});

describe('the settings the credit office saves decide the next import (case 14)', () => {
  test('行政拘留 set to 一般 in the console: a detention imported afterwards is public for at most 1 year', async () => {
    const detention = fine({ 处罚类别: '行政拘留', [FINE]: '', 处罚内容: '行政拘留五日', 处罚决定日期: '2026-11-10' });
    const r1 = await importRecords(t, [detention], { publish: true });
    assert.equal(r1.accepted, 1, JSON.stringify(r1));
    const before = await record(detention['行政处罚决定书文号']);
    assert.equal(before.publicity.publicUntil, '2029-11-10');
    const put = await t.app.inject({ method: 'PUT', url: '/api/publicity/settings', headers: admin, payload: { categorySeverity: { '13': '一般' } } });
    assert.equal(put.statusCode, 200, put.body);
    const again = fine({ 处罚类别: '行政拘留', [FINE]: '', 处罚内容: '行政拘留五日', 处罚决定日期: '2026-11-10' });
    await importRecords(t, [again], { publish: true });
    assert.equal((await record(again['行政处罚决定书文号'])).publicity.publicUntil, '2027-11-10');
    // The earlier record is marked for the next job run and then re-decided under the new class.
    const { refreshPublicity } = await import('./index.ts');
    await refreshPublicity(t.db, t.ctx.config.secret, { dueBy: '2026-12-07' });
    assert.equal((await record(detention['行政处罚决定书文号'])).publicity.publicUntil, '2027-11-10');
    const reset = await t.app.inject({ method: 'PUT', url: '/api/publicity/settings', headers: admin, payload: { categorySeverity: { '13': '严重' } } });
    assert.equal(reset.statusCode, 200, reset.body);
  });
});
