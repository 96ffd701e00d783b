// A real server on a free port over a fresh test database, and Debian's Chromium driven by playwright-core.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT_DIR } from '../../src/app.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { migrationVersion } from '../../src/db/index.ts';
import type { AppContext } from '../../src/platform/http.ts';
import { seedDepartments } from '../../src/shell/seed.ts';
import { installBuiltinCatalog } from '../../src/domains/catalog/catalog.repository.ts';
import { installBuiltinListTypes } from '../../src/domains/lists/index.ts';
import { ensureWebBuilt } from '../../src/server.ts';
import { createTestDb, type TestDb } from './db.ts';
import { testDataDir } from './dataDir.ts';
import type { FastifyInstance } from 'fastify';

export const RESULTS_DIR = join(ROOT_DIR, 'test-results');

export interface E2eServer {
  baseUrl: string;
  app: FastifyInstance;
  db: TestDb;
  /** The server's warnings and errors (pino JSON lines), newest last, for failure messages. */
  logs: string[];
  close(): Promise<void>;
}

/** Builds the front end if needed, then serves the whole platform on 127.0.0.1. */
export async function startE2eServer(): Promise<E2eServer> {
  await ensureWebBuilt(() => undefined);
  const t = await createTestDb();
  const config = loadConfig({ LOG_LEVEL: 'silent', DEMO_DATA: 'false', CITYCREDIT_DATA_DIR: testDataDir() }, { databaseUrl: t.url });
  const ctx: AppContext = { config: { ...config, secret: 'e2e-secret-0123456789-abcdefghijklmnop' }, db: t.db, pool: t.pool, migrationVersion: () => migrationVersion(t.db) };
  await seedDepartments(t.db, config);
  await installBuiltinCatalog(t.db);
  await installBuiltinListTypes(t.db);
  const logs: string[] = [];
  const stream = { write: (line: string) => void (logs.push(line.trim()) > 200 && logs.shift()) };
  const app = await buildApp(ctx, { logger: { level: 'warn', stream } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    db: t,
    logs,
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}

/** Launches Debian's Chromium headless; never downloads a browser. */
export async function launchChromium(): Promise<Browser> {
  await mkdir(RESULTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Signs in on the console's login page and waits for the 工作台 greeting. */
export async function signInConsole(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/console/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();
}

/** Full-page screenshots under test-results/<folder>/, each once the page's requests have settled (no spinner in the picture). */
export function screenshots(folder: string): (page: Page, name: string) => Promise<void> {
  const dir = join(RESULTS_DIR, folder);
  return async (page, name) => {
    await mkdir(dir, { recursive: true });
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  };
}
