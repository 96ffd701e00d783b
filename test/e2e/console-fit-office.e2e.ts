// Three of the credit office's console tables at 1366 and 390 px (issue 17 §4), on the demo city, with screenshots
// under test-results/console-fit-office/:
//  - API密钥: the 状态 column was cut off (已吊销 2026-10-0…); every column and every cell now shows whole;
//  - 资源目录: the table was wider than the page and showed each item's raw id as a column; the template column
//    is in view without scrolling and no column is made of ids;
//  - 监测总览: the department scorecards (部门考核明细) were wider than the page.
// At 1366 px every header cell of the table lies inside the viewport, whole, and neither the document nor the
// table scrolls sideways; at 390 px the document does not scroll sideways and the table scrolls inside itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { RESULTS_DIR, signInConsole, screenshots } from '../helpers/browser.ts';
import { DEMO_E2E_PASSWORD, useDemoCityBrowser } from '../helpers/demo.ts';

const bed = useDemoCityBrowser();

const shot = screenshots('console-fit-office');

/** The table alone (a full page of the dashboard is too tall to read the table in), beside the page shots. */
async function tableShot(table: Locator, name: string): Promise<void> {
  const dir = join(RESULTS_DIR, 'console-fit-office');
  await mkdir(dir, { recursive: true });
  await table.screenshot({ path: join(dir, `${name}.png`) });
}

const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

async function open(viewport: { width: number; height: number }, user: string): Promise<{ context: BrowserContext; page: Page }> {
  const phone = viewport.width < 768;
  const context = await bed.browser.newContext({ locale: 'zh-CN', viewport, ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  const page = await context.newPage();
  await signInConsole(page, bed.server.baseUrl, user, DEMO_E2E_PASSWORD);
  return { context, page };
}

interface Fit {
  viewport: number;
  documentScroll: number;
  headers: { text: string; left: number; right: number; scroll: number; client: number }[];
  tableScroll: number;
  tableClient: number;
  tableRight: number;
  /** The width of the first row's cells fixed at either side (they stay put while the rest scrolls). */
  fixedWidth: number;
  /** Body cells whose content is wider than the cell (cut off), as "column: text". */
  cutCells: string[];
}

/** Where the table's own header cells and scroll area lie (not those of a table nested in an expanded row). */
function measure(table: Locator): Promise<Fit> {
  return table.evaluate((el) => {
    const inner = el.querySelector(':scope > .el-table__inner-wrapper')!;
    const ths = [...inner.querySelectorAll<HTMLElement>(':scope > .el-table__header-wrapper th')];
    const labels = ths.map((th) => th.textContent!.trim());
    const wrap = inner.querySelector<HTMLElement>(':scope > .el-table__body-wrapper .el-scrollbar__wrap')!;
    const cutCells: string[] = [];
    for (const row of inner.querySelectorAll<HTMLElement>(':scope > .el-table__body-wrapper tbody > tr.el-table__row')) {
      [...row.children].forEach((td, i) => {
        const cell = td.querySelector<HTMLElement>(':scope > .cell');
        // A column with show-overflow-tooltip shows the whole text on hover: being cut there is by design.
        if (cell && !cell.classList.contains('el-tooltip') && cell.scrollWidth > cell.clientWidth + 1) cutCells.push(`${labels[i] ?? i}: ${cell.textContent!.trim()}`);
      });
    }
    const first = inner.querySelector(':scope > .el-table__body-wrapper tbody > tr.el-table__row');
    const fixed = first ? [...first.children].filter((td) => /el-table-fixed-column--(left|right)/.test(td.className)) : [];
    return {
      fixedWidth: fixed.reduce((sum, td) => sum + td.getBoundingClientRect().width, 0),
      viewport: window.innerWidth,
      documentScroll: document.documentElement.scrollWidth,
      headers: ths.map((th, i) => {
        const r = th.getBoundingClientRect();
        const cell = th.querySelector<HTMLElement>('.cell')!;
        return { text: labels[i], left: r.left, right: r.right, scroll: cell.scrollWidth, client: cell.clientWidth };
      }),
      tableScroll: wrap.scrollWidth,
      tableClient: wrap.clientWidth,
      tableRight: wrap.getBoundingClientRect().right,
      cutCells,
    };
  });
}

/** 1366 px: every header cell whole and in view, nothing scrolls sideways. */
function assertFitsWide(fit: Fit, what: string): void {
  assert.ok(fit.documentScroll <= fit.viewport, `${what}: the page scrolls sideways (${fit.documentScroll} > ${fit.viewport} px)`);
  assert.ok(fit.tableScroll <= fit.tableClient, `${what}: the table scrolls sideways (${fit.tableScroll} > ${fit.tableClient} px)`);
  for (const h of fit.headers) {
    assert.ok(h.left >= 0 && h.right <= fit.viewport, `${what}: the header ${h.text || '(empty)'} spans x ${Math.round(h.left)}–${Math.round(h.right)} of ${fit.viewport}`);
    assert.ok(h.scroll <= h.client + 1, `${what}: the header ${h.text} is cut (${h.scroll} > ${h.client} px)`);
  }
}

/** 390 px: the document keeps the screen's width; a table wider than the screen scrolls inside its own frame. */
function assertFitsPhone(fit: Fit, what: string): void {
  assert.ok(fit.documentScroll <= fit.viewport, `${what} at 390 px: the page scrolls sideways (${fit.documentScroll} > ${fit.viewport} px)`);
  assert.ok(fit.tableRight <= fit.viewport, `${what} at 390 px: the table's frame ends at ${Math.round(fit.tableRight)} px`);
  assert.ok(fit.tableScroll > fit.tableClient, `${what} at 390 px: the table scrolls inside itself`);
  // Columns fixed at the side must leave most of the frame to the part that scrolls, or there is nothing to read.
  assert.ok(fit.fixedWidth <= fit.tableClient / 2, `${what} at 390 px: fixed columns take ${Math.round(fit.fixedWidth)} of ${fit.tableClient} px`);
}

async function firstRow(table: Locator): Promise<void> {
  await table.locator('.el-table__body tr.el-table__row').first().waitFor();
}

test('API密钥 shows every column and the whole 状态 at 1366 px, and scrolls inside the table at 390 px', async () => {
  const keys = await bed.server.db.db.selectFrom('api_keys').select(['app_key', 'revoked_at']).execute();
  assert.ok(keys.some((k) => k.revoked_at) && keys.some((k) => !k.revoked_at), 'the demo city has a revoked and a live key');

  const { context, page } = await open(WIDE, 'admin');
  await page.goto(`${bed.server.baseUrl}/console/apikeys`);
  const table = page.getByTestId('apikeys-table');
  await firstRow(table);
  const fit = await measure(table);
  assertFitsWide(fit, 'API密钥');
  assert.deepEqual(fit.cutCells, [], 'API密钥: no cell is cut off');
  for (const label of ['用途 / AppKey', '所属部门', '创建时间', '最近使用', '状态', '操作']) {
    assert.ok(fit.headers.some((h) => h.text === label), `API密钥 has the column ${label}: ${fit.headers.map((h) => h.text).join('、')}`);
  }
  // Every key's AppKey is on screen whole (a technician matches it against the department system's settings).
  const shown = await table.innerText();
  for (const k of keys) assert.ok(shown.includes(k.app_key), `the AppKey ${k.app_key} is shown`);
  // The revocation date reads as the console writes dates (format.ts formatDateTime: YYYY-MM-DD HH:mm:ss).
  const status = (await table.locator('.el-table__body tr', { hasText: '已吊销' }).first().innerText()).replace(/\s+/g, ' ');
  assert.match(status, /已吊销 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/, `the revoked key's status: ${status}`);
  await shot(page, 'apikeys-admin-1366');
  await context.close();

  // A district administrator lists its own units' keys (the server allows it, and the menu shows it): the page fits.
  const district = await open(WIDE, 'district_admin');
  assert.equal(await district.page.getByTestId('menu-apikeys').count(), 1, 'the district administrator has API密钥 in the menu');
  await district.page.goto(`${bed.server.baseUrl}/console/apikeys`);
  const own = district.page.getByTestId('apikeys-table');
  await firstRow(own);
  const ownFit = await measure(own);
  assertFitsWide(ownFit, 'API密钥（区县管理员）');
  assert.deepEqual(ownFit.cutCells, [], 'API密钥（区县管理员）: no cell is cut off');
  await shot(district.page, 'apikeys-district_admin-1366');
  await district.context.close();

  const small = await open(PHONE, 'admin');
  await small.page.goto(`${bed.server.baseUrl}/console/apikeys`);
  const narrow = small.page.getByTestId('apikeys-table');
  await firstRow(narrow);
  assertFitsPhone(await measure(narrow), 'API密钥');
  await shot(small.page, 'apikeys-admin-390');
  await small.context.close();
});

interface CatalogItem {
  id: string;
  name: string;
  version: number;
}

test('资源目录 fits 1366 px with the templates in view and no column of raw item ids', async () => {
  const { context, page } = await open(WIDE, 'admin');
  await page.goto(`${bed.server.baseUrl}/console/catalog`);
  const table = page.getByTestId('catalog-table');
  await firstRow(table);
  const fit = await measure(table);
  assertFitsWide(fit, '资源目录');
  assert.ok(fit.headers.some((h) => h.text === '模板下载'), 'the template column is there');

  // The ids come from the API, as the page gets them; none of the table's columns is made of them.
  const items = await page.evaluate(async () => ((await (await fetch('/api/catalog')).json()) as { items: CatalogItem[] }).items);
  assert.ok(items.length >= 2, `the catalogue has items (${items.length})`);
  const ids = new Set(items.map((i) => i.id));
  const columns = await table.locator(':scope > .el-table__inner-wrapper > .el-table__body-wrapper tbody > tr.el-table__row').evaluateAll((rows) =>
    rows.map((r) => [...r.children].map((td) => td.textContent!.trim())),
  );
  assert.equal(columns.length, items.length, 'one row per item');
  for (let c = 0; c < columns[0].length; c++) {
    const asIds = columns.filter((cells) => ids.has(cells[c])).length;
    assert.equal(asIds, 0, `资源目录 column ${fit.headers[c]?.text ?? c} shows raw item ids in ${asIds} rows`);
  }
  // Each row is named in words: the item's Chinese name leads its row.
  for (const item of items) {
    const row = table.locator(':scope > .el-table__inner-wrapper > .el-table__body-wrapper tbody > tr.el-table__row', { hasText: item.name }).first();
    assert.ok(await row.isVisible(), `${item.name} is listed by name`);
  }
  // The admin sees every version too: the widest the table gets (状态, 操作 with review buttons).
  await shot(page, 'catalog-admin-1366');
  await page.getByTestId('catalog-show-all').click();
  await page.waitForURL(/versions=all/);
  await firstRow(table);
  await page.waitForLoadState('networkidle');
  assertFitsWide(await measure(table), '资源目录（全部版本）');
  await context.close();

  // A department clerk (no review actions, but 上报数据) sees the same fit.
  const clerk = await open(WIDE, 'scjg_reporter');
  await clerk.page.goto(`${bed.server.baseUrl}/console/catalog`);
  const clerkTable = clerk.page.getByTestId('catalog-table');
  await firstRow(clerkTable);
  assertFitsWide(await measure(clerkTable), '资源目录（填报员）');
  await shot(clerk.page, 'catalog-reporter-1366');
  await clerk.context.close();

  const small = await open(PHONE, 'admin');
  await small.page.goto(`${bed.server.baseUrl}/console/catalog`);
  const narrow = small.page.getByTestId('catalog-table');
  await firstRow(narrow);
  assertFitsPhone(await measure(narrow), '资源目录');
  await shot(small.page, 'catalog-admin-390');
  await small.context.close();
});

test('监测总览: the department scorecards fit 1366 px and scroll inside the table at 390 px', async () => {
  for (const user of ['admin', 'district_admin']) {
    const { context, page } = await open(WIDE, user);
    await page.goto(`${bed.server.baseUrl}/console/monitoring`);
    const table = page.getByTestId('scorecards-table');
    await firstRow(table);
    await page.waitForLoadState('networkidle');
    const fit = await measure(table);
    assertFitsWide(fit, `部门考核明细（${user}）`);
    assert.ok(fit.headers.length >= 10, `the scorecard keeps its measures as columns: ${fit.headers.map((h) => h.text).join('、')}`);
    await shot(page, `monitoring-${user}-1366`);
    await tableShot(table, `scorecards-${user}-1366`);
    await context.close();
  }

  const small = await open(PHONE, 'admin');
  await small.page.goto(`${bed.server.baseUrl}/console/monitoring`);
  const narrow = small.page.getByTestId('scorecards-table');
  await firstRow(narrow);
  await small.page.waitForLoadState('networkidle');
  assertFitsPhone(await measure(narrow), '部门考核明细');
  await shot(small.page, 'monitoring-admin-390');
  await tableShot(narrow, 'scorecards-admin-390');
  await small.context.close();
});
