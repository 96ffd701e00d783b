// Browser test (issue 15 "done when"): a company applies for repair on the portal with its materials, the credit
// office forwards the application and the department approves it in the console; the record disappears from the
// public subject page and from a newly issued credit report, and the applicant sees the outcome by 查询码.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { findActiveItem } from '../../src/domains/catalog/catalog.repository.ts';
import { generateUscc } from '../../src/domains/codes/index.ts';
import { importRows } from '../../src/domains/ingest/import.service.ts';
import { refreshPublicity } from '../../src/domains/publicity/publicity.service.ts';
import { companyPenaltyRows } from '../../src/domains/reports/reports.fixtures.ts';
import { mulberry32 } from '../../src/platform/random.ts';
import { chinaEpochDay, isoOfEpochDay } from '../../src/platform/workCalendar.ts';
import { allowFixtureAuthorities } from '../helpers/authorities.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer, signInConsole } from '../helpers/browser.ts';
import { pdfText } from '../fixtures/monitoring/doc-text.ts';

const PASSWORD = 'Repair-password-2026';
const COMPANY = { name: '西宁浏览器修复测试有限公司', uscc: generateUscc(mulberry32(4711), { prefix: '91', region: '630104' }), legalRepresentative: '周修复' };

let server: E2eServer;
let browser: Browser;
let subjectId: string;
const records: Array<{ id: string; docNo: string }> = [];

before(async () => {
  server = await startE2eServer();
  const db = server.db.db;
  const { secret } = server.app.ctx.config;
  const dept = await allowFixtureAuthorities(db, 'SCJGJ');
  // Decided 200 days ago: past the 3-month minimum of a 一般 penalty (docs/domain/03-publicity.md §3.3).
  const day = isoOfEpochDay(chinaEpochDay(new Date()) - 200);
  const rows = companyPenaltyRows(2, 77, { company: COMPANY, from: day, to: day, docPrefix: 61, over: { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' } });
  const batch = await importRows({ db, pool: server.db.pool, secret, item: (await findActiveItem(db, '行政处罚'))!, departmentId: dept.id, channel: 'api', rows });
  assert.equal(batch.accepted, 2);
  await refreshPublicity(db, secret, { batchId: batch.batchId });
  const found = await db.selectFrom('records').select(['id', 'doc_no', 'subject_id']).where('doc_no', 'like', '%〕61%').orderBy('doc_no').execute();
  for (const r of found) records.push({ id: r.id, docNo: r.doc_no });
  subjectId = found[0].subject_id!;
  await createUser(db, 'system', { username: 'office_repair', displayName: '信用办修复岗', role: 'admin', departmentId: null, password: PASSWORD }, { actor: null });
  await createUser(db, 'system', { username: 'scjg_reviewer', displayName: '市场监管局审核员', role: 'reviewer', departmentId: dept.id, password: PASSWORD }, { actor: null });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const signIn = (page: Page, username: string) => signInConsole(page, server.baseUrl, username, PASSWORD);

test('a company applies on the portal, the department approves in the console, the record leaves the public page and a new report', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const [repaired, kept] = records;

  // Portal: the guide links to the online application.
  await page.goto(`${server.baseUrl}/repair`);
  await page.getByTestId('guide-repair-apply').click();
  await page.getByTestId('repair-uscc').fill(COMPANY.uscc);
  await page.getByTestId('repair-lookup').click();
  await page.getByTestId(`repair-record-${repaired.id}`).waitFor();
  assert.match(await page.getByTestId(`repair-record-${repaired.id}`).innerText(), /可申请[\s\S]*最早可申请日期/);
  await page.getByTestId(`repair-choose-${repaired.id}`).click();
  await page.getByTestId('repair-agent-name').fill('吴经办');
  await page.getByTestId('repair-agent-mobile').fill('13811112222');
  await page.getByTestId('repair-file-identity').setInputFiles({ name: '授权委托书.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.getByTestId('repair-file-performance').setInputFiles({ name: '罚款缴纳凭证.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]) });
  await page.getByTestId('repair-commitment').click();
  await page.getByTestId('repair-commitment-text').waitFor();
  assert.match(await page.getByTestId('repair-commitment-text').innerText(), new RegExp(`${COMPANY.name}[\\s\\S]*${repaired.docNo.replace(/[〔〕]/g, '.')}`));
  await page.getByTestId('repair-confirm').click();
  await page.getByTestId('repair-submit').click();
  await page.getByTestId('repair-query-code').waitFor();
  const code = (await page.getByTestId('repair-query-code').innerText()).trim();
  assert.match(code, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await page.screenshot({ path: join(RESULTS_DIR, 'repair-applied.png'), fullPage: true });

  // Console: the credit office forwards it, the department approves it.
  const staff = await context.newPage();
  await signIn(staff, 'office_repair');
  await staff.getByTestId('menu-repair').click();
  const id = (await server.db.db.selectFrom('repair_applications').select('id').executeTakeFirstOrThrow()).id;
  await staff.getByTestId(`repair-forward-${id}`).click();
  await staff.getByText('已转送认定部门').first().waitFor();
  await staff.getByTestId('logout').click();
  await staff.getByTestId('login-username').waitFor();
  await signIn(staff, 'scjg_reviewer');
  await staff.getByTestId('menu-repair').click();
  await staff.getByTestId(`repair-approve-${id}`).click();
  await staff.locator('.el-message-box__btns .el-button--primary').click();
  await staff.getByText('已作出决定').first().waitFor();
  await staff.screenshot({ path: join(RESULTS_DIR, 'repair-decided.png'), fullPage: true });

  // The public subject page: the repaired record is gone, the other one stays.
  await page.goto(`${server.baseUrl}/subjects/${subjectId}?tab=penalty`);
  await page.getByTestId('subject-records').waitFor();
  await page.locator(`[data-record-id="${kept.id}"]`).waitFor();
  assert.equal(await page.locator(`[data-record-id="${repaired.id}"]`).count(), 0, 'the repaired record is not on the public page');
  // A newly issued credit report: the repaired record is not in it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download').click()]);
  const pdf = await readFile((await download.path())!);
  const text = pdfText(pdf);
  assert.ok(text.includes(kept.docNo), 'the other record is in the report');
  assert.ok(!text.includes(repaired.docNo), 'the repaired record is not in the report');

  // The applicant follows the outcome by 查询码.
  await page.goto(`${server.baseUrl}/repair/progress`);
  await page.getByTestId('progress-uscc').fill(COMPANY.uscc);
  await page.getByTestId('progress-code').fill(code);
  await page.getByTestId('progress-query').click();
  await page.getByTestId('progress-status').waitFor();
  assert.equal(await page.getByTestId('progress-status').innerText(), '准予修复');
  await context.close();
});
