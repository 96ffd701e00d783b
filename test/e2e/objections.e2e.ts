// Browser test (issue 15 "done when"): a company files an objection on the portal against one of its public
// penalties with a PDF as evidence; the public subject page shows 异议处理中; the credit office sends it to the
// source department in the console, the department corrects the record there; the mark is gone and the public
// record shows the corrected content; the applicant sees the outcome with the 查询码.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { findActiveItem } from '../../src/domains/catalog/catalog.repository.ts';
import { generateUscc } from '../../src/domains/codes/index.ts';
import { mulberry32 } from '../../src/domains/ingest/fixtures.ts';
import { importRows } from '../../src/domains/ingest/import.service.ts';
import { refreshPublicity } from '../../src/domains/publicity/publicity.service.ts';
import { companyPenaltyRows } from '../../src/domains/reports/reports.fixtures.ts';
import { allowFixtureAuthorities } from '../helpers/authorities.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer, signInConsole } from '../helpers/browser.ts';

const PASSWORD = 'Objection-e2e-2026';
const COMPANY = { name: '西宁异议浏览器测试商贸有限公司', uscc: generateUscc(mulberry32(151515), { prefix: '91', region: '630104' }), legalRepresentative: '周申诉' };

let server: E2eServer;
let browser: Browser;
let dir: string;
let subjectId: string;
let recordId: string;

before(async () => {
  server = await startE2eServer();
  const db = server.db.db;
  const { secret } = server.app.ctx.config;
  const dept = await allowFixtureAuthorities(db, 'SCJGJ');
  const rows = companyPenaltyRows(1, 77, { company: COMPANY, from: '2026-09-01', to: '2026-11-20', docPrefix: 88, over: { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' } });
  const batch = await importRows({ db, pool: server.db.pool, secret, item: (await findActiveItem(db, '行政处罚'))!, departmentId: dept.id, channel: 'api', rows });
  assert.equal(batch.accepted, 1, JSON.stringify(batch));
  await refreshPublicity(db, secret, { batchId: batch.batchId });
  const r = await db.selectFrom('records').select(['id', 'subject_id', 'audience']).orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.equal(r.audience, 'public');
  recordId = r.id;
  subjectId = r.subject_id!;
  await createUser(db, 'system', { username: 'office_admin', displayName: '信用办', role: 'admin', departmentId: null, password: PASSWORD }, { actor: null });
  await createUser(db, 'system', { username: 'scjg_checker', displayName: '市场监管局核实员', role: 'reviewer', departmentId: dept.id, password: PASSWORD }, { actor: null });
  dir = await mkdtemp(join(tmpdir(), 'objection-e2e-'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const signIn = (page: Page, username: string) => signInConsole(page, server.baseUrl, username, PASSWORD);

/** The penalty cards on the public subject page. */
async function subjectPenalties(page: Page) {
  await page.goto(`${server.baseUrl}/subjects/${subjectId}`);
  await page.getByTestId('subject-tab-penalty').click();
  const card = page.locator(`[data-testid="subject-record"][data-record-id="${recordId}"]`);
  await card.waitFor();
  return card;
}

test('an objection filed on the portal shows 异议处理中 until the department corrects the record; then the new content shows', async () => {
  const evidence = join(dir, '行政复议决定书.pdf');
  await writeFile(evidence, '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const portal = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();

  // File from the record's page.
  await portal.goto(`${server.baseUrl}/records/${recordId}`);
  await portal.getByTestId('record-object-link').click();
  await portal.getByTestId('objection-record').waitFor();
  await portal.getByTestId('objection-statement').fill('处罚金额已经行政复议变更为3000元，公示内容未更新。');
  await portal.getByTestId('objection-subject-code').fill(COMPANY.uscc);
  await portal.getByTestId('objection-name').fill('周经办');
  await portal.getByTestId('objection-mobile').fill('13700137000');
  await portal.getByTestId('objection-files').setInputFiles(evidence);
  assert.match(await portal.getByTestId('objection-pledge').innerText(), /异议申诉信用承诺书/);
  await portal.getByTestId('objection-pledge-confirm').click();
  await portal.getByTestId('objection-submit').click();
  const code = (await portal.getByTestId('objection-query-code').innerText()).trim();
  assert.match(code, /^[A-Z2-9]{12}$/);

  // The public subject page carries the mark.
  const marked = await subjectPenalties(portal);
  assert.equal(await marked.getByTestId('objection-mark').innerText(), '异议处理中');
  await portal.screenshot({ path: join(RESULTS_DIR, 'objection-marked.png'), fullPage: true });

  // The credit office sends it to the department.
  const office = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } })).newPage();
  await signIn(office, 'office_admin');
  await office.goto(`${server.baseUrl}/console/objections`);
  await office.getByTestId('objection-send').click();
  await office.getByText('认定部门核实中').waitFor();

  // The department corrects the penalty content in the console.
  const checker = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } })).newPage();
  await signIn(checker, 'scjg_checker');
  await checker.goto(`${server.baseUrl}/console/objections`);
  await checker.getByTestId('objection-decide').click();
  await checker.getByTestId('decide-value').fill('罚款人民币3000元（经复议变更）');
  await checker.getByTestId('decide-reason').fill('经核实，处罚金额已由复议决定变更');
  await checker.getByTestId('decide-submit').click();
  await checker.getByText('已办结').first().waitFor();

  // The mark is gone and the corrected content is public.
  const cleared = await subjectPenalties(portal);
  assert.equal(await cleared.getByTestId('objection-mark').count(), 0);
  await portal.goto(`${server.baseUrl}/records/${recordId}`);
  await portal.getByTestId('record-detail').waitFor();
  assert.equal(await portal.getByTestId('objection-mark').count(), 0);
  assert.match(await portal.getByTestId('record-detail').innerText(), /罚款人民币3000元（经复议变更）/);

  // The applicant sees the outcome with the code and the subject's code.
  await portal.goto(`${server.baseUrl}/objection/progress`);
  await portal.getByTestId('progress-code').fill(code);
  await portal.getByTestId('progress-subject-code').fill(COMPANY.uscc);
  await portal.getByTestId('progress-search').click();
  assert.equal(await portal.getByTestId('progress-outcome').innerText(), '已更正');
  await portal.screenshot({ path: join(RESULTS_DIR, 'objection-outcome.png'), fullPage: true });
});
