// `citycredit monitor scorecards` over a real database: the ranking table, JSON and the .xlsx export
// of the current month's batches, imported through the real path.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { importRecords, penaltyRows } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../test/helpers/authorities.ts';
import { currentMonth } from '../domains/assessment/index.ts';
import { runScorecards } from './scorecards.ts';

let t: TestApp;
let dir: string;

before(async () => {
  t = await createTestApp();
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  dir = await mkdtemp(join(tmpdir(), 'cc-cli-scorecards-'));
  const rows = penaltyRows(10, 77);
  rows[3]['违法事实'] = ''; // one rejected row
  const r = await importRecords(t, rows);
  assert.equal(r.status, 'committed');
  assert.equal(r.rejected, 1);
});
after(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function sink() {
  let text = '';
  const w = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  return { w, text: () => text };
}

test("monitor scorecards prints the month's ranking with the reporting department first, and exports .xlsx", async () => {
  const s = sink();
  const out = join(dir, '部门考核.xlsx');
  const n = await runScorecards(t.ctx, s.w, { month: currentMonth(), out });
  assert.ok(n > 1, 'every member department has a card');
  const lines = s.text().split('\n');
  assert.match(lines[0], new RegExp(`部门考核（${currentMonth()}）`));
  assert.equal(lines[1].split('\t')[0], '排名');
  const first = lines[2].split('\t');
  assert.equal(first[0], '1');
  assert.match(first[1], /市场监督管理局/);
  assert.equal(first[2], '10');
  assert.equal(first[4], '90.0%'); // 9 of 10 accepted on the first pass
  assert.equal(first[5], '0/1'); // the rejected row is not corrected yet
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(out);
  const sheet = wb.worksheets[0];
  assert.equal(sheet.getRow(1).getCell(1).value, '排名');
  assert.match(String(sheet.getRow(2).getCell(2).value), /市场监督管理局/);
  assert.match(s.text(), /已导出：/);
});

test("monitor scorecards --json gives the API's shape; a bad month is refused in Chinese", async () => {
  const s = sink();
  await runScorecards(t.ctx, s.w, { month: currentMonth(), json: true });
  const view = JSON.parse(s.text());
  assert.equal(view.month, currentMonth());
  const top = view.items[0];
  assert.equal(top.reported, 10);
  assert.equal(top.rejected, 1);
  assert.equal(top.uncorrected, 1);
  await assert.rejects(runScorecards(t.ctx, sink().w, { month: '2026-13' }), (e: Error) => /月份/.test(e.message));
});
