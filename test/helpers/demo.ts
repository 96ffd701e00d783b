// A small demo city on an e2e server (issue 17 §1): the same loader `serve` runs on first start, with fewer rows,
// so browser tests walk the pages a visitor of a fresh installation sees.
import { after, before } from 'node:test';
import { seedDemo } from '../../src/shell/seed.ts';
import { seedDemoCity, type DemoCitySummary } from '../../src/shell/demo/city.ts';
import { backfillSearchColumns } from '../../src/domains/subjects/subjects.service.ts';
import type { Browser } from 'playwright-core';
import { launchChromium, startE2eServer, type E2eServer } from './browser.ts';

/** Loads demo subjects, accounts and a year of the city (about 2,500 records) into the e2e server's database. */
export async function loadSmallDemoCity(server: E2eServer): Promise<DemoCitySummary> {
  const config = server.app.ctx.config;
  await seedDemo(server.db.db, { ...config, demoPassword: 'Demo-password-123' }, { subjects: 300 });
  const summary = await seedDemoCity(server.db.db, server.db.pool, config, { penalties: 1500, permits: 1000, subjectPool: 700 });
  // Issue 18: imported subjects are searchable by name once the search indexer has completed them; the server's job
  // does it within seconds, and the tests drive the same function so that a search never races it.
  await backfillSearchColumns(server.db.db);
  return summary;
}

/** The password of every demo account loadSmallDemoCity creates. */
export const DEMO_E2E_PASSWORD = 'Demo-password-123';

/** The shortest piece of `name` (2–6 characters, not a place or company-form word) that no other name contains. */
export function uniqueFragment(name: string, others: readonly string[]): string {
  for (let len = 2; len <= 6; len++) {
    for (let i = 0; i + len <= name.length; i++) {
      const piece = name.slice(i, i + len);
      if (/西宁|青海|有限|公司/u.test(piece)) continue;
      if (!others.some((o) => o.includes(piece))) return piece;
    }
  }
  return name;
}

/** The e2e server with the small demo city, and Chromium: what most browser tests open before their first test. */
export interface DemoCityBrowser {
  server: E2eServer;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the e2e server, loads the small demo city into it and launches Chromium; `close` ends both. */
export async function openDemoCityBrowser(): Promise<DemoCityBrowser> {
  const server = await startE2eServer();
  try {
    await loadSmallDemoCity(server);
    const browser = await launchChromium();
    return {
      server,
      browser,
      async close() {
        await browser.close();
        await server.close();
      },
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}

/**
 * Registers the file's before/after hooks that open and close `openDemoCityBrowser()`; the returned bed's `server` and
 * `browser` are there from the first test on.
 */
export function useDemoCityBrowser(): DemoCityBrowser {
  let opened: DemoCityBrowser | undefined;
  const bed = {
    close: async () => opened?.close(),
  } as DemoCityBrowser;
  before(async () => {
    opened = await openDemoCityBrowser();
    bed.server = opened.server;
    bed.browser = opened.browser;
  });
  after(() => bed.close());
  return bed;
}
