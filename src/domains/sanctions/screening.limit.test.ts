// The screening row limit is enforced at upload (issue 14, bad input: a file over 100,000 rows → 413, nothing
// stored): CSV and XLSX alike, counted while streaming. Over the limit: no job and no file kept; at the limit: accepted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { MAX_SCREENING_ROWS } from './screening.ts';

let t: TestApp;
let clerk: Awaited<ReturnType<typeof loginAs>>;
const URL = `/api/sanctions/screenings?scenario=${encodeURIComponent('政府采购')}`;
// Codes that fail their check digit: each row is answered on its own row without a registry lookup, so the
// accepted files screen quickly.
const CODE = '91350100M000100Y44';

before(async () => {
  // Its own data folder: the kept-file count must not see the uploads of test files running alongside.
  t = await createTestApp({ dataDir: await mkdtemp(join(tmpdir(), 'screening-limit-')) });
  clerk = await loginAs(t, 'reporter', 'CZJ');
});
after(async () => {
  await t.close();
  await rm(t.ctx.config.dataDir, { recursive: true, force: true });
});

const csvOf = (rows: number) => Buffer.from(['统一社会信用代码', ...Array.from({ length: rows }, () => CODE)].join('\n'));

async function xlsxOf(rows: number): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (b: Buffer) => parts.push(b));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('名单');
  ws.addRow(['统一社会信用代码']).commit();
  for (let i = 0; i < rows; i++) ws.addRow([CODE]).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(parts);
}

const screeningJobs = async () => (await t.db.selectFrom('jobs').select('id').where('name', '=', 'sanctions.screen').execute()).length;
const keptFiles = async () => (await readdir(join(t.ctx.config.dataDir, 'screenings')).catch(() => [] as string[])).length;

async function waitDone(jobId: string): Promise<string> {
  for (;;) {
    const s = await t.app.inject({ method: 'GET', url: `/api/sanctions/screenings/${jobId}`, headers: clerk.headers });
    const status = s.json().status as string;
    if (!['queued', 'running'].includes(status)) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const CASES: Array<{ name: string; file: string; rows: number; make: (rows: number) => Promise<Buffer> | Buffer; status: number }> = [
  { name: 'CSV over the limit', file: 'big.csv', rows: MAX_SCREENING_ROWS + 1, make: csvOf, status: 413 },
  { name: 'XLSX over the limit', file: 'big.xlsx', rows: MAX_SCREENING_ROWS + 1, make: xlsxOf, status: 413 },
  { name: 'CSV at the limit', file: 'max.csv', rows: MAX_SCREENING_ROWS, make: csvOf, status: 202 },
  { name: 'XLSX at the limit', file: 'max.xlsx', rows: MAX_SCREENING_ROWS, make: xlsxOf, status: 202 },
];

for (const c of CASES) {
  test(`${c.name} (${c.rows} rows) → ${c.status}`, async () => {
    const jobsBefore = await screeningJobs();
    const filesBefore = await keptFiles();
    const m = multipartFile(c.file, await c.make(c.rows));
    const r = await t.app.inject({ method: 'POST', url: URL, headers: { ...clerk.headers, ...m.headers }, payload: m.payload });
    assert.equal(r.statusCode, c.status, r.body);
    if (c.status === 413) {
      assert.equal(r.json().error.code, 'screening_too_many_rows');
      assert.match(r.json().error.message, /比对文件超过 100,000 行，未保存任何内容/);
      assert.equal(await screeningJobs(), jobsBefore, 'no job is queued');
      assert.equal(await keptFiles(), filesBefore, 'no file is kept');
    } else {
      assert.equal(await screeningJobs(), jobsBefore + 1);
      assert.equal(await waitDone(r.json().jobId), 'done');
    }
  });
}
