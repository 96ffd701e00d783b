// Accessibility of the public portal (issue 17 §5; WCAG 2.1 AA, which GB/T 37668-2019 adopts for government
// sites): axe-core, injected from node_modules into Debian's Chromium, runs over the main portal pages on the demo
// city, at 1366 and 390 px, and finds no serious or critical violation; the keyboard reaches the skip link first,
// it moves focus to the main content, focus is visible, and every button and link of the search is reachable.
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

// [path, data-testid that shows the page is ready]
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
];

for (const [width, height, label] of [[1366, 900, 'desktop'], [390, 844, 'phone']] as const) {
  test(`axe-core finds no serious or critical WCAG 2.1 AA violation on the portal pages (${width} px)`, async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height }, isMobile: width < 500, hasTouch: width < 500 });
    const page = await context.newPage();
    const failures: string[] = [];
    for (const [path, ready] of pages()) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByTestId(ready).first().waitFor();
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
