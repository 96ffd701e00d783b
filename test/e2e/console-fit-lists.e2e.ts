// The lists and measures consoles at 1366 and 390 px (issue 17 §4), on the demo city as the credit office admin,
// with screenshots under test-results/console-fit-lists/:
//  - 红黑名单, 名单类型, 措施清单, 名单条目 and 名单统计: at 1366 px every header cell of each table lies inside the
//    viewport, no table scrolls sideways and the document does not scroll horizontally (措施清单 was about 1,700 px
//    wide); at 390 px nothing of the page runs past the screen (the stats page's date range and shares were cut
//    off) and the document does not scroll sideways: a wide table scrolls inside its own frame;
//  - at 390 px the 措施清单 history dialog and the 名单类型 edit dialog lie inside the screen (they were 860 and 620 px);
//  - a collected entry's page names its source (归集报送：部门 · 渠道 · 批次号 · 决定文书号), not 依据记录 无;
//  - 名单类型 and 红黑名单 show list types by their Chinese names: no list-type code (read from the API, so a new
//    type is covered too) appears as text in their tables (名单类型 showed OTHER_BLACK beside each name);
//  - a 名单类型 row unfolds to the type's 认定依据 as the API sends it (basis, criteria document, 文号, authority),
//    which the page did not show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { signInConsole, screenshots } from '../helpers/browser.ts';
import { DEMO_E2E_PASSWORD, useDemoCityBrowser } from '../helpers/demo.ts';

const bed = useDemoCityBrowser();

const shot = screenshots('console-fit-lists');

const WIDE = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

async function adminPage(viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const phone = viewport.width < 768;
  const context = await bed.browser.newContext({ locale: 'zh-CN', viewport, ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  const page = await context.newPage();
  await signInConsole(page, bed.server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  return { context, page };
}

/** The console pages of this test, each with the tables it must show whole (by data-testid). */
interface Screen {
  name: string;
  path: () => Promise<string>;
  tables: string[];
}

let firstEntryId = '';
const SCREENS: Screen[] = [
  { name: 'entries', path: async () => '/console/lists/entries', tables: ['entries-table'] },
  { name: 'types', path: async () => '/console/lists/types', tables: ['list-types-table'] },
  { name: 'measures', path: async () => '/console/sanctions/measures', tables: ['measures-table'] },
  { name: 'entry', path: async () => `/console/lists/entries/${firstEntryId}`, tables: ['entry-basis-table'] },
  { name: 'stats', path: async () => '/console/lists/stats', tables: ['list-stats-table'] },
];

interface Fit {
  docScroll: number;
  docClient: number;
  /** The outermost elements of the page (outside the tables) whose right edge lies past the viewport. */
  outside: string[];
  cells: { text: string; left: number; right: number }[];
  tables: { id: string; scroll: number; client: number; left: number; right: number }[];
}

/**
 * Where each header cell of the named tables lies, the tables' own scroll widths, the document's, and what of the
 * page runs past the viewport. The console's main area clips what is too wide (the document then never scrolls, and
 * a filter or a description grid is cut off unseen), so every element of the page outside a table is measured too.
 */
function measure(page: Page, tables: string[]): Promise<Fit> {
  return page.evaluate((ids) => {
    const fit: Fit = { docScroll: document.documentElement.scrollWidth, docClient: document.documentElement.clientWidth, outside: [], cells: [], tables: [] };
    const limit = window.innerWidth + 0.5;
    for (const el of document.querySelectorAll<HTMLElement>('.console-main *')) {
      if (el.closest('.el-table')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= limit) continue;
      const parent = el.parentElement!.closest<HTMLElement>('.console-main *');
      if (parent && parent.getBoundingClientRect().right > limit) continue;
      fit.outside.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}「${(el.textContent ?? '').trim().slice(0, 20)}」 ends at x ${Math.round(r.right)}`);
    }
    for (const id of ids) {
      const table = document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
      for (const th of table.querySelectorAll<HTMLElement>('.el-table__header-wrapper th')) {
        const r = th.getBoundingClientRect();
        if (r.width > 0) fit.cells.push({ text: `${id}: ${th.textContent!.trim() || '（无标题）'}`, left: r.left, right: r.right });
      }
      const wrap = table.querySelector<HTMLElement>('.el-table__body-wrapper .el-scrollbar__wrap')!;
      const box = table.getBoundingClientRect();
      fit.tables.push({ id, scroll: wrap.scrollWidth, client: wrap.clientWidth, left: box.left, right: box.right });
    }
    return fit;
  }, tables);
}

async function open(page: Page, screen: Screen): Promise<void> {
  await page.goto(`${bed.server.baseUrl}${await screen.path()}`);
  // A table with rows, or one that says it has none (an entry collected without basis records).
  for (const id of screen.tables) await page.getByTestId(id).locator('.el-table__body tr, .el-table__empty-text').first().waitFor();
  await page.waitForLoadState('networkidle');
}

test('at 1366 px every header cell of the lists and measures tables is in view, and nothing scrolls sideways', async () => {
  const { context, page } = await adminPage(WIDE);
  const entries = (await (await page.request.get(`${bed.server.baseUrl}/api/lists/entries?pageSize=1`)).json()) as { items: { id: string }[] };
  assert.ok(entries.items.length > 0, 'the demo city has list entries');
  firstEntryId = entries.items[0].id;
  const problems: string[] = [];
  for (const screen of SCREENS) {
    await open(page, screen);
    const fit = await measure(page, screen.tables);
    if (fit.docScroll > fit.docClient) problems.push(`${screen.name}: the document scrolls sideways (${fit.docScroll} > ${fit.docClient} px)`);
    for (const o of fit.outside) problems.push(`${screen.name}: ${o}`);
    for (const c of fit.cells) if (c.left < 0 || c.right > WIDE.width) problems.push(`${c.text} spans x ${Math.round(c.left)}–${Math.round(c.right)} of ${WIDE.width}`);
    for (const t of fit.tables) if (t.scroll > t.client) problems.push(`${t.id} scrolls sideways (${t.scroll} > ${t.client} px)`);
    await shot(page, `${screen.name}-admin-1366`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('at 390 px nothing of these pages runs past the screen; wide tables scroll inside their frame', async () => {
  assert.ok(firstEntryId, 'the 1366 px test found an entry');
  const { context, page } = await adminPage(PHONE);
  const problems: string[] = [];
  for (const screen of SCREENS) {
    await open(page, screen);
    const fit = await measure(page, screen.tables);
    if (fit.docScroll > fit.docClient) problems.push(`${screen.name}: the document scrolls sideways (${fit.docScroll} > ${fit.docClient} px)`);
    for (const o of fit.outside) problems.push(`${screen.name}: ${o}`);
    for (const t of fit.tables) if (t.right > PHONE.width + 0.5) problems.push(`${t.id}'s frame ends at x ${Math.round(t.right)} of ${PHONE.width}`);
    await shot(page, `${screen.name}-admin-390`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('名单类型 and 红黑名单 name list types in Chinese: no list-type code appears in their tables', async () => {
  const { context, page } = await adminPage(WIDE);
  const types = (await (await page.request.get(`${bed.server.baseUrl}/api/lists/types`)).json()) as { items: { code: string; name: string }[] };
  assert.ok(types.items.length >= 10, `the shipped list types (${types.items.length})`);
  // A code on its own, not a piece of a USCC or of a longer code (HGSX inside HGSXX).
  const codeIn = (text: string) => types.items.map((t) => t.code).filter((code) => new RegExp(`(?<![A-Z0-9_])${code}(?![A-Z0-9_])`).test(text));
  for (const [path, table] of [['/console/lists/types', 'list-types-table'], ['/console/lists/entries', 'entries-table']]) {
    await page.goto(`${bed.server.baseUrl}${path}`);
    await page.getByTestId(table).locator('.el-table__body tr').first().waitFor();
    await page.waitForLoadState('networkidle');
    const text = await page.getByTestId(table).innerText();
    assert.deepEqual(codeIn(text), [], `${table} shows list-type codes`);
    if (table === 'list-types-table') {
      for (const t of types.items) assert.ok(text.includes(t.name), `名单类型 names ${t.name}`);
    }
  }
  await context.close();
});

test('措施清单: a row cut to fit unfolds to the whole measure (lists, scenarios, basis, department, edition)', async () => {
  const { context, page } = await adminPage(WIDE);
  const measures = (await (await page.request.get(`${bed.server.baseUrl}/api/sanctions/measures`)).json()) as { items: { code: string; legalBasis: string | null; implementingDept: string; scenarios: string[] }[] };
  const m = measures.items.find((x) => x.legalBasis && x.legalBasis.length > 20);
  assert.ok(m, 'a shipped measure with a long legal basis');
  await page.goto(`${bed.server.baseUrl}/console/sanctions/measures`);
  const row = page.getByTestId('measures-table').locator('.el-table__body tr', { hasText: m.code }).first();
  await row.locator('.el-table__expand-icon').click();
  const detail = page.getByTestId(`measure-detail-${m.code}`);
  await detail.waitFor();
  const text = await detail.innerText();
  for (const part of [m.legalBasis!, m.implementingDept, ...m.scenarios]) assert.ok(text.includes(part), `the unfolded row shows ${part}`);
  await shot(page, 'measures-expanded-admin-1366');
  await context.close();
});

test('名单类型: a row unfolds to the type\'s 认定依据 (basis, criteria document, 文号, determining authority)', async () => {
  const { context, page } = await adminPage(WIDE);
  type Definition = { authority: string; basis: string; criteria: { title: string; docNo: string | null } };
  const types = (await (await page.request.get(`${bed.server.baseUrl}/api/lists/types`)).json()) as { items: { code: string; name: string; definition: Definition }[] };
  const t = types.items.find((x) => x.definition.basis.length > 20 && x.definition.criteria.docNo);
  assert.ok(t, 'a shipped list type with a basis and a 文号');
  await page.goto(`${bed.server.baseUrl}/console/lists/types`);
  const table = page.getByTestId('list-types-table');
  await table.locator('.el-table__body tr').first().waitFor();
  assert.ok(!(await table.innerText()).includes(t.definition.basis), 'the basis stands in the unfolded row, not in the folded table');
  await table.locator('.el-table__body tr', { hasText: t.name }).first().locator('.el-table__expand-icon').click();
  const detail = page.getByTestId(`type-basis-${t.code}`);
  await detail.waitFor();
  const text = await detail.innerText();
  for (const part of ['认定依据', t.definition.basis, t.definition.criteria.title, t.definition.criteria.docNo!, t.definition.authority]) assert.ok(text.includes(part), `the unfolded row shows ${part}`);
  await shot(page, 'types-expanded-admin-1366');
  await context.close();
});

/** Where an open dialog lies against the viewport, and whether its own content runs past its right edge. */
function dialogBox(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, width: r.width, scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth };
  });
}

test('at 390 px the 措施清单 history dialog and the 名单类型 edit dialog lie inside the screen', async () => {
  const { context, page } = await adminPage(PHONE);
  const problems: string[] = [];
  const inside = async (name: string, testId: string): Promise<void> => {
    const dialog = page.getByTestId(testId);
    await dialog.waitFor();
    // The opening animation scales the dialog: wait until it stands at its final size.
    await page.waitForFunction((id) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      return el !== null && el.getAnimations({ subtree: true }).every((a) => a.playState !== 'running');
    }, testId);
    const box = await dialogBox(page, testId);
    if (box.left < 0 || box.right > PHONE.width + 0.5) problems.push(`${name} spans x ${Math.round(box.left)}–${Math.round(box.right)} of ${PHONE.width}`);
    if (box.scroll > box.client) problems.push(`${name}: the document scrolls sideways (${box.scroll} > ${box.client} px)`);
    await shot(page, `${name}-admin-390`);
  };

  await page.goto(`${bed.server.baseUrl}/console/sanctions/measures`);
  const first = page.getByTestId('measures-table').locator('[data-testid^="measure-history-"]').first();
  await first.click();
  await inside('measures-history-dialog', 'history-dialog');
  await page.getByTestId('history-table').locator('.el-table__body tr').first().waitFor();
  const table = await page.getByTestId('history-table').evaluate((el) => el.getBoundingClientRect().right);
  if (table > PHONE.width + 0.5) problems.push(`the versions' table ends at x ${Math.round(table)} of ${PHONE.width}`);

  await page.goto(`${bed.server.baseUrl}/console/lists/types`);
  await page.getByTestId('type-edit-ZDSSWF').click();
  await inside('list-type-edit-dialog', 'type-edit-dialog');
  await page.getByTestId('type-note').waitFor();
  const note = await page.getByTestId('type-note').evaluate((el) => el.getBoundingClientRect().right);
  if (note > PHONE.width + 0.5) problems.push(`the 修订说明 field ends at x ${Math.round(note)} of ${PHONE.width}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a collected entry names its source on its page: department, batch, channel and decision document', async () => {
  const { context, page } = await adminPage(WIDE);
  const get = async <T>(url: string): Promise<T> => (await (await page.request.get(`${bed.server.baseUrl}${url}`)).json()) as T;
  type Detail = { entry: { id: string; origin: string }; source: { departmentName: string | null; batchId: string | null; decisionNo: string; recordId: string | null } | null };
  const rows = (await get<{ items: { id: string; origin: string }[] }>('/api/lists/entries?pageSize=100')).items.filter((r) => r.origin === 'collected');
  let withRecord: Detail | undefined;
  for (const r of rows) {
    const d = await get<Detail>(`/api/lists/entries/${r.id}`);
    if (d.source?.recordId) {
      withRecord = d;
      break;
    }
  }
  assert.ok(withRecord?.source?.batchId, 'the demo city has a collected entry that came in with a record');
  await page.goto(`${bed.server.baseUrl}/console/lists/entries/${withRecord.entry.id}`);
  const source = page.getByTestId('entry-source');
  await source.waitFor();
  const text = (await source.innerText()).replace(/\s+/g, ' ');
  assert.ok(text.startsWith('归集报送：'), text);
  for (const part of [withRecord.source.departmentName!, `批次号 ${withRecord.source.batchId}`, `决定文书号 ${withRecord.source.decisionNo}`]) assert.ok(text.includes(part), `${text} names ${part}`);
  assert.equal(await page.getByTestId('entry-source-batch').getAttribute('href'), `/console/batches/${withRecord.source.batchId}`);
  const basis = await page.getByTestId('entry-basis-table').innerText();
  assert.ok(!/^\s*无\s*$/m.test(basis), `依据记录 reads 无: ${basis}`);
  await shot(page, 'entry-collected-source-admin-1366');
  await context.close();
});
