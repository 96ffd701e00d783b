// Batch screening (批量比对, issue 14 §5): CSV (UTF-8, GBK) and XLSX in, one result row per input row and a summary
// sheet out; invalid rows answered on their row; names exact, folded and fuzzy (never hits); over 100,000 rows →
// 413 with nothing stored; the upload runs as a job with progress; another department cannot read it.
import { after, before, test } from 'node:test';
import { installShippedMeasures } from './measures.seed.ts';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { AppError } from '../../platform/errors.ts';
import { encodeGb18030 } from '../ingest/index.ts';
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
