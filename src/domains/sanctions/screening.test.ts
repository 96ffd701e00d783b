// Batch screening (批量比对, issue 14 §5): CSV (UTF-8, GBK) and XLSX in, one result row per input row and a summary
// sheet out; invalid rows answered on their row; names exact, folded and fuzzy (never hits); over 100,000 rows →
// 413 with nothing stored; the upload runs as a job with progress; another department cannot read it.
import { after, before, test } from 'node:test';
import { installShippedMeasures } from './measures.seed.ts';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { AppError } from '../../platform/errors.ts';
import { assertFormat, encodeGb18030, readRows } from '../ingest/index.ts';
import { registerEntry } from '../lists/index.ts';
import { searchColumns } from '../subjects/index.ts';
import { screenFile } from './screening.ts';
import { installBuiltinListTypes } from '../lists/index.ts';

let t: TestApp;
type Session = Awaited<ReturnType<typeof loginAs>>;
let clerk: Session;
let other: Session;
const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const ctx = { actor: { userId: null, username: 'test' } };
const LISTED = '91350100M000100Y43';
const CLEAN = '91350100M00010399X';
let deptIdOf = 0;

before(async () => {
  t = await createTestApp();
  await installShippedMeasures(t.db);
  clerk = await loginAs(t, 'reporter', 'CZJ');
  other = await loginAs(t, 'reporter', 'SCJGJ');
  deptIdOf = (await t.db.selectFrom('departments').select('id').where('code', '=', 'CZJ').executeTakeFirstOrThrow()).id;
  await installBuiltinListTypes(t.db); // the lists domain's shipped types (SXBZXR, ZFCGSX, ANSRX …)
  const add = async (name: string, uscc: string | null) => {
    const c = searchColumns(name);
    return (
      await t.db
        .insertInto('subjects')
        .values({ kind: 'legal', name, uscc, name_norm: c.nameNorm, pinyin_initials: c.pinyinInitials, created_at: new Date(), updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  };
  const listed = await add('福州某某建材有限公司', LISTED);
  await add('福州清白科技有限公司', CLEAN);
  await add('福州相似建设工程有限公司', null);
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: listed, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
});
after(() => t.close());

async function sheets(xlsx: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
  const read = (i: number) => {
    const rows: string[][] = [];
    wb.worksheets[i]!.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v)))));
    return rows;
  };
  return { result: read(0), summary: Object.fromEntries(read(1).map((r) => [r[0], r[1]])), names: wb.worksheets.map((w) => w.name) };
}

const CSV = ['统一社会信用代码,身份证号码,名称', `${LISTED},,`, `${CLEAN},,`, '91350100M000100Y44,,', ',,福州某某建材有限責任公司', ',,福州相似建设', ',,=HYPERLINK("http://x")', ''].join('\r\n');

test('a CSV: one result row per input row, invalid code on its row, names folded; fuzzy never a hit; summary sheet', async () => {
  const r = await screenFile(t.db, { secret: SECRET, departmentId: deptIdOf, scenario: '政府采购', fileName: '供应商.csv', bytes: Buffer.from(CSV, 'utf8') }, ctx);
  assert.deepEqual(r.summary, { rows: 6, found: 3, black: 2, red: 0, notFound: 1, review: 1, invalid: 1 });
  const s = await sheets(r.xlsx);
  assert.deepEqual(s.names, ['比对结果', '汇总']);
  assert.equal(s.result.length, 7);
  const [, listed, clean, bad, folded, fuzzy, hostile] = s.result;
  assert.equal(listed![4], '命中');
  assert.match(listed![11]!, /限制参加政府采购活动（依据：.*财办库〔2014〕526号）/);
  assert.equal(clean![4], '未命中');
  assert.equal(bad![4], '错误');
  assert.match(bad![14]!, /不是有效的统一社会信用代码/);
  assert.equal(folded![4], '命中');
  assert.equal(folded![5], '名称（规范化）');
  assert.equal(fuzzy![4], '待人工核实');
  assert.match(fuzzy![13]!, /福州相似建设工程有限公司/);
  assert.ok(hostile![3]!.startsWith("'="), 'a formula is neutralised');
  assert.equal(s.summary['核查编号'], r.caseNo);
  assert.equal(s.summary['命中黑名单'], '2');
  const check = await t.db.selectFrom('sanction_checks').select(['channel', 'subjects', 'hits', 'feedback_due']).where('id', '=', r.checkId).executeTakeFirstOrThrow();
  assert.deepEqual(check, { channel: 'screening', subjects: 6, hits: 2, feedback_due: 2 });
});

// The whole result file, pinned: a faster writer must not change what it says (issue 14 "Performance").
const NOT_FOUND_TEXT = '主体库中未找到该主体：不代表没有失信记录，请核实名称或代码后重新核查';
const ZFCG_ENTRY = '政府采购严重违法失信行为记录（榕财采〔2026〕3号）';
const ZFCG_MEASURE = '列入政府采购严重违法失信行为记录名单期间，依法限制参加政府采购活动（依据：《财政部办公厅关于报送政府采购严重违法失信行为信息记录的通知》，财办库〔2014〕526号）';
const _ = null; // an empty cell (an empty string, which ExcelJS reads back as no value)

test('the result file cell by cell: sheets, columns, values and their types, rows in input order', async () => {
  const r = await screenFile(t.db, { secret: SECRET, departmentId: deptIdOf, scenario: '政府采购', fileName: '供应商.csv', bytes: Buffer.from(CSV, 'utf8') }, ctx);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.xlsx as unknown as ExcelJS.Buffer);
  assert.deepEqual(
    wb.worksheets.map((w) => w.name),
    ['比对结果', '汇总'],
  );
  const values = (i: number) => wb.worksheets[i]!.getSheetValues().slice(1).map((row) => Array.from((row as unknown[]).slice(1), (v) => v ?? null));
  // prettier-ignore
  assert.deepEqual(values(0), [
    ['行号', '输入：统一社会信用代码', '输入：身份证号码', '输入：名称', '比对结果', '匹配方式', '主体名称', '主体统一社会信用代码', '黑名单', '红名单', '仍在公示期的严重失信处罚', '适用的惩戒措施及依据', '适用的激励措施及依据', '待人工核实的候选主体', '说明'],
    [2, LISTED, _, _, '命中', '统一社会信用代码', '福州某某建材有限公司', LISTED, ZFCG_ENTRY, _, _, ZFCG_MEASURE, _, _, '在列名单 1 条'],
    [3, CLEAN, _, _, '未命中', '统一社会信用代码', '福州清白科技有限公司', CLEAN, _, _, _, _, _, _, '未在红黑名单中'],
    [4, '91350100M000100Y44', _, _, '错误', _, _, _, _, _, _, _, _, _, '“91350100M000100Y44”不是有效的统一社会信用代码'],
    [5, _, _, '福州某某建材有限責任公司', '命中', '名称（规范化）', '福州某某建材有限公司', LISTED, ZFCG_ENTRY, _, _, ZFCG_MEASURE, _, _, '在列名单 1 条'],
    [6, _, _, '福州相似建设', '待人工核实', _, _, _, _, _, _, _, _, '福州相似建设工程有限公司', NOT_FOUND_TEXT],
    [7, _, _, "'=HYPERLINK(\"http://x\")", '未找到', _, _, _, _, _, _, _, _, _, NOT_FOUND_TEXT],
  ]);
  const summary = values(1);
  assert.match(String(summary[3]![1]), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
  assert.deepEqual(summary, [
    ['核查编号', r.caseNo],
    ['文件', '供应商.csv'],
    ['业务场景', '政府采购'],
    ['比对时间', summary[3]![1]],
    ['总行数', 6],
    ['在主体库中找到', 3],
    ['命中黑名单', 2],
    ['命中红名单', 0],
    ['未找到（不代表没有失信记录）', 1],
    ['待人工核实（相似名称，未计为命中）', 1],
    ['错误行（代码无效等）', 1],
  ]);
  // Every row of the result sheet has all 15 cells, the empty ones included (as text), never fewer.
  const xml = await (await JSZip.loadAsync(r.xlsx)).file('xl/worksheets/sheet1.xml')!.async('string');
  const rows = [...xml.matchAll(/<row [^>]*>([\s\S]*?)<\/row>/g)].map((m) => [...m[1]!.matchAll(/<c r="([A-Z]+)\d+"( t="str")?>/g)].map((c) => `${c[1]}${c[2] ? ':str' : ''}`));
  assert.equal(rows.length, 7);
  const textCells = 'BCDEFGHIJKLMNO'.split('').map((c) => `${c}:str`);
  assert.deepEqual(rows[0], ['A:str', ...textCells]);
  for (const row of rows.slice(1)) assert.deepEqual(row, ['A', ...textCells], 'the row number is a number, the rest text');
  // The platform's own strict reader (ingest: zipguard's limits, its sheet scanner) reads the file back too.
  const read: string[][] = [];
  for await (const ev of readRows(r.xlsx, { format: assertFormat(r.xlsx.subarray(0, 8192), 'result.xlsx') })) if (ev.kind === 'header' || ev.kind === 'row') read.push(ev.cells);
  assert.deepEqual(
    read.map((cells) => cells[4]),
    ['比对结果', '命中', '未命中', '错误', '命中', '待人工核实', '未找到'],
  );
});

test('a GBK CSV and an XLSX read the same', async () => {
  const gbk = await screenFile(t.db, { secret: SECRET, departmentId: deptIdOf, scenario: '政府采购', fileName: 'gbk.csv', bytes: Buffer.from(encodeGb18030(CSV)) }, ctx);
  assert.equal(gbk.summary.black, 2);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  for (const line of CSV.split('\r\n').filter(Boolean)) ws.addRow(line.split(','));
  const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
  const x = await screenFile(t.db, { secret: SECRET, departmentId: deptIdOf, scenario: '政府采购', fileName: 'list.xlsx', bytes: xlsx }, ctx);
  assert.deepEqual(x.summary, gbk.summary);
});

test('a file of one column without a header: codes and names told apart by shape', async () => {
  const r = await screenFile(t.db, { secret: SECRET, departmentId: deptIdOf, scenario: '政府采购', fileName: 'one.csv', bytes: Buffer.from(`${LISTED}\n福州清白科技有限公司\n`) }, ctx);
  assert.deepEqual([r.summary.rows, r.summary.found, r.summary.black], [2, 2, 1]);
});

test('over 100,000 rows → 413 and nothing stored; an unknown scenario → 400', async () => {
  const before = await t.db.selectFrom('sanction_checks').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const big = Buffer.from(['统一社会信用代码', ...Array.from({ length: 100_001 }, () => LISTED)].join('\n'));
  await assert.rejects(
    screenFile(t.db, { secret: SECRET, departmentId: deptIdOf, scenario: '政府采购', fileName: 'big.csv', bytes: big }, ctx),
    (e: unknown) => e instanceof AppError && e.code === 'screening_too_many_rows' && e.status === 413,
  );
  const m = multipartFile('big.csv', big);
  const r = await t.app.inject({ method: 'POST', url: `/api/sanctions/screenings?scenario=${encodeURIComponent('政府采购')}`, headers: { ...clerk.headers, ...m.headers }, payload: m.payload });
  assert.equal(r.statusCode, 413, r.body);
  const after = await t.db.selectFrom('sanction_checks').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  assert.equal(after.n, before.n);
  const jobs = await t.db.selectFrom('jobs').select('id').where('name', '=', 'sanctions.screen').execute();
  assert.equal(jobs.length, 0);
  await assert.rejects(screenFile(t.db, { secret: SECRET, departmentId: deptIdOf, scenario: '采购', fileName: 'a.csv', bytes: Buffer.from(CSV) }, ctx), (e: unknown) => e instanceof AppError && e.status === 400);
});

test('upload → job with progress → result XLSX for the department only; role and department denials', async () => {
  const m = multipartFile('供应商.csv', Buffer.from(CSV));
  const url = `/api/sanctions/screenings?scenario=${encodeURIComponent('政府采购')}`;
  const r = await t.app.inject({ method: 'POST', url, headers: { ...clerk.headers, ...m.headers }, payload: m.payload });
  assert.equal(r.statusCode, 202, r.body);
  const { jobId } = r.json();
  // The job runs at once in this process: follow its progress until it ends.
  let s = await t.app.inject({ method: 'GET', url: `/api/sanctions/screenings/${jobId}`, headers: clerk.headers });
  while (s.statusCode === 200 && ['queued', 'running'].includes(s.json().status)) {
    await new Promise((r) => setTimeout(r, 50));
    s = await t.app.inject({ method: 'GET', url: `/api/sanctions/screenings/${jobId}`, headers: clerk.headers });
  }
  assert.equal(s.statusCode, 200, s.body);
  assert.equal(s.json().status, 'done');
  assert.equal(s.json().done, 6);
  assert.equal(s.json().summary.black, 2);
  const x = await t.app.inject({ method: 'GET', url: `/api/sanctions/screenings/${jobId}/result`, headers: clerk.headers });
  assert.equal(x.statusCode, 200);
  assert.equal((await sheets(x.rawPayload)).result.length, 7);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/sanctions/screenings/${jobId}`, headers: other.headers })).statusCode, 404);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/sanctions/screenings/${jobId}/result`, headers: other.headers })).statusCode, 404);
  const auditor = await loginAs(t, 'auditor');
  const m2 = multipartFile('a.csv', Buffer.from(CSV));
  assert.equal((await t.app.inject({ method: 'POST', url, headers: { ...auditor.headers, ...m2.headers }, payload: m2.payload })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/sanctions/screenings/${jobId}`, headers: auditor.headers })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/sanctions/screenings/${jobId}/result`, headers: auditor.headers })).statusCode, 403);
});
