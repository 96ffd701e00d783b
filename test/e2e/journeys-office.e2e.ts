// The credit office's, the clerk's and the reviewer's journeys on the demo city (issue 17, "Done when"), at 1366 px,
// with a screenshot of each step under test-results/journeys-office/<role>-<nn>-<step>.png.
//  - 信用办 (admin): 监测总览 draws the top and bottom ten departments only (counted on the chart's canvas) and is
//    far shorter than the 3,874 px it was; the scorecard table lists everyone, 未报送 without a score or rank;
//    归集统计 lists every member department, those that sent nothing marked; the score and event imports have the
//    styled picker, Chinese columns, a template whose first row is Chinese, and a Chinese error for a broken file;
//    an event's classification names its deciding phrases in words and flags a low-confidence result; 部门管理
//    edits a USCC and deactivates a department, both still shown after a reload, then undone.
//  - 填报员 and 审核员: the office turns 报送需审核 on for a district's market unit; its clerk uploads; the batch waits (待审核)
//    and the new company is not on the portal; the reviewer returns it with a note, the clerk reads the note and
//    sends the corrected file, the reviewer approves, and the company and its record are on the portal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Download, Page } from 'playwright-core';
import { demoDepartmentUscc } from '../../src/domains/auth/departments.data.ts';
import { csvEscape, generatePenaltyRows, PENALTY_HEADERS } from '../../src/domains/ingest/fixtures.ts';
import { launchChromium, RESULTS_DIR, signInConsole, startE2eServer, type E2eServer, screenshots } from '../helpers/browser.ts';
import { DEMO_E2E_PASSWORD, loadSmallDemoCity } from '../helpers/demo.ts';

const SHOTS = join(RESULTS_DIR, 'journeys-office');
/** The dashboard's height before the chart kept only the top and bottom ten (issue 17 §4). */
const OLD_DASHBOARD_HEIGHT = 3874;
const NOTE = '第 2 行违法事实为空，请补充后重新报送';
/** The new company the clerk reports: nobody in the demo city is called this. */
const NEW_COMPANY = '西宁旅程审核测试商贸有限公司';

let server: E2eServer;
let browser: Browser;
let dir: string;

before(async () => {
  server = await startE2eServer();
  await loadSmallDemoCity(server);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'cc-e2e-office-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const shot = screenshots('journeys-office');

/** A JSON GET with the page's session, as the browser would. */
async function getJson<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
}

/** The header row of the first sheet of a downloaded workbook. */
async function firstRow(download: Download, name: string): Promise<string[]> {
  const file = join(dir, name);
  await download.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return (wb.worksheets[0].getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? '').trim());
}

/**
 * The bars drawn on the canvas of the chart with this test id: runs of pixel rows holding the bars' colour
 * (#b71c1c, MonitoringDashboardPage). Counted on the picture, so it is what the reader sees, not the option.
 */
async function drawnBars(page: Page, testId: string): Promise<number> {
  return page.locator(`[data-testid=${testId}] canvas`).first().evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let runs = 0;
    let inBar = false;
    for (let y = 0; y < height; y++) {
      let red = false;
      for (let x = 0; x < width && !red; x++) {
        const i = (y * width + x) * 4;
        red = Math.abs(data[i] - 0xb7) < 12 && Math.abs(data[i + 1] - 0x1c) < 12 && Math.abs(data[i + 2] - 0x1c) < 12 && data[i + 3] > 200;
      }
      if (red && !inBar) runs++;
      inBar = red;
    }
    return runs;
  });
}

/** Whether the browser's own file control is out of sight (MonitoringUpload hides it behind 选择文件). */
async function nativePickerHidden(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.opacity === '0' && box.width <= 1 && box.height <= 1;
  });
}

interface ScorecardItem {
  departmentId: number;
  name: string;
  status: string;
  rank: number | null;
}

test('credit office: dashboard and scorecards, 归集统计, score and event imports, event classification, departments', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signInConsole(page, server.baseUrl, 'admin', DEMO_E2E_PASSWORD);

  // 1. 监测总览: the chart draws at most twenty departments although more reported; the page is far shorter.
  await page.goto(`${server.baseUrl}/console/monitoring`);
  await page.getByTestId('monitoring-dashboard').waitFor();
  const canvas = page.locator('[data-testid=chart-departments] canvas').first();
  await canvas.waitFor({ timeout: 30_000 });
  await page.getByTestId('scorecards-table').locator('.el-table__body tr').first().waitFor();
  await page.waitForLoadState('networkidle');
  const month = await page.evaluate(() => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7));
  const { items: cards } = await getJson<{ items: ScorecardItem[] }>(page, `/api/monitoring/scorecards?month=${month}`);
  const reported = cards.filter((c) => c.status === 'reported');
  const silent = cards.filter((c) => c.status === 'not_reported');
  assert.ok(reported.length > 20, `the demo month has more than twenty ranked departments (${reported.length}), so the chart must leave some out`);
  // Echarts draws after an animation; wait until the bar count has settled before counting.
  let bars = -1;
  for (let i = 0; i < 50; i++) {
    const n = await drawnBars(page, 'chart-departments');
    if (n === bars && n > 0) break;
    bars = n;
    await page.waitForTimeout(200);
  }
  assert.ok(bars > 0 && bars <= 20, `bars drawn on the scorecard chart: ${bars} (of ${reported.length} ranked)`);
  assert.match(await page.locator('.el-card', { has: page.getByTestId('chart-departments') }).locator('.el-card__header').innerText(), /前 10 名与后 10 名，其余 \d+ 个部门见下方明细/);
  const height = await page.evaluate(() => {
    const dash = document.querySelector('[data-testid=monitoring-dashboard]') as HTMLElement;
    return Math.max(document.documentElement.scrollHeight, dash.getBoundingClientRect().bottom + window.scrollY, dash.scrollHeight);
  });
  console.log(`# dashboard height at 1366 px: ${Math.round(height)} px (was ${OLD_DASHBOARD_HEIGHT}); bars drawn: ${bars} of ${reported.length}`);
  assert.ok(height < 3000, `the dashboard is ${height} px tall`);
  await shot(page, 'office-01-dashboard');

  // 2. The scorecards: the table lists every department, ranked first; 未报送 gets neither a score nor a rank.
  const table = page.getByTestId('scorecards-table');
  const rows = table.locator('.el-table__body tr');
  assert.equal(await rows.count(), cards.length, 'every department is in the table');
  assert.ok(silent.length > 0, 'the demo month has departments that reported nothing');
  assert.equal(await table.getByTestId('not-reported').count(), silent.length);
  for (const s of silent.slice(0, 3)) {
    const cells = (await rows.filter({ hasText: s.name }).first().locator('td').allInnerTexts()).map((t) => t.trim());
    assert.equal(cells[0], '—', `${s.name} has no rank`);
    assert.equal(cells[2], '未报送', `${s.name} has no score`);
  }
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'office-02-scorecards.png') });

  // 3. 归集统计: every active member department, those that sent nothing marked 未报送.
  await page.goto(`${server.baseUrl}/console/ingest-stats`);
  const stats = page.getByTestId('stats-table');
  await stats.locator('.el-table__body tr').first().waitFor();
  const members = await server.db.db.selectFrom('departments').select('name').where('active', '=', true).where('kind', '!=', 'office').execute();
  const listed = (await stats.locator('.el-table__body tr td:nth-child(1)').allInnerTexts()).map((t) => t.replace(/未报送/u, '').trim());
  assert.deepEqual([...listed].sort(), members.map((m) => m.name).sort(), 'every member department is listed once');
  const sentNothing = await stats.getByTestId('stats-nothing-sent').count();
  assert.ok(sentNothing > 0 && sentNothing < listed.length, `departments that sent nothing: ${sentNothing} of ${listed.length}`);
  await shot(page, 'office-03-ingest-stats');

  // 4. The score import: the styled picker (the browser's own control hidden), the columns in Chinese, the template.
  await page.goto(`${server.baseUrl}/console/monitoring/index`);
  await page.getByRole('tab', { name: '得分导入' }).click();
  await page.getByTestId('scores-import-choose').waitFor();
  assert.equal((await page.getByTestId('scores-import-choose').innerText()).trim(), '选择文件');
  assert.ok(await nativePickerHidden(page, 'scores-import-input'), "the browser's unstyled file control is hidden");
  assert.match(await page.getByText('列为 月份（YYYY-MM）、城市、指标').innerText(), /得分/);
  const [scoresTemplate] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scores-import-template').click()]);
  assert.deepEqual((await firstRow(scoresTemplate, 'scores-template.xlsx')).slice(0, 4), ['月份', '城市', '指标', '得分']);
  // A broken CSV is refused in Chinese (not the parser's "Invalid Opening Quote").
  await page.getByTestId('scores-import-input').setInputFiles({ name: '得分.csv', mimeType: 'text/csv', buffer: Buffer.from('月份,城市,指标,得分\n2026-11,西宁市,"综"合,80\n') });
  await page.getByTestId('scores-import-file').waitFor();
  await page.getByTestId('scores-import-submit').click();
  const scoresError = await page.getByTestId('scores-import-error').innerText();
  assert.match(scoresError, /[\u4e00-\u9fff]/u);
  assert.doesNotMatch(scoresError, /Invalid|Quote|line \d/u, scoresError);
  await shot(page, 'office-04-score-import');

  // 5. The event import: the same picker and a template with Chinese headers.
  await page.goto(`${server.baseUrl}/console/monitoring/events`);
  await page.getByTestId('events-import-open').click();
  await page.getByTestId('events-import-choose').waitFor();
  assert.ok(await nativePickerHidden(page, 'events-import-input'), "the browser's unstyled file control is hidden");
  assert.match(await page.getByTestId('events-import').innerText(), /第一行为表头：标题、日期/);
  const [eventsTemplate] = await Promise.all([page.waitForEvent('download'), page.getByTestId('events-import-template').click()]);
  const eventHeaders = await firstRow(eventsTemplate, 'events-template.xlsx');
  assert.deepEqual(eventHeaders.slice(0, 2), ['标题', '日期']);
  assert.ok(eventHeaders.every((h) => /^[\u4e00-\u9fff（）()]+$/u.test(h)), `headers in Chinese: ${eventHeaders.join(' ')}`);
  await shot(page, 'office-05-event-import');

  // 6. Event classification: the phrases that decided, in words; an unsure result flagged for review.
  const addEvent = async (title: string) => {
    await page.getByTestId('event-create-open').click();
    await page.getByTestId('event-form-title').fill(title);
    const date = page.getByTestId('event-form-date').locator('input').first();
    await date.click();
    await date.fill(`${month}-01`);
    await date.press('Enter');
    await page.getByTestId('event-create-submit').click();
    const created = page.getByTestId('event-created');
    await created.filter({ hasText: title }).waitFor();
    return created;
  };
  const clear = await addEvent('城东区某超市销售过期食品被市场监管部门罚款');
  const phrases = await clear.getByTestId('event-phrase').allInnerTexts();
  assert.ok(phrases.length > 0 && phrases.every((p) => /^[\u4e00-\u9fff]{2,}$/u.test(p.trim())), `phrases in words: ${phrases.join(' | ')}`);
  assert.ok(phrases.some((p) => p.includes('过期食品')), phrases.join(' | '));
  assert.match(await clear.getByTestId('event-explanation').innerText(), /起决定作用的词语/);
  assert.equal(await clear.getByTestId('event-unsure').count(), 0, 'a clear title is not flagged');
  assert.doesNotMatch(await clear.innerText(), /\d\.\d{3}|权重/u, 'no character-pair weights');
  await shot(page, 'office-06-event-clear');
  await clear.locator('.el-alert__close-btn').click();
  const unsure = await addEvent('市里召开会议');
  await unsure.getByTestId('event-unsure').waitFor();
  assert.equal((await unsure.getByTestId('event-unsure').innerText()).trim(), '把握不大，需复核');
  assert.match(await unsure.innerText(), /把握不足，已进入待复核/);
  await shot(page, 'office-07-event-unsure');

  // 7. 部门管理: a new USCC for one department and another deactivated, both shown after a reload; then undone.
  const [edited, stopped] = await server.db.db
    .selectFrom('departments')
    .select(['id', 'code', 'name', 'uscc', 'region_code'])
    .where('active', '=', true)
    .where('kind', '=', 'city_unit')
    .where('code', '!=', 'SCJGJ')
    .where('uscc', 'is not', null)
    .orderBy('sort_order')
    .limit(2)
    .execute();
  assert.ok(edited && stopped, 'two city units with a USCC');
  const newUscc = demoDepartmentUscc(`${edited.code}-E2E`, edited.region_code ?? '630100');
  assert.notEqual(newUscc, edited.uscc);
  await page.goto(`${server.baseUrl}/console/departments`);
  const depts = page.getByTestId('departments-table');
  await page.getByTestId(`department-uscc-${edited.code}`).waitFor();
  const editUscc = async (code: string, uscc: string) => {
    await page.getByTestId(`department-edit-${code}`).click();
    await page.getByTestId('department-edit-dialog').waitFor();
    await page.getByTestId('department-edit-uscc').fill(uscc);
    await page.getByTestId('department-edit-submit').click();
    await page.getByTestId('department-edit-dialog').waitFor({ state: 'hidden' });
  };
  const toggle = async (code: string, confirm: string) => {
    await page.getByTestId(`department-toggle-${code}`).click();
    await page.getByRole('button', { name: confirm }).click();
  };
  const statusOf = async (name: string) => (await depts.locator('.el-table__body tr').filter({ hasText: name }).first().locator('.el-tag').first().innerText()).trim();
  await editUscc(edited.code, newUscc);
  await toggle(stopped.code, '确定停用');
  await depts.locator('.el-table__body tr').filter({ hasText: stopped.name }).first().getByText('启用', { exact: true }).waitFor();
  await page.reload();
  await page.getByTestId(`department-uscc-${edited.code}`).waitFor();
  assert.equal((await page.getByTestId(`department-uscc-${edited.code}`).innerText()).trim(), newUscc, 'the new USCC is shown after a reload');
  assert.equal(await statusOf(stopped.name), '停用', 'the department is shown as 停用 after a reload');
  await shot(page, 'office-08-departments-changed');
  // Undo, in the UI too: the old USCC back, the department active again.
  await editUscc(edited.code, edited.uscc!);
  await toggle(stopped.code, '确定启用');
  await page.reload();
  await page.getByTestId(`department-uscc-${edited.code}`).waitFor();
  assert.equal((await page.getByTestId(`department-uscc-${edited.code}`).innerText()).trim(), edited.uscc);
  assert.equal(await statusOf(stopped.name), '启用');
  const after = await server.db.db.selectFrom('departments').select(['uscc', 'active']).where('id', 'in', [edited.id, stopped.id]).orderBy('id').execute();
  assert.deepEqual(after.map((d) => d.active), [true, true]);
  await shot(page, 'office-09-departments-restored');

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});

test('clerk and reviewer: a held upload is not public, returned with a note, corrected, approved, then public', async () => {
  const db = server.db.db;
  // A district's market unit: the demo city already runs the city regulator (SCJGJ) under review, with its own
  // returned and held batches, so the journey turns the step on for a unit that does not have it yet.
  const clerk = await db.selectFrom('users').select('department_id').where('username', '=', 'district_scjg_reporter').executeTakeFirstOrThrow();
  const market = await db.selectFrom('departments').select(['id', 'code', 'name', 'uscc', 'review_required']).where('id', '=', clerk.department_id!).executeTakeFirstOrThrow();
  assert.equal(market.review_required, false, 'the demo unit starts without the review step');
  assert.ok(market.uscc, 'the demo unit has its USCC');
  const reviewer = await db.selectFrom('users').select(['department_id', 'role']).where('username', '=', 'district_scjg_reviewer').executeTakeFirstOrThrow();
  assert.deepEqual([reviewer.department_id, reviewer.role], [market.id, 'reviewer'], 'the demo has a clerk and a reviewer of the district market unit');
  const auditBefore = Number((await db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('max')).executeTakeFirstOrThrow()).max ?? 0);

  // Three recent fines of the department itself; the first names a company the demo city does not know.
  const col = (name: string) => PENALTY_HEADERS.indexOf(name);
  const fines = [...generatePenaltyRows(60, 170_417, { from: '2026-11-02', to: '2026-11-20' })]
    .map((r) => [...r.cells])
    .filter((c) => c[col('行政相对人类别')] === '法人及非法人组织' && Number(c[col('罚款金额（万元）')]) > 0)
    .slice(0, 3);
  assert.equal(fines.length, 3);
  fines.forEach((r, i) => {
    r[col('处罚机关')] = market.name;
    r[col('处罚机关统一社会信用代码')] = market.uscc!;
    r[col('数据来源单位')] = market.name;
    r[col('数据来源单位统一社会信用代码')] = market.uscc!;
    r[col('行政处罚决定书文号')] = `宁市监罚〔2026〕${9701 + i}号`;
  });
  fines[0][col('行政相对人名称')] = NEW_COMPANY;
  const uscc = fines[0][col('行政相对人代码_1（统一社会信用代码）')];
  const docNo = fines[0][col('行政处罚决定书文号')];
  assert.equal(await db.selectFrom('subjects').select('id').where('uscc', '=', uscc).executeTakeFirst(), undefined, 'the company is new to the demo city');
  const csv = (rows: string[][]) => [PENALTY_HEADERS.map(csvEscape).join(','), ...rows.map((r) => r.map(csvEscape).join(','))].join('\r\n') + '\r\n';
  const broken = fines.map((r) => [...r]);
  broken[1][col('违法事实')] = '';
  const first = join(dir, '市场监管局-行政处罚-第一次.csv');
  const second = join(dir, '市场监管局-行政处罚-已更正.csv');
  await writeFile(first, csv(broken));
  await writeFile(second, csv(fines));

  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const signOut = async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor();
  };
  const receipt = (status: string) => page.locator(`[data-testid=receipt-status][data-status=${status}]`).waitFor({ timeout: 60_000 });
  const upload = async (file: string) => {
    await page.goto(`${server.baseUrl}/console/ingest`);
    await page.getByTestId('ingest-catalog-select').click();
    await page.getByTestId('option-catalog-sgs_cf_v2').click();
    await page.getByTestId('ingest-file-input').setInputFiles(file);
    await page.getByTestId('ingest-upload-submit').click();
    await receipt('pending_review');
  };
  const todo = async (key: string) => {
    const item = page.getByTestId(`todo-${key}`);
    await item.waitFor();
    return Number(await item.getAttribute('data-count'));
  };
  /** The portal's search by the company's USCC (a new subject is findable by its exact USCC at once). */
  const portalSearch = async () => {
    await page.goto(`${server.baseUrl}/search?q=${uscc}`);
    await page.getByTestId('search-total').waitFor();
  };

  // 1. The credit office turns 报送需审核 on for the district's market unit, in 部门管理.
  await signInConsole(page, server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  await page.goto(`${server.baseUrl}/console/departments`);
  const review = page.getByTestId(`department-review-${market.code}`);
  await review.click();
  await page.locator(`[data-testid=department-review-${market.code}].is-checked`).waitFor();
  await page.reload();
  await page.locator(`[data-testid=department-review-${market.code}].is-checked`).waitFor();
  await shot(page, 'review-01-office-turns-review-on');
  await signOut();

  // 2. The clerk uploads: the batch is 待审核 and the portal does not know the company.
  await signInConsole(page, server.baseUrl, 'district_scjg_reporter', DEMO_E2E_PASSWORD);
  await upload(first);
  assert.match(await page.getByTestId('receipt-status').innerText(), /待审核/);
  assert.equal(await page.getByTestId('review-approve').count(), 0, 'a clerk cannot approve');
  await shot(page, 'review-02-clerk-upload-pending');
  await portalSearch();
  await page.getByTestId('search-empty').waitFor();
  assert.equal(await page.getByTestId('search-result').count(), 0, 'nothing of the held batch is public');
  await shot(page, 'review-03-portal-not-found');
  await page.goto(`${server.baseUrl}/console`);
  await signOut();

  // 3. The reviewer finds the batch on the desk and in the queue, and returns it with a note.
  await signInConsole(page, server.baseUrl, 'district_scjg_reviewer', DEMO_E2E_PASSWORD);
  assert.ok((await todo('ingest.batches_to_review')) >= 1);
  await shot(page, 'review-04-reviewer-desk');
  await page.getByTestId('todo-ingest.batches_to_review').locator('a').click();
  const queued = page.getByTestId('batches-table').locator('.el-table__row').filter({ hasText: '第一次' });
  await queued.first().waitFor();
  await shot(page, 'review-05-reviewer-queue');
  await queued.first().click();
  await page.getByTestId('held-rows').locator('.el-table__row').first().waitFor();
  await page.getByTestId('review-return').click();
  await page.locator('textarea[data-testid=review-note], [data-testid=review-note] textarea').fill(NOTE);
  await shot(page, 'review-06-reviewer-returns');
  await page.getByTestId('review-return-submit').click();
  await receipt('returned');
  await signOut();

  // 4. The clerk reads the note and sends the corrected file.
  await signInConsole(page, server.baseUrl, 'district_scjg_reporter', DEMO_E2E_PASSWORD);
  assert.equal(await todo('ingest.batches_returned'), 1);
  await page.getByTestId('todo-ingest.batches_returned').locator('a').click();
  await page.getByTestId('batches-table').locator('.el-table__row').filter({ hasText: '第一次' }).first().click();
  await page.getByTestId('receipt-return-note').waitFor();
  assert.match(await page.getByTestId('receipt-return-note').innerText(), new RegExp(NOTE));
  await shot(page, 'review-07-clerk-reads-note');
  await upload(second);
  await shot(page, 'review-08-clerk-resubmits');
  await page.goto(`${server.baseUrl}/console`);
  await signOut();

  // 5. The reviewer approves: the batch is written and each record's publicity is on the receipt.
  await signInConsole(page, server.baseUrl, 'district_scjg_reviewer', DEMO_E2E_PASSWORD);
  await page.getByTestId('todo-ingest.batches_to_review').locator('a').click();
  await page.getByTestId('batches-table').locator('.el-table__row').filter({ hasText: '已更正' }).first().click();
  await page.getByTestId('review-approve').click();
  await receipt('committed');
  await page.getByTestId('receipt-records-table').locator('.el-table__row').first().waitFor();
  const labels = await page.getByTestId('receipt-record-publicity').allInnerTexts();
  assert.equal(labels.length, 3);
  await shot(page, 'review-09-reviewer-approves');

  // 6. The portal: the company is found by its USCC, and its fine is on its page.
  await portalSearch();
  const hit = page.getByTestId('search-result');
  await hit.first().waitFor();
  assert.equal(await hit.count(), 1);
  assert.match(await hit.innerText(), new RegExp(NEW_COMPANY));
  await shot(page, 'review-10-portal-found');
  await hit.click();
  await page.getByTestId('subject-name').waitFor();
  assert.equal((await page.getByTestId('subject-name').innerText()).trim(), NEW_COMPANY);
  await page.getByTestId('subject-tab-penalty').click();
  await page.getByTestId('subject-record').filter({ hasText: docNo }).waitFor();
  await shot(page, 'review-11-portal-record');

  const actions = await db.selectFrom('audit_log').select('action').where('action', 'like', 'ingest.review.%').where('id', '>', String(auditBefore)).execute();
  assert.deepEqual(actions.map((a) => a.action).sort(), ['ingest.review.approve', 'ingest.review.return']);
  await context.close();
});

test("a person's search: the note says where and how a person applies for their own report", async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const city = server.app.ctx.config.cityName;
  await page.goto(`${server.baseUrl}/search?q=${encodeURIComponent('王建国')}`);
  const how = page.getByTestId('search-people-how');
  await how.waitFor();
  // The city's name comes from the site information, loaded with the page's layout.
  await how.filter({ hasText: `${city}政务服务大厅` }).waitFor();
  const text = await how.innerText();
  assert.match(text, /本平台不在网上出具个人报告/);
  assert.match(text, /携带身份证件/);
  assert.match(text, new RegExp(`到${city}政务服务大厅线下窗口，经实名核验后申请`));
  assert.equal(await how.getByRole('link', { name: '提出异议申诉' }).getAttribute('href'), '/objection');
  await shot(page, 'citizen-01-person-search-note');
  await context.close();
});
