// The receipt tells the clerk what the public will see (issue 17 §2): per record the batch wrote, 公示至 a date
// or 不予公示 with the reason in words, in the console's receipt (GET …/records) and the downloadable receipt
// (receipt.xlsx); another department's clerk is refused both.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords, penaltyRows } from '../../../test/factories.ts';
import type { BatchRecords } from './ingest.schemas.ts';
import { PENALTY_HEADERS } from './fixtures.ts';

const header = (part: string) => PENALTY_HEADERS.find((h) => h.includes(part))!;
const CATEGORY = header('处罚类别');
const DOC_NO = header('文号');

let t: TestApp;
let headers: Record<string, string>;
let batchId: string;
const rows = penaltyRows(40, 1701, { from: '2026-11-02', to: '2026-11-20' });
const warning = rows.find((r) => r[CATEGORY] === '警告')!;
const fine = rows.find((r) => r[CATEGORY] === '罚款' && r !== warning)!;

before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  headers = (await loginAs(t, 'reporter', 'SCJGJ')).headers;
  const receipt = await importRecords(t, [fine, warning], { publish: true });
  assert.equal(receipt.accepted, 2, JSON.stringify(receipt));
  batchId = receipt.batchId;
});
after(async () => {
  await t?.close();
});

describe('the receipt shows each record’s publicity decision', () => {
  test('GET …/records: 公示至 a date for the fine, 不予公示（轻微） for the 警告, in row order', async () => {
    const r = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${batchId}/records`, headers });
    assert.equal(r.statusCode, 200, r.body);
    const page = r.json() as BatchRecords;
    assert.deepEqual(page.items.map((x) => [x.rowNumber, x.record.docNo]), [[1, fine[DOC_NO]], [2, warning[DOC_NO]]]);
    const [f, w] = page.items.map((x) => x.record.publicity);
    assert.match(f.label, /^公示至 \d{4}-\d{2}-\d{2}$/);
    assert.equal(w.label, '不予公示（轻微）');
    assert.equal(page.nextCursor, null);
  });

  test('the downloadable receipt carries the counts and the same decisions', async () => {
    const r = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${batchId}/receipt.xlsx`, headers });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-disposition']), /filename\*=UTF-8''/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const summary = new Map(wb.getWorksheet('回执')!.getSheetValues().filter(Boolean).map((v) => [(v as unknown[])[1], (v as unknown[])[2]]));
    assert.equal(summary.get('批次号'), batchId);
    assert.equal(summary.get('接收'), 2);
    const sheet = wb.getWorksheet('记录与公示决定')!;
    const lines = sheet.getSheetValues().filter(Boolean).map((v) => (v as unknown[]).slice(1));
    assert.deepEqual(lines[0], ['行号', '决定文书号', '主体名称', '记录状态', '公示决定', '说明']);
    assert.equal(lines[1][1], fine[DOC_NO]);
    assert.match(String(lines[1][4]), /^公示至 /);
    assert.equal(lines[2][1], warning[DOC_NO]);
    assert.equal(lines[2][4], '不予公示（轻微）');
    assert.match(String(lines[2][5]), /不予公示/);
    const audited = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'ingest.receipt.download').where('target', '=', `batch:${batchId}`).execute();
    assert.equal(audited.length, 1);
  });

  test('another department’s clerk is refused (403), a signed-out caller 401', async () => {
    const other = await loginAs(t, 'reporter', 'SWUJU');
    for (const url of [`/api/ingest/batches/${batchId}/records`, `/api/ingest/batches/${batchId}/receipt.xlsx`]) {
      assert.equal((await t.app.inject({ method: 'GET', url, headers: other.headers })).statusCode, 403, url);
      assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 401, url);
    }
  });
});
