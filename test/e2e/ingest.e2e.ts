// Browser test (issue 归集 "done when"): a department clerk uploads a GBK CSV with errors, reads the
// receipt, downloads the error file, corrects it, uploads it again, and the counts add up.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { allowFixtureAuthorities } from '../helpers/authorities.ts';
import { generatePenaltyRows, PENALTY_HEADERS, csvEscape } from '../../src/domains/ingest/fixtures.ts';
import { encodeGb18030 } from '../../src/domains/ingest/gb18030.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer } from '../helpers/browser.ts';

const PASSWORD = 'Clerk-password-2026';
let server: E2eServer;
let browser: Browser;
let dir: string;

before(async () => {
  server = await startE2eServer();
  // The clerk's department may report the authorities the generated rows name (issue 11 §1).
  const dept = await allowFixtureAuthorities(server.db.db, 'SCJGJ');
  await createUser(server.db.db, 'system', { username: 'scjg_clerk', displayName: '市场监管局李填报', role: 'reporter', departmentId: dept.id, password: PASSWORD }, { actor: null });
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'cc-e2e-ingest-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function count(page: Page, id: string): Promise<number> {
  return Number((await page.getByTestId(id).innerText()).replace(/[^\d]/g, ''));
}

/** What the page and the batches table show, for a failure message. */
async function diagnose(page: Page): Promise<string> {
  const text = await page.locator('main').innerText().catch((e: Error) => `(page unreadable: ${e.message})`);
  const batches = await server.db.db.selectFrom('ingest_batches').select(['id', 'status', 'file_name', 'total', 'accepted', 'rejected', 'file_errors', 'created_at', 'finished_at']).orderBy('id').execute();
  return `${text.replace(/\s+/g, ' ').slice(0, 1500)}\nbatches: ${JSON.stringify(batches)}\nserver log: ${server.logs.slice(-10).join('\n')}`;
}

async function uploadAndWait(page: Page, file: string) {
  await page.goto(`${server.baseUrl}/console/ingest`);
  await page.getByTestId('ingest-catalog-select').click();
  await page.getByTestId('option-catalog-sgs_cf_v2').click();
  await page.getByTestId('ingest-file-input').setInputFiles(file);
  await page.getByTestId('ingest-upload-submit').click();
  // Wait for any final status, then require 'committed'; on failure say what the page and the database show.
  try {
    await page.locator('[data-testid=receipt-status]:not([data-status=processing])').waitFor({ timeout: 60_000 });
  } catch (e) {
    await page.screenshot({ path: join(RESULTS_DIR, 'ingest-timeout.png'), fullPage: true }).catch(() => undefined);
    throw new Error(`no final receipt after 60 s; page: ${await diagnose(page)}`, { cause: e });
  }
  const status = await page.getByTestId('receipt-status').getAttribute('data-status');
  if (status !== 'committed') throw new Error(`receipt status ${status}; page: ${await diagnose(page)}`);
  const c = {} as Record<string, number>;
  for (const k of ['total', 'accepted', 'rejected', 'new', 'updated', 'duplicates', 'late']) c[k] = await count(page, `receipt-${k}`);
  return c;
}

test('upload a GBK CSV with errors, download the error file, fix it, upload again: the counts add up', async () => {
  // 20 valid rows, three of which we break: a missing 违法事实, a wrong check character, a future date.
  const rows = [...generatePenaltyRows(20, 8080)].map((r) => [...r.cells]);
  const originals = rows.map((r) => [...r]);
  const col = (name: string) => PENALTY_HEADERS.indexOf(name);
  rows[2][col('违法事实')] = '';
  const usccCol = col('处罚机关统一社会信用代码');
  const uscc = rows[5][usccCol];
  rows[5][usccCol] = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
  rows[9][col('处罚决定日期')] = '2099-01-01';
  const csv = [PENALTY_HEADERS.map(csvEscape).join(','), ...rows.map((r) => r.map(csvEscape).join(','))].join('\r\n') + '\r\n';
  const file = join(dir, '行政处罚-本月.csv');
  await writeFile(file, encodeGb18030(csv));

  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/console/login`);
  await page.getByTestId('login-username').fill('scjg_clerk');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();

  const first = await uploadAndWait(page, file);
  assert.equal(first.total, 20);
  assert.equal(first.rejected, 3);
  assert.equal(first.accepted, 17);
  assert.equal(first.accepted, first.new + first.updated + first.duplicates);
  await page.getByTestId('rejects-table').waitFor();
  const rejectsText = await page.getByTestId('rejects-table').innerText();
  assert.match(rejectsText, /违法事实/);
  await page.screenshot({ path: join(RESULTS_DIR, 'ingest-receipt.png'), fullPage: true });

  // The uploader is offered their own rows unmasked as well (issue 11 §5); the server audits that download.
  await page.getByTestId('receipt-errors-download-unmasked').waitFor();
  // Download the error file and correct it from the original values (matched by 原行号).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('receipt-errors-download').click()]);
  const errorsPath = join(dir, 'errors.xlsx');
  await download.saveAs(errorsPath);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(errorsPath);
  const ws = wb.worksheets[0];
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  assert.deepEqual(header.slice(0, PENALTY_HEADERS.length), [...PENALTY_HEADERS]);
  const rowNoCol = header.indexOf('原行号') + 1;
  assert.equal(ws.rowCount, 4);
  for (let r = 2; r <= ws.rowCount; r++) {
    const line = Number(ws.getRow(r).getCell(rowNoCol).value); // CSV line: header is line 1
    const fixed = originals[line - 2];
    fixed.forEach((v, i) => (ws.getRow(r).getCell(i + 1).value = v));
  }
  const fixedPath = join(dir, '错误数据-已更正.xlsx');
  await wb.xlsx.writeFile(fixedPath);

  const second = await uploadAndWait(page, fixedPath);
  assert.equal(second.total, 3);
  assert.equal(second.rejected, 0);
  assert.equal(second.new, 3);
  await page.screenshot({ path: join(RESULTS_DIR, 'ingest-receipt-corrected.png'), fullPage: true });

  // All 20 records are stored exactly once.
  const n = await server.db.db.selectFrom('records').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  assert.equal(n.n, first.new + second.new);
  assert.equal(n.n, 20);
  await context.close();
});
