// A screening file is read once (issue 14 "Performance": upload to finished XLSX ≤ 5 s): the upload route reads
// and counts it, and hands the rows to the job, which screens them without reading the file again; a job without
// rows handed over (a restart, another process) reads the saved upload. A file of several chunks keeps its rows
// in input order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { installBuiltinListTypes, registerEntry } from '../lists/index.ts';
import { searchColumns } from '../subjects/index.ts';
import { installShippedMeasures } from './measures.seed.ts';
import { handOverRows, saveScreeningUpload, SCREEN_JOB, screeningDir, type ScreenPayload, type ScreenProgress } from './screening.job.ts';
import { readScreeningFile, screenFile } from './screening.ts';

let t: TestApp;
let dept = 0;
const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const ctx = { actor: { userId: null, username: 'test' } };
const LISTED = '91350100M000100Y43';
const CLEAN = '91350100M00010399X';
const BAD = '91350100M000100Y44';
const CSV = ['统一社会信用代码,名称', `${LISTED},`, `${CLEAN},`, `${BAD},`, ',福州某某建材'].join('\n');

before(async () => {
  t = await createTestApp();
  await installShippedMeasures(t.db);
  await installBuiltinListTypes(t.db);
  dept = (await t.db.selectFrom('departments').select('id').where('code', '=', 'CZJ').executeTakeFirstOrThrow()).id;
  const add = async (name: string, uscc: string) => {
    const c = searchColumns(name);
    return (await t.db.insertInto('subjects').values({ kind: 'legal', name, uscc, name_norm: c.nameNorm, pinyin_initials: c.pinyinInitials }).returning('id').executeTakeFirstOrThrow()).id;
  };
  const listed = await add('福州某某建材有限公司', LISTED);
  await add('福州清白科技有限公司', CLEAN);
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: listed, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
});
after(() => t.close());

const payload = (path: string): ScreenPayload => ({ path, fileName: '供应商.csv', departmentId: dept, userId: null, scenario: '政府采购' });

async function runJob(p: ScreenPayload) {
  const { id, done } = await t.app.jobs.submit(SCREEN_JOB, p);
  const outcome = await done;
  const row = await t.db.selectFrom('jobs').select('progress').where('id', '=', id).executeTakeFirstOrThrow();
  return { outcome, progress: row.progress as ScreenProgress | null };
}

test('the job screens the rows the upload handed over, without reading the file again', async () => {
  const rows = await readScreeningFile(Buffer.from(CSV), '供应商.csv');
  assert.equal(rows.length, 4);
  // No file at this path: only the handed-over rows can be screened.
  const path = join(await screeningDir(t.ctx.config.dataDir), 'never-saved.upload');
  handOverRows(path, rows);
  const { outcome, progress } = await runJob(payload(path));
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.ok(progress?.stage === 'done');
  assert.deepEqual(progress.summary, { rows: 4, found: 3, black: 2, red: 0, notFound: 0, review: 0, invalid: 1 });
});

test('without rows handed over (a restart), the job reads the saved upload', async () => {
  const path = await saveScreeningUpload(await screeningDir(t.ctx.config.dataDir), Buffer.from(CSV));
  const { outcome, progress } = await runJob(payload(path));
  assert.equal(outcome.status, 'done', String(outcome.error));
  assert.ok(progress?.stage === 'done');
  assert.deepEqual(progress.summary, { rows: 4, found: 3, black: 2, red: 0, notFound: 0, review: 0, invalid: 1 });
});

test('a file of several chunks: every row answered on its own row, in input order', async () => {
  const codes = [LISTED, CLEAN, BAD];
  const n = 12_003; // three chunks of 5,000 and a short one
  const lines = ['统一社会信用代码', ...Array.from({ length: n }, (_, i) => codes[i % 3])];
  const r = await screenFile(t.db, { secret: SECRET, departmentId: dept, scenario: '政府采购', fileName: 'big.csv', bytes: Buffer.from(lines.join('\n')) }, ctx);
  assert.deepEqual(r.summary, { rows: n, found: (2 * n) / 3, black: n / 3, red: 0, notFound: 0, review: 0, invalid: n / 3 });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.xlsx as unknown as ExcelJS.Buffer);
  const sheet = wb.worksheets[0]!;
  const want = ['命中', '未命中', '错误'];
  for (let i = 0; i < n; i++) {
    const row = sheet.getRow(i + 2);
    assert.equal(row.getCell(1).value, i + 2, `row ${i + 2}: its row number`);
    assert.equal(row.getCell(2).value, codes[i % 3]);
    assert.equal(row.getCell(5).value, want[i % 3]);
  }
});
