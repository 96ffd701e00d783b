// The first start in a browser (issue 17 §1): opened while the demo city loads, http://localhost:3000 shows the
// loading page with its step, and that page turns into the portal by itself once the load is done, with no
// reload by the visitor and no refused connection. `startServer` is what `serve` runs; the test holds the demo
// loader's third step open, so that "during the load" is a fixed moment. Screenshots: test-results/startup/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { ensureWebBuilt, startServer, type StartedServer } from '../../src/server.ts';
import { STARTUP_PAGE_HEADING } from '../../src/shell/startupGate.ts';
import { launchChromium, screenshots } from '../helpers/browser.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { testDataDir } from '../helpers/dataDir.ts';

let t: TestDb;
let browser: Browser;
let server: StartedServer;
let release!: () => void;
const held = new Promise<void>((r) => (release = r));
let reached!: () => void;
const atStep3 = new Promise<void>((r) => (reached = r));
const shot = screenshots('startup');

before(async () => {
  await ensureWebBuilt(() => undefined);
  t = await createTestDb();
  const config = loadConfig(
    { LOG_LEVEL: 'silent', DEMO_DATA: 'true', DEMO_SUBJECTS: '50', DEMO_PASSWORD: 'Startup-demo-123', BUILD_WEB_ON_START: 'false', PORT: '0', CITYCREDIT_DATA_DIR: testDataDir() },
    { databaseUrl: t.url, secret: 'startup-e2e-secret-0123456789-abcdefgh' },
  );
  server = await startServer(config, {
    say: () => undefined,
    logger: false,
    demo: {
      today: '2026-11-30',
      progress: async (p) => {
        if (p.step !== 3) return;
        reached();
        await held;
      },
    },
  });
  browser = await launchChromium();
});
after(async () => {
  release?.();
  await browser?.close();
  await server?.loaded.catch(() => undefined);
  await server?.app.close();
  await server?.database.close();
  await t?.close();
});

test('the loading page shows the step and turns into the portal by itself when the demo is in', async () => {
  await atStep3;
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const answered = await page.goto(`${server.base}/`);
  assert.equal(answered?.status(), 503);
  await page.getByRole('heading', { name: STARTUP_PAGE_HEADING }).waitFor();
  assert.ok(await page.getByText('第 3/6 步：登记撤销决定和红黑名单').isVisible(), 'the page says which step is running');
  await shot(page, 'loading-1366');

  // The load goes on; the page refreshes itself (meta refresh) and, once the gate is open, is the portal.
  release();
  await server.loaded;
  await page.getByTestId('portal-search-input').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole('heading', { name: STARTUP_PAGE_HEADING }).count(), 0);
  assert.equal(new URL(page.url()).pathname, '/', 'the visitor stays on the address they opened');
  await shot(page, 'portal-after-load-1366');
  await page.close();
});
