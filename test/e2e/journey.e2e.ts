// A citizen's journey on the demo city (issue 17 §1 and §5), at 1366 and 390 px, with a screenshot of each step
// under test-results/journey-<width>-*.png: the home page shows real records, a search finds a company, its page
// shows counts on the tabs, a record card speaks plainly, the credit report is issued and verified, the verify
// page links back to re-issue it, a search for a person says why nothing is found, and on a phone the
// navigation shows that it scrolls.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer } from '../helpers/browser.ts';
import { loadSmallDemoCity, uniqueFragment } from '../helpers/demo.ts';
import { join } from 'node:path';

let server: E2eServer;
let browser: Browser;
let target: { id: string; name: string; fragment: string; penalties: number };

before(async () => {
  server = await startE2eServer();
  await loadSmallDemoCity(server);
  // A legal person with at least two public penalties, and a fragment of its name that finds it on the first page.
  const rows = await sql<{ id: string; name: string; n: number }>`
    SELECT s.id, s.name, count(*)::int AS n FROM records r JOIN subjects s ON s.id = r.subject_id
    WHERE r.audience = 'public' AND r.record_type = 'penalty' AND s.kind = 'legal'
      AND (r.public_until IS NULL OR r.public_until >= (now() AT TIME ZONE 'Asia/Shanghai')::date)
    GROUP BY s.id, s.name HAVING count(*) >= 2 ORDER BY count(*) DESC, s.id LIMIT 1`.execute(server.db.db);
  const names = (await server.db.db.selectFrom('subjects').select(['id', 'name']).execute()).filter((s) => s.id !== rows.rows[0].id).map((s) => s.name);
  const name = rows.rows[0].name;
  const fragment = uniqueFragment(name, names);
  target = { id: String(rows.rows[0].id), name, fragment, penalties: rows.rows[0].n };
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

for (const [width, height] of [[1366, 900], [390, 844]] as const) {
  test(`a citizen on the demo city at ${width} px: home, search, subject, record, report, verify, a person's search`, async () => {
    const phone = width < 500;
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height }, isMobile: phone, hasTouch: phone, acceptDownloads: true });
    const page = await context.newPage();
    const shot = (step: string, p: Page = page) => p.screenshot({ path: join(RESULTS_DIR, `journey-${width}-${step}.png`), fullPage: true });

    // 1. Home: the latest penalties and permits are real records, not 暂无.
    await page.goto(`${server.baseUrl}/`);
    await page.locator('[data-testid=home-sgs-penalty][data-status=done]').waitFor();
    await page.locator('[data-testid=home-sgs-permit][data-status=done]').waitFor();
    assert.ok((await page.getByTestId('home-sgs-penalty').locator('a[href^="/records/"]').count()) > 0);
    assert.ok((await page.getByTestId('home-sgs-permit').locator('a[href^="/records/"]').count()) > 0);
    assert.doesNotMatch(await page.getByTestId('home-sgs-permit').innerText(), /暂无/);
    if (phone) {
      // The navigation scrolls sideways and shows it: an arrow on the right, then on the left once scrolled.
      await page.getByTestId('nav-more-right').waitFor();
      await page.getByTestId('nav-more-right').click();
      await page.getByTestId('nav-more-left').waitFor();
    }
    await shot('01-home');

    // 2. Search by a fragment of the company's name.
    await page.getByTestId('portal-search-input').fill(target.fragment);
    await page.getByTestId('portal-search-submit').click();
    await page.getByTestId('search-results').waitFor();
    await shot('02-search');
    await page.locator(`[data-testid=search-result][data-subject-id="${target.id}"]`).click();

    // 3. The subject page: the 行政处罚 tab says how many records it holds.
    await page.getByTestId('subject-name').waitFor();
    await page.getByTestId('subject-tab-count-penalty').waitFor();
    assert.match(await page.getByTestId('subject-tab-penalty').innerText(), new RegExp(`行政处罚\\s*（?\\s*${target.penalties}\\s*(条）)?$`));
    assert.match(await page.getByTestId('subject-tab-count-commitment').innerText(), /0/);
    await shot('03-subject');

    // 4. The penalties: each card names what was decided, gives the 文号 once and says 公示至 plainly.
    await page.getByTestId('subject-tab-penalty').click();
    await page.getByTestId('subject-record').first().waitFor();
    assert.equal(await page.getByTestId('subject-record').count(), target.penalties);
    const card = page.getByTestId('subject-record').first();
    const text = await card.innerText();
    const docNo = /宁[^\s]*〔\d{4}〕\d+号/u.exec(text)?.[0];
    assert.ok(docNo, text);
    assert.equal(text.split(docNo).length - 1, 1, 'the 文号 appears once on the card');
    assert.doesNotMatch(text, /\d{4}\s*年规则/u);
    assert.match(await card.getByTestId('record-card-publicity').innerText(), /^公示至 \d{4}-\d{2}-\d{2}/u);
    await shot('04-penalties');

    // 5. The record's own page.
    await card.getByRole('link', { name: '查看详情' }).click();
    await page.getByTestId('record-detail').waitFor();
    await shot('05-record');
    await page.getByTestId('record-subject-link').click();
    await page.getByTestId('subject-name').waitFor();

    // 6. The credit report: downloaded, with its number and code.
    const download = page.waitForEvent('download');
    await page.getByTestId('report-download').click();
    assert.match((await download).suggestedFilename(), /\.pdf$/i);
    await page.getByTestId('report-number').waitFor();
    const number = (await page.getByTestId('report-number').innerText()).trim();
    const code = (await page.getByTestId('report-code').innerText()).trim();
    await shot('06-report');

    // 7. Verify it; the page links back to re-issue a report for the same company.
    await page.goto(`${server.baseUrl}/verify?no=${encodeURIComponent(number)}&code=${encodeURIComponent(code)}`);
    await page.locator('[data-testid=verify-result][data-genuine=true]').waitFor();
    await shot('07-verify');
    await page.getByTestId('verify-reissue').getByRole('link').click();
    await page.waitForURL(/\/search\?q=/);
    await page.locator(`[data-testid=search-result][data-subject-id="${target.id}"]`).waitFor();

    // 8. A person's name finds nothing, and the page says why and how a person gets their own report.
    await page.goto(`${server.baseUrl}/search?q=${encodeURIComponent('王建国')}`);
    const note = page.getByTestId('search-people-note');
    await note.waitFor();
    assert.match(await note.innerText(), /自然人信息不提供公开检索/);
    assert.match(await note.innerText(), /本人/);
    await shot('08-person-search');
    await context.close();
  });
}
