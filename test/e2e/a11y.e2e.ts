// Accessibility of the public portal (issue 17 §5; WCAG 2.1 AA, which GB/T 37668-2019 adopts for government
// sites): axe-core, injected from node_modules into Debian's Chromium, runs over the main portal pages on the demo
// city, at 1366 and 390 px, and finds no serious or critical violation; the keyboard reaches the skip link first,
// it moves focus to the main content, focus is visible, and every button and link of the search is reachable; the
// subject page's tabs are reached and switched, its report downloaded, and the verify form submitted by keyboard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { ROOT_DIR } from '../../src/app.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer } from '../helpers/browser.ts';
import { loadSmallDemoCity, uniqueFragment } from '../helpers/demo.ts';

let server: E2eServer;
let browser: Browser;
let axeSource: string;
let subject: { id: string; name: string; recordId: string; fragment: string };
/** A list type of the demo city, for its own page (/lists/<code>). */
let listCode: string;

interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

before(async () => {
  server = await startE2eServer();
  await loadSmallDemoCity(server);
  // A company with public penalties: the subject and record pages are tested on it.
  const r = await sql<{ id: string; name: string; record_id: string }>`
    SELECT s.id, s.name, max(r.id) AS record_id FROM records r JOIN subjects s ON s.id = r.subject_id
    WHERE r.audience = 'public' AND r.record_type = 'penalty' AND s.kind = 'legal'
    GROUP BY s.id, s.name ORDER BY count(*) DESC, s.id LIMIT 1`.execute(server.db.db);
  const others = (await server.db.db.selectFrom('subjects').select(['id', 'name']).execute()).filter((s) => s.id !== r.rows[0].id).map((s) => s.name);
  subject = { id: String(r.rows[0].id), name: r.rows[0].name, recordId: String(r.rows[0].record_id), fragment: uniqueFragment(r.rows[0].name, others) };
  // The demo list type with the most entries, so its page shows a real list.
  listCode = (
    await server.db.db
      .selectFrom('list_entries')
      .select(['list_type', (eb) => eb.fn.countAll().as('n')])
      .groupBy('list_type')
      .orderBy('n', 'desc')
      .orderBy('list_type')
      .executeTakeFirstOrThrow()
  ).list_type;
  axeSource = await readFile(join(ROOT_DIR, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs axe-core on the page (WCAG 2.0/2.1 A and AA rules) and returns its serious and critical violations. */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the portal's CSP (script-src 'self') rightly refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations;
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const describe = (vs: AxeViolation[]) =>
  vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`).join('\n    ')}`).join('\n');

// [path, data-testid that shows the page is ready, or `h1=<text>` for a page whose heading is its first sign]
const pages = (): Array<[string, string]> => [
  ['/', 'home-sgs-penalty'],
  [`/search?q=${encodeURIComponent(subject.fragment)}`, 'search-results'],
  [`/search?q=${encodeURIComponent('王建国')}`, 'search-people-note'],
  [`/subjects/${subject.id}`, 'subject-name'],
  [`/subjects/${subject.id}?tab=penalty`, 'subject-record'],
  [`/records/${subject.recordId}`, 'record-detail'],
  ['/sgs?type=penalty', 'sgs-list'],
  ['/sgs?type=permit', 'sgs-list'],
  ['/lists?kind=red', 'lists-list'],
  ['/lists?kind=black', 'lists-list'],
  ['/policies', 'policies-list'],
  ['/credit-events', 'public-events'],
  ['/verify', 'verify-no'],
  ['/repair', 'guide-repair'],
  ['/objection', 'guide-objection'],
  ['/commitments', 'h1=信用承诺公示'],
  ['/sanction-cases', 'h1=联合奖惩案例'],
  ['/code-conversions', 'conversions-table'],
  ['/repair/apply', 'repair-uscc'],
  ['/repair/progress', 'progress-uscc'],
  [`/objection/new?record=${subject.recordId}`, 'objection-subject-code'],
  ['/objection/progress', 'progress-code'],
  [`/lists/${listCode}`, 'list-type-title'],
  ['/no-such-page', 'not-found'],
];

/** Waits for the sign that a page of `pages()` is ready. */
async function ready(page: Page, sign: string): Promise<void> {
  if (sign.startsWith('h1=')) await page.locator('h1', { hasText: sign.slice(3) }).first().waitFor();
  else await page.getByTestId(sign).first().waitFor();
}

/** Presses Tab until the focused element is (or is inside) the one with this test id; false if it never is. */
async function tabTo(page: Page, testId: string, max = 80): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? '');
    if (at === testId) return true;
  }
  return false;
}

for (const [width, height, label] of [[1366, 900, 'desktop'], [390, 844, 'phone']] as const) {
  test(`axe-core finds no serious or critical WCAG 2.1 AA violation on the portal pages (${width} px)`, async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height }, isMobile: width < 500, hasTouch: width < 500 });
    const page = await context.newPage();
    const failures: string[] = [];
    for (const [path, sign] of pages()) {
      await page.goto(`${server.baseUrl}${path}`);
      await ready(page, sign);
      await page.waitForLoadState('networkidle');
      const found = await seriousViolations(page);
      if (found.length) failures.push(`${path}\n  ${describe(found)}`);
    }
    await page.goto(`${server.baseUrl}/subjects/${subject.id}?tab=penalty`);
    await page.getByTestId('subject-record').first().waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, `a11y-subject-${label}.png`), fullPage: true });
    await context.close();
    assert.deepEqual(failures, [], `axe-core violations:\n${failures.join('\n')}`);
  });
}

test('keyboard: the skip link comes first and is visible, it moves focus to the content, the search is reachable', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/`);
  await page.getByTestId('home-sgs-penalty').waitFor();
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return { text: el.textContent?.trim(), top: box.top, outline: style.outlineStyle, outlineWidth: style.outlineWidth };
  });
  assert.equal(first.text, '跳到主要内容');
  assert.ok(first.top >= 0, 'the focused skip link is on screen');
  assert.notEqual(first.outline, 'none', 'focus is visible');
  await page.screenshot({ path: join(RESULTS_DIR, 'a11y-skip-link.png') });
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-content');

  // Tab onwards from the content: the search box and its button are reached, and Enter on the button searches.
  const reached: string[] = [];
  for (let i = 0; i < 40 && !reached.includes('portal-search-submit'); i++) {
    await page.keyboard.press('Tab');
    reached.push((await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '')) || '');
  }
  assert.ok(reached.includes('portal-search-input'), `reached ${reached.join(', ')}`);
  assert.ok(reached.includes('portal-search-submit'), `reached ${reached.join(', ')}`);
  await page.getByTestId('portal-search-input').fill(subject.fragment);
  await page.getByTestId('portal-search-submit').focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\?q=/);
  await page.getByTestId('search-results').waitFor();
  await context.close();
});

test('keyboard: the subject page tabs are reached and switched, the report downloaded, the verify form submitted', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/subjects/${subject.id}`);
  await page.getByTestId('subject-name').waitFor();
  await page.waitForLoadState('networkidle');

  // The report download: reached by Tab, pressed with Enter, the report issued.
  assert.ok(await tabTo(page, 'report-download'), 'Tab reaches 下载信用报告');
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  assert.match((await download).suggestedFilename(), /\.pdf$/i);
  await page.getByTestId('report-number').waitFor();
  const number = (await page.getByTestId('report-number').innerText()).trim();
  const code = (await page.getByTestId('report-code').innerText()).trim();

  // The tabs: Tab reaches 行政处罚, Enter switches to it; the tab is marked current and its records shown.
  assert.ok(await tabTo(page, 'subject-tab-penalty'), 'Tab reaches the 行政处罚 tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/tab=penalty/);
  await page.getByTestId('subject-record').first().waitFor();
  assert.equal(await page.getByTestId('subject-tab-penalty').getAttribute('aria-current'), 'page');
  // Focus stays on the tab bar, so the next tab is one Tab away and Enter switches again.
  assert.ok(await tabTo(page, 'subject-tab-red', 3), 'the next tab (守信激励) is reached from the current one');
  await page.keyboard.press('Enter');
  await page.waitForURL(/tab=red/);
  assert.equal(await page.getByTestId('subject-tab-red').getAttribute('aria-current'), 'page');
  assert.equal(await page.getByTestId('subject-tab-penalty').getAttribute('aria-current'), null);
  await page.screenshot({ path: join(RESULTS_DIR, 'a11y-keyboard-tabs.png') });

  // The verify form: fields filled and the form submitted from the keyboard alone.
  await page.goto(`${server.baseUrl}/verify`);
  await page.getByTestId('verify-no').waitFor();
  assert.ok(await tabTo(page, 'verify-no'), 'Tab reaches 报告编号');
  await page.keyboard.type(number);
  assert.ok(await tabTo(page, 'verify-code', 4), 'Tab reaches 校验码');
  await page.keyboard.type(code);
  assert.ok(await tabTo(page, 'verify-submit', 4), 'Tab reaches 核验');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=verify-result][data-genuine=true]').waitFor();
  await page.screenshot({ path: join(RESULTS_DIR, 'a11y-keyboard-verify.png') });
  await context.close();
});
