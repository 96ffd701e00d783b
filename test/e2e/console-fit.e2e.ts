// What the console shows at 1366 and 390 px (issue 17 §3–§4), on the demo city, with screenshots under
// test-results/console-fit/:
//  - the side menu's labels stay whole beside a count badge (归集统计, 异议申诉 were cut to 归…, 异…), also with
//    the widest badge (99+), and the collapsed phone menu opens and navigates;
//  - 回执's table shows every column (超期 was cut off on the right) at 1366 px and scrolls inside itself at 390 px;
//  - 数据归集 opens with the district administrator's own district as the reporting department.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { RESULTS_DIR, signInConsole, screenshots } from '../helpers/browser.ts';
import { DEMO_E2E_PASSWORD, useDemoCityBrowser } from '../helpers/demo.ts';

const SHOTS = join(RESULTS_DIR, 'console-fit');

const bed = useDemoCityBrowser();

const shot = screenshots('console-fit');

interface MenuLabel {
  key: string;
  text: string;
  scroll: number;
  client: number;
  labelRight: number;
  badgeLeft: number;
  badgeRight: number;
  asideRight: number;
}

/** Every menu entry that carries a badge: its label's text and widths, and where the badge sits. */
function badgedLabels(page: Page): Promise<MenuLabel[]> {
  return page.evaluate(() => {
    const aside = document.querySelector('.console-aside')!.getBoundingClientRect();
    return [...document.querySelectorAll<HTMLElement>('[data-testid^="badge-"]')].map((badge) => {
      const item = badge.closest<HTMLElement>('[data-testid^="menu-"]')!;
      const label = item.querySelector<HTMLElement>('.console-menu__label')!;
      const b = badge.getBoundingClientRect();
      return {
        key: item.dataset.testid!.slice('menu-'.length),
        text: label.textContent!.trim(),
        scroll: label.scrollWidth,
        client: label.clientWidth,
        labelRight: label.getBoundingClientRect().right,
        badgeLeft: b.left,
        badgeRight: b.right,
        asideRight: aside.right,
      };
    });
  });
}

function assertWhole(labels: MenuLabel[], expected: Map<string, string>, when: string): void {
  for (const l of labels) {
    assert.equal(l.text, expected.get(l.key), `${when}: the label of ${l.key}`);
    assert.ok(l.scroll <= l.client, `${when}: ${l.text} is cut (${l.scroll} > ${l.client} px)`);
    assert.ok(l.labelRight <= l.badgeLeft, `${when}: ${l.text} runs under its badge`);
    assert.ok(l.badgeRight <= l.asideRight, `${when}: the badge of ${l.text} leaves the menu`);
  }
}

test('menu labels are whole beside their badges at 1366 px, and the phone menu opens and navigates', async () => {
  const expected = new Map<string, string>();
  for (const user of ['admin', 'district_admin']) {
    const context = await bed.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await signInConsole(page, bed.server.baseUrl, user, DEMO_E2E_PASSWORD);
    await page.locator('[data-testid^="badge-"]').first().waitFor();
    for (const m of await page.locator('[data-testid^="menu-"]').evaluateAll((els) => els.map((e) => ({ key: (e as HTMLElement).dataset.testid!.slice(5), text: e.textContent!.trim() })))) {
      expected.set(m.key, m.text.replace(/\s*\d+\+?$/, ''));
    }
    const labels = await badgedLabels(page);
    assert.ok(labels.length >= 2, `${user}: the demo city puts work on several pages (${labels.map((l) => l.text).join('、')})`);
    if (user === 'admin') {
      assert.ok(labels.some((l) => l.key === 'ingest-stats') && labels.some((l) => l.key === 'objections'), `归集统计 and 异议申诉 carry badges for the credit office: ${labels.map((l) => l.key).join(', ')}`);
    }
    assertWhole(labels, expected, `${user} at 1366 px`);
    await page.screenshot({ path: join(SHOTS, `menu-${user}-1366.png`), clip: { x: 0, y: 0, width: 260, height: 900 } });

    // The widest a badge gets: counts above 99 read 99+; every label still whole beside it.
    for (const count of await page.locator('[data-testid^="badge-"]').allInnerTexts()) assert.match(count, /^(\d{1,2}|99\+)$/, `badge text ${count}`);
    await page.locator('[data-testid^="badge-"]').evaluateAll((els) => els.forEach((e) => (e.textContent = '99+')));
    assertWhole(await badgedLabels(page), expected, `${user} with 99+`);
    await context.close();
  }

  // On a phone the menu starts folded to its icons; unfolded, its labels are whole and an entry navigates.
  const phone = await bed.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await signInConsole(small, bed.server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  const aside = small.locator('.console-aside');
  assert.equal(Math.round((await aside.boundingBox())!.width), 64, 'folded on a phone');
  await shot(small, 'menu-admin-390-folded');
  await small.getByRole('button', { name: '展开菜单' }).click();
  await small.locator('.console-menu__label', { hasText: '归集统计' }).waitFor();
  // The menu widens over 0.2 s: measure it once open.
  await small.waitForFunction(() => document.querySelector('.console-aside')!.getBoundingClientRect().width === 208);
  assertWhole(await badgedLabels(small), expected, 'admin at 390 px, unfolded');
  // Unfolded, the menu lies over the page: the page keeps its width, and the header still shows its title whole.
  const body = (await small.locator('.console-body').boundingBox())!;
  assert.equal(Math.round(body.x), 64, 'the page is not pushed aside');
  const title = (await small.locator('.console-header__title').boundingBox())!;
  const right = (await small.locator('.console-header__right').boundingBox())!;
  assert.ok(title.x + title.width <= right.x, `title ends at ${title.x + title.width}, the buttons start at ${right.x}`);
  // Not a full-page shot: that resizes the viewport, and a resize folds the menu again.
  await small.screenshot({ path: join(SHOTS, 'menu-admin-390-open.png') });
  await small.getByTestId('menu-ingest-stats').click();
  await small.waitForURL(/\/console\/ingest-stats$/);
  await small.getByTestId('stats-table').waitFor();
  // A chosen entry folds the menu again.
  await small.waitForFunction(() => document.querySelector('.console-aside')!.getBoundingClientRect().width === 64);
  await phone.close();
});

test('回执 shows every column at 1366 px and scrolls inside the table at 390 px', async () => {
  const context = await bed.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, bed.server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  await page.goto(`${bed.server.baseUrl}/console/batches`);
  const table = page.getByTestId('batches-table');
  await table.locator('.el-table__body tr').first().waitFor();
  const late = (await table.locator('.el-table__header th', { hasText: '超期' }).boundingBox())!;
  assert.ok(late.x >= 0 && late.x + late.width <= 1366, `the 超期 header spans x ${late.x}–${late.x + late.width} of 1366`);
  const wrap = table.locator('.el-table__body-wrapper .el-scrollbar__wrap');
  const wide = await wrap.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  assert.ok(wide.scroll <= wide.client, `the table scrolls sideways at 1366 px: ${wide.scroll} > ${wide.client}`);
  await shot(page, 'batches-admin-1366');
  await context.close();

  const phone = await bed.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await signInConsole(small, bed.server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  await small.goto(`${bed.server.baseUrl}/console/batches`);
  await small.getByTestId('batches-table').locator('.el-table__body tr').first().waitFor();
  const narrow = await small.getByTestId('batches-table').locator('.el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right }));
  assert.ok(narrow.scroll > narrow.client, 'at 390 px the table scrolls inside itself');
  assert.ok(narrow.right <= 390, `the table's frame fits the screen (right edge at ${narrow.right})`);
  await shot(small, 'batches-admin-390');
  await phone.close();
});

test('归集记录 and 部门管理 show every column at 1366 px (版本, 更新时间 and 报送权限 were out of view)', async () => {
  const context = await bed.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, bed.server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  for (const [path, table] of [['/console/records', 'records-table'], ['/console/departments', 'departments-table']]) {
    await page.goto(`${bed.server.baseUrl}${path}`);
    await page.getByTestId(table).locator('.el-table__body tr').first().waitFor();
    const wrap = await page.getByTestId(table).locator('.el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(wrap.scroll <= wrap.client, `${table} scrolls sideways at 1366 px: ${wrap.scroll} > ${wrap.client}`);
    await shot(page, `${table}-admin-1366`);
  }
  await context.close();
});

test('数据归集 opens with the district administrator\'s own district as the reporting department', async () => {
  const db = bed.server.db.db;
  const admin = await db.selectFrom('users').select('department_id').where('username', '=', 'district_admin').executeTakeFirstOrThrow();
  const district = await db.selectFrom('departments').select(['id', 'name']).where('id', '=', admin.department_id!).executeTakeFirstOrThrow();
  const units = await db.selectFrom('departments').select('name').where('parent_id', '=', district.id).execute();
  assert.ok(units.length > 0, 'the demo district has units, so there is a choice to make');

  const context = await bed.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, bed.server.baseUrl, 'district_admin', DEMO_E2E_PASSWORD);
  await page.goto(`${bed.server.baseUrl}/console/ingest`);
  const select = page.getByTestId('ingest-department-select');
  await select.locator('.el-select__selected-item:not(.is-transparent)', { hasText: district.name }).waitFor();
  assert.equal((await select.innerText()).trim(), district.name, 'its own district is preselected');
  await shot(page, 'ingest-district_admin-1366');
  await context.close();
});
