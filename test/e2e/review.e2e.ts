// Browser test (issue 17 §2–§3): the credit office turns 报送需审核 on for a department; its clerk uploads, the batch
// waits for review (nothing public); the reviewer finds it on the 工作台 desk and in the queue, returns it with a
// note; the clerk sees the note on the desk and the receipt and uploads a corrected file; the reviewer approves it,
// the receipt lists each record's publicity decision, and the records are public. A page the clerk's role may not
// open says why (无权访问, which roles may).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { allowFixtureAuthorities } from '../helpers/authorities.ts';
import { csvEscape, generatePenaltyRows, PENALTY_HEADERS } from '../../src/domains/ingest/fixtures.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer, signInConsole } from '../helpers/browser.ts';

const PASSWORD = 'Review-password-2026';
const NOTE = '第 2 行违法事实为空，请补充后重新报送';
let server: E2eServer;
let browser: Browser;
let dir: string;

before(async () => {
  server = await startE2eServer();
  const dept = await allowFixtureAuthorities(server.db.db, 'SCJGJ');
  const users = [
    { username: 'office_admin', displayName: '信用办王主任', role: 'admin' as const, departmentId: null },
    { username: 'scjg_clerk', displayName: '市场监管局李填报', role: 'reporter' as const, departmentId: dept.id },
    { username: 'scjg_reviewer', displayName: '市场监管局赵审核', role: 'reviewer' as const, departmentId: dept.id },
  ];
  for (const u of users) await createUser(server.db.db, 'system', { ...u, password: PASSWORD }, { actor: null });
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'cc-e2e-review-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const signIn = (page: Page, username: string) => signInConsole(page, server.baseUrl, username, PASSWORD);

async function signOut(page: Page) {
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
}

async function receiptStatus(page: Page, status: string) {
  await page.locator(`[data-testid=receipt-status][data-status=${status}]`).waitFor({ timeout: 60_000 });
}

async function upload(page: Page, file: string) {
  await page.goto(`${server.baseUrl}/console/ingest`);
  await page.getByTestId('ingest-catalog-select').click();
  await page.getByTestId('option-catalog-sgs_cf_v2').click();
  await page.getByTestId('ingest-file-input').setInputFiles(file);
  await page.getByTestId('ingest-upload-submit').click();
  await receiptStatus(page, 'pending_review');
}

/** The desk's count of one to-do, once the desk has loaded it. */
async function todoCount(page: Page, key: string): Promise<number> {
  const item = page.getByTestId(`todo-${key}`);
  await item.waitFor();
  return Number(await item.getAttribute('data-count'));
}

const recordCount = async () => Number((await server.db.db.selectFrom('records').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

test('review journey: held upload, returned with a note, corrected, approved, public', async () => {
  // Recent decisions (the 2026 rules, nothing expired): fines are published, a 警告 alone is not (轻微).
  const rows = [...generatePenaltyRows(8, 1701, { from: '2026-11-02', to: '2026-11-20' })].map((r) => [...r.cells]);
  const fixedCsv = [PENALTY_HEADERS.map(csvEscape).join(','), ...rows.map((r) => r.map(csvEscape).join(','))].join('\r\n') + '\r\n';
  const broken = rows.map((r) => [...r]);
  broken[1][PENALTY_HEADERS.indexOf('违法事实')] = '';
  const brokenCsv = [PENALTY_HEADERS.map(csvEscape).join(','), ...broken.map((r) => r.map(csvEscape).join(','))].join('\r\n') + '\r\n';
  const first = join(dir, '行政处罚-第一次.csv');
  const second = join(dir, '行政处罚-已更正.csv');
  await writeFile(first, brokenCsv);
  await writeFile(second, fixedCsv);

  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();

  // The credit office turns the review step on for 市场监督管理局.
  await signIn(page, 'office_admin');
  await page.getByTestId('menu-departments').click();
  await page.getByTestId('department-review-SCJGJ').click();
  for (let i = 0; i < 100; i++) {
    const d = await server.db.db.selectFrom('departments').select('review_required').where('code', '=', 'SCJGJ').executeTakeFirstOrThrow();
    if (d.review_required) break;
    await page.waitForTimeout(100);
  }
  await page.screenshot({ path: join(RESULTS_DIR, 'review-departments.png'), fullPage: true });
  await signOut(page);

  // The clerk uploads: the batch waits for review, nothing is in the records.
  await signIn(page, 'scjg_clerk');
  await upload(page, first);
  assert.equal(await recordCount(), 0);
  await page.getByTestId('review-panel').waitFor();
  assert.equal(await page.getByTestId('review-approve').count(), 0, 'a clerk cannot approve');
  await page.screenshot({ path: join(RESULTS_DIR, 'review-pending-clerk.png'), fullPage: true });
  // A page the clerk's role may not open says why.
  await page.goto(`${server.baseUrl}/console/audit`);
  await page.getByTestId('forbidden').waitFor();
  assert.match(await page.getByTestId('forbidden-roles').innerText(), /信用办管理员、审计员/);
  await page.screenshot({ path: join(RESULTS_DIR, 'console-forbidden.png'), fullPage: true });
  await page.goto(`${server.baseUrl}/console`);
  await signOut(page);

  // The reviewer finds it on the desk, opens the queue, and returns it with a note.
  await signIn(page, 'scjg_reviewer');
  assert.equal(await todoCount(page, 'ingest.batches_to_review'), 1);
  await page.screenshot({ path: join(RESULTS_DIR, 'review-desk-reviewer.png'), fullPage: true });
  await page.getByTestId('todo-ingest.batches_to_review').locator('a').click();
  await page.getByTestId('batches-table').locator('.el-table__row').first().waitFor();
  assert.equal(await page.getByTestId('batches-table').locator('.el-table__row').count(), 1);
  await page.getByTestId('batches-table').locator('.el-table__row').first().click();
  await page.getByTestId('held-rows').locator('.el-table__row').first().waitFor();
  assert.equal(await page.getByTestId('held-rows').locator('.el-table__body-wrapper .el-table__row').count() >= 8, true);
  await page.screenshot({ path: join(RESULTS_DIR, 'review-queue-batch.png'), fullPage: true });
  await page.getByTestId('review-return').click();
  await page.locator('textarea[data-testid=review-note], [data-testid=review-note] textarea').fill(NOTE);
  await page.getByTestId('review-return-submit').click();
  await receiptStatus(page, 'returned');
  assert.equal(await recordCount(), 0);
  await signOut(page);

  // The clerk sees the returned batch on the desk and the note on its receipt, and uploads the corrected file.
  await signIn(page, 'scjg_clerk');
  assert.equal(await todoCount(page, 'ingest.batches_returned'), 1);
  await page.getByTestId('todo-ingest.batches_returned').locator('a').click();
  await page.getByTestId('batches-table').locator('.el-table__row').first().click();
  await page.getByTestId('receipt-return-note').waitFor();
  assert.match(await page.getByTestId('receipt-return-note').innerText(), new RegExp(NOTE));
  await page.screenshot({ path: join(RESULTS_DIR, 'review-returned-clerk.png'), fullPage: true });
  await upload(page, second);
  await page.goto(`${server.baseUrl}/console`);
  assert.equal(await todoCount(page, 'ingest.batches_returned'), 0);
  await signOut(page);

  // The reviewer approves; the batch is committed and the receipt says what the public sees per record.
  await signIn(page, 'scjg_reviewer');
  assert.equal(await todoCount(page, 'ingest.batches_to_review'), 1);
  await page.getByTestId('todo-ingest.batches_to_review').locator('a').click();
  await page.getByTestId('batches-table').locator('.el-table__row').first().click();
  await page.getByTestId('review-approve').click();
  await receiptStatus(page, 'committed');
  await page.getByTestId('receipt-records-table').locator('.el-table__row').first().waitFor();
  const labels = await page.getByTestId('receipt-record-publicity').allInnerTexts();
  assert.equal(labels.length, 8);
  assert.ok(labels.some((l) => /^公示至 \d{4}-\d{2}-\d{2}$/.test(l.trim())), labels.join(' | '));
  await page.screenshot({ path: join(RESULTS_DIR, 'review-approved-receipt.png'), fullPage: true });
  assert.equal(await recordCount(), 8);

  // The published records are public now: the portal shows one.
  const published = await server.db.db.selectFrom('records').select(['id', 'doc_no']).where('audience', '=', 'public').orderBy('id').executeTakeFirstOrThrow();
  await page.goto(`${server.baseUrl}/records/${published.id}`);
  await page.getByText(published.doc_no).first().waitFor();
  await page.screenshot({ path: join(RESULTS_DIR, 'review-public-record.png'), fullPage: true });

  const actions = await server.db.db.selectFrom('audit_log').select('action').where('action', 'like', 'ingest.review.%').execute();
  assert.deepEqual(actions.map((a) => a.action).sort(), ['ingest.review.approve', 'ingest.review.return']);
  await context.close();
});
