// No development text on any console page (issue 17 §4): on the demo city, the credit office's administrator, a
// department clerk, a department reviewer, the district admin and the auditor each open every console route of
// src/web/router.ts their role may open (detail pages through the first row of their list), and the visible text
// (document.body.innerText) carries no file path, no DOMAIN or § citation, no [M]/[V]/[P] marker, no env or enum name,
// no camelCase identifier, no raw ISO timestamp and no undefined/null/NaN (test/helpers/devText.ts). Every hit is
// printed with its role and page. Screenshots of the settings, checklist and pre-action check pages, and of each
// role's 红黑名单 entry page, go to test-results/console-words/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT_DIR } from '../../src/app.ts';
import { RESULTS_DIR, screenshots, signInConsole } from '../helpers/browser.ts';
import { DEMO_E2E_PASSWORD, useDemoCityBrowser } from '../helpers/demo.ts';
import { devTextHits } from '../helpers/devText.ts';

interface ConsoleRoute {
  path: string;
  name: string;
}

/** The console's child routes as router.ts declares them (read as text: the router module needs a browser). */
function consoleRoutes(): ConsoleRoute[] {
  const src = readFileSync(join(ROOT_DIR, 'src/web/router.ts'), 'utf8');
  const out: ConsoleRoute[] = [];
  for (const m of src.matchAll(/\{ path: '([^']*)', name: '(console-[a-z-]+)', component: /g)) out.push({ path: m[1], name: m[2] });
  return out;
}

const isDetail = (r: ConsoleRoute) => r.path.includes(':');

/** The anchored pattern a link of a detail route matches: each `:param(…)` stands for one path segment. */
function detailPattern(path: string): RegExp {
  const body = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/?#]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^/console/${body}$`);
}

/** The list page that links to a detail route: the longest route path before its first parameter. */
function listPathOf(detail: ConsoleRoute, routes: ConsoleRoute[]): string | null {
  const prefix = detail.path.slice(0, detail.path.indexOf('/:'));
  return routes.some((r) => r.path === prefix) ? `/console/${prefix}` : null;
}

const bed = useDemoCityBrowser();
const shot = screenshots('console-words');

/**
 * Opens `url` and waits until its requests have settled and no loading mask is left. False when the route guard sent
 * the role to 无权访问 instead (the guard reads the menu table of console/roles.ts, so the test need not).
 */
async function settle(page: Page, url: string): Promise<boolean> {
  await page.goto(`${bed.server.baseUrl}${url}`);
  await page.waitForLoadState('networkidle');
  // Generous: eight engineers share two cores. A mask that never goes away names its page.
  await page
    .waitForFunction(() => ![...document.querySelectorAll('.el-loading-mask')].some((m) => (m as HTMLElement).offsetParent !== null), undefined, { timeout: 90_000 })
    .catch((e: unknown) => {
      throw new Error(`${url}: still loading after 90 s`, { cause: e });
    });
  return new URL(page.url()).pathname !== '/console/forbidden';
}

/** The page's visible text and the texts of its `<code>` elements. */
const visibleText = (page: Page) =>
  page.evaluate(() => ({ text: document.body.innerText, codes: [...document.querySelectorAll('code')].map((c) => (c as HTMLElement).innerText.trim()).filter(Boolean) }));

test('the guard finds each kind of development text and passes plain Chinese, USCCs, 文号 and dates', () => {
  const table: [string, number][] = [
    ['依据：docs/domain/03-publicity.md §3.3 [M]', 3],
    ['DOMAIN §5.2 指标', 2],
    ['依据：[M 文号待核]；2021年9月1日起施行 [V/P]；企业信息公示暂行条例 [公开文件]', 3],
    ['部署配置 INGEST_DECISION_DATE_WARN_BEFORE', 1],
    ['名单类型 OTHER_BLACK', 1],
    ['字段 fineCeiling 为空', 1],
    ['核查时间 2026-12-07T08:15:00.000Z', 1],
    ['金额 undefined 万元，得分 NaN，状态 null，[object Object]', 4],
    ['统一社会信用代码 91630100MA7XK0QJ5F，文号 宁市监罚〔2026〕12号，2026-12-07 16:15:00', 0],
    ['《信用修复管理办法》第十条；API密钥 ck_a90z8gaCPJk37Ier、ck_bXJfv-Sm_mu6CIPX；SGS-CF-V2；默认 10 个工作日', 0],
    ['国家标准《公共信用信息资源标识规则》（GB/T 39442-2020）；纳税信用分为A、B、M、C、D级；见[附件1]', 0],
  ];
  for (const [text, n] of table) assert.equal(devTextHits(text).length, n, `${text}: ${devTextHits(text).join('; ')}`);
  // A data item's code the page marks as <code> is data; the same code as plain text, or a citation in <code>, is not.
  assert.deepEqual(devTextHits('1 法定名称或姓名 QT_MC 文本 必填', ['QT_MC']), []);
  assert.equal(devTextHits('1 法定名称或姓名 QT_MC 文本 必填').length, 1);
  assert.equal(devTextHits('见 docs/domain/02-catalogue.md', ['docs/domain/02-catalogue.md']).length, 1);
});

test('no development text on any console page the office, a clerk, a reviewer, the district admin or the auditor may open', async () => {
  const routes = consoleRoutes();
  assert.ok(routes.length >= 30, `router.ts lists ${routes.length} console routes`);
  const hits: string[] = [];
  const unopened = new Map<string, string[]>();
  const visited: string[] = [];

  const accounts: Array<{ username: string; role: 'admin' | 'reporter' | 'reviewer' | 'district_admin' | 'auditor' }> = [
    { username: 'admin', role: 'admin' },
    { username: 'scjg_reporter', role: 'reporter' },
    { username: 'scjg_reviewer', role: 'reviewer' },
    { username: 'district_admin', role: 'district_admin' },
    { username: 'auditor', role: 'auditor' },
  ];
  for (const { username, role } of accounts) {
    const context = await bed.browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await signInConsole(page, bed.server.baseUrl, username, DEMO_E2E_PASSWORD);

    const check = async (url: string): Promise<void> => {
      visited.push(`${username} ${url}`);
      const { text, codes } = await visibleText(page);
      for (const h of devTextHits(text, codes)) hits.push(`${username} ${url}: ${h}`);
    };

    for (const r of routes) {
      if (r.name === 'console-not-found') {
        await settle(page, '/console/no-such-page');
        await check('/console/no-such-page');
        continue;
      }
      if (r.name === 'console-forbidden') {
        // What the guard shows for a page the role may not open.
        const denied = role === 'admin' || role === 'district_admin' || role === 'auditor' ? '/console/mydept' : '/console/users';
        await settle(page, denied);
        await check(`${denied} (无权访问)`);
        continue;
      }
      if (!isDetail(r)) {
        const url = `/console${r.path ? `/${r.path}` : ''}`;
        if (await settle(page, url)) await check(url);
        continue;
      }
      // A detail page: the first row of its list (nothing to open when the role may not see the list).
      const list = listPathOf(r, routes);
      let target: string | undefined;
      if (list) {
        if (!(await settle(page, list))) continue;
        const re = detailPattern(r.path);
        const hrefs = await page.locator('a[href^="/console/"]').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
        target = hrefs.find((h) => re.test(h));
      }
      if (!target) {
        unopened.set(r.name, [...(unopened.get(r.name) ?? []), username]);
        continue;
      }
      await settle(page, target);
      await check(target);
      if (r.name === 'console-list-entry') await shot(page, `list-entry-${role}-1366`);
    }

    // Pages 1–4 of issue 17 §4 at 1366 px, to look at.
    if (role === 'admin') {
      for (const [url, name] of [
        ['/console/publicity-settings', 'publicity-settings'],
        ['/console/workflow-settings', 'workflow-settings'],
        ['/console/monitoring/checklist', 'checklist'],
      ] as const) {
        await settle(page, url);
        await shot(page, `${name}-1366`);
      }
      // The checklist is 150 rows long: its first screen too, where the numbers and the table's head can be read.
      await page.screenshot({ path: join(RESULTS_DIR, 'console-words', 'checklist-1366-first-screen.png') });
      // The checklist's edit dialog speaks plain Chinese too.
      await settle(page, '/console/monitoring/checklist');
      await page.getByTestId('checklist-table').getByRole('button', { name: '编辑' }).first().click();
      await page.getByTestId('checklist-edit-submit').waitFor();
      await check('/console/monitoring/checklist (修改制度状态)');
      // 措施清单 with every row unfolded: 设定依据, 出处说明 and the rest in full (the table cuts them to fit).
      await settle(page, '/console/sanctions/measures');
      const icons = page.getByTestId('measures-table').locator('.el-table__expand-icon');
      for (let i = 0; i < (await icons.count()); i++) await icons.nth(i).click();
      await page.locator('[data-testid^="measure-detail-"]').first().waitFor();
      await check('/console/sanctions/measures (展开全部措施)');
    } else if (role === 'reporter') {
      await settle(page, '/console/sanctions/check');
      await shot(page, 'sanctions-check-1366');
    }
    await context.close();
  }

  // Every detail route was opened by one of the roles.
  const neverOpened = routes.filter((r) => isDetail(r) && (unopened.get(r.name)?.length ?? 0) === accounts.length).map((r) => r.path);
  assert.deepEqual(neverOpened, [], `detail pages with no row to open: ${neverOpened.join(', ')}`);
  console.log(`console-words: ${visited.length} pages read`);
  if (hits.length) console.log(`development text on screen (${hits.length}):\n${hits.join('\n')}`);
  assert.deepEqual(hits, [], `development text on ${hits.length} place(s) of the console`);
});
