// The first start answers while the demo city loads (issue 17 §1): `startServer` (what `serve` runs) listens
// behind the start-up gate, the demo loader's step hook is held open by the test so that "during the load" is a
// fixed moment, and real HTTP requests see the loading page, the 503s and no job; after the load the same socket
// serves the platform. A failing load rejects and leaves nothing listening; a later start has no gate at all.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { loadConfig, type Config } from '../src/config.ts';
import { startServer, type StartedServer } from '../src/server.ts';
import type { DemoProgress } from '../src/shell/demo/city.ts';
import { createStartupGate, STARTUP_PAGE_HEADING, STARTUP_RETRY_SECONDS } from '../src/shell/startupGate.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { testDataDir } from './helpers/dataDir.ts';

const SECRET = 'startup-gate-secret-0123456789-abcdefgh';
const PASSWORD = 'Startup-demo-123';
const TODAY = '2026-11-30';

/** The server's configuration as `serve` gets it, on a test database, a free port and a small demo city. */
const configFor = (t: TestDb, env: Record<string, string> = {}): Config =>
  loadConfig(
    { LOG_LEVEL: 'silent', DEMO_DATA: 'true', DEMO_SUBJECTS: '50', DEMO_PASSWORD: PASSWORD, BUILD_WEB_ON_START: 'false', PORT: '0', CITYCREDIT_DATA_DIR: testDataDir(), ...env },
    { databaseUrl: t.url, secret: SECRET },
  );

/** A promise with its resolve function, for holding a step open. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const get = (s: StartedServer, path: string, init?: RequestInit) => fetch(`${s.base}${path}`, init);
const jobRows = async (t: TestDb) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs`.execute(t.db)).rows[0].n;

const opened: TestDb[] = [];
after(async () => {
  for (const t of opened) await t.close();
});

describe('a first start with the demo', () => {
  test('answers with the loading page and 503s while the demo loads, runs no job, then serves the platform on the same socket', async () => {
    const t = await createTestDb();
    opened.push(t);
    const reached = deferred<DemoProgress>();
    const release = deferred();
    const steps: number[] = [];
    const said: string[] = [];
    const server = await startServer(configFor(t), {
      say: (l) => said.push(l),
      logger: false,
      demo: {
        today: TODAY,
        progress: async (p) => {
          if (!steps.includes(p.step)) steps.push(p.step);
          if (p.step === 3) {
            reached.resolve(p);
            await release.promise;
          }
        },
      },
    });
    try {
      const at = await reached.promise;
      assert.deepEqual(at, { step: 3, steps: 6, name: '登记撤销决定和红黑名单' });

      // Pages: the Chinese loading page with the step, refreshing itself, never cached.
      for (const path of ['/', '/console', '/subjects/abc?tab=penalty']) {
        const r = await get(server, path);
        assert.equal(r.status, 503, path);
        assert.match(r.headers.get('content-type') ?? '', /text\/html/);
        assert.equal(r.headers.get('retry-after'), String(STARTUP_RETRY_SECONDS));
        assert.equal(r.headers.get('cache-control'), 'no-store');
        const html = await r.text();
        assert.ok(html.includes(STARTUP_PAGE_HEADING), path);
        assert.ok(html.includes('第 3/6 步：登记撤销决定和红黑名单'), 'the page says which step is running');
        assert.match(html, /<meta http-equiv="refresh" content="\d+">/);
      }
      // The API: 503 in the error handler's shape, with the Chinese message and the step; a sign-in is not attempted.
      for (const [method, path, body] of [['GET', '/api/public/site'], ['POST', '/api/auth/login', JSON.stringify({ username: 'admin', password: PASSWORD })]] as const) {
        const r = await get(server, path, { method, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) });
        assert.equal(r.status, 503, path);
        assert.equal(r.headers.get('retry-after'), String(STARTUP_RETRY_SECONDS));
        const json = (await r.json()) as { error: { code: string; message: string; details: DemoProgress } };
        assert.equal(json.error.code, 'starting_up');
        assert.match(json.error.message, /^平台正在首次启动，正在载入演示数据，请稍后再试（第 3\/6 步：登记撤销决定和红黑名单）$/);
        assert.equal(json.error.details.step, 3);
      }
      const health = await get(server, '/health');
      assert.equal(health.status, 503);
      const h = (await health.json()) as { status: string; database: { connected: boolean; migration: string | null }; startup: DemoProgress };
      assert.equal(h.status, 'loading');
      assert.equal(h.startup.name, '登记撤销决定和红黑名单');
      assert.ok(h.database.migration, 'health names the schema version while loading');
      // No job (periodic sweeps, the search indexer) has started against the half-loaded city.
      assert.equal(await jobRows(t), 0, 'no job ran during the load');

      release.resolve();
      const creds = await server.loaded;
      assert.deepEqual(steps, [1, 2, 3, 4, 5, 6], 'every step was reported, in order');
      assert.ok(creds.some((c) => c.username === 'admin'), 'the demo accounts are returned to print once');
      assert.ok(said.some((l) => l.startsWith('  第 6/6 步：')), 'each step is printed with its seconds');

      // The same process and socket now serve the platform.
      const site = await get(server, '/api/public/site');
      assert.equal(site.status, 200);
      assert.equal(((await site.json()) as { cityName: string }).cityName, configFor(t).cityName);
      const ok = await get(server, '/health');
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { status: string }).status, 'ok');
      const page = await get(server, '/');
      assert.notEqual(page.status, 503);
      assert.ok(!(await page.text()).includes(STARTUP_PAGE_HEADING));
      const login = await get(server, '/api/auth/login', { method: 'POST', body: JSON.stringify({ username: 'admin', password: PASSWORD }), headers: { 'content-type': 'application/json' } });
      assert.equal(login.status, 200, 'a demo account signs in');
      // The jobs start once the gate opens: the search indexer's service row appears.
      while (!(await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs WHERE name = 'subject-search'`.execute(t.db)).rows[0].n) await new Promise((r) => setTimeout(r, 100));
    } finally {
      release.resolve();
      await server.loaded.catch(() => undefined);
      await server.app.close();
      await server.database.close();
    }

    // A later start on the same database: no gate, the platform answers at once, no accounts to print.
    const again = await startServer(configFor(t), { say: () => undefined, logger: false });
    try {
      assert.deepEqual(await again.loaded, []);
      assert.equal((await get(again, '/api/public/site')).status, 200);
    } finally {
      await again.app.close();
      await again.database.close();
    }
  });

  test('a failing load rejects with its error and leaves nothing listening', async () => {
    const t = await createTestDb();
    opened.push(t);
    const server = await startServer(configFor(t), {
      say: () => undefined,
      logger: false,
      demo: {
        today: TODAY,
        progress: (p) => {
          if (p.step === 2) throw new Error('演示数据载入失败（测试）');
        },
      },
    });
    await assert.rejects(server.loaded, /演示数据载入失败（测试）/);
    assert.equal(server.app.server.listening, false, 'the loading page does not spin forever: the socket is closed');
    await assert.rejects(get(server, '/'), 'the connection is refused');
  });
});

test('with DEMO_DATA=false there is no gate: the platform answers at once', async () => {
  const t = await createTestDb();
  opened.push(t);
  const server = await startServer(configFor(t, { DEMO_DATA: 'false' }), { say: () => undefined, logger: false });
  try {
    assert.deepEqual(await server.loaded, []);
    assert.equal((await get(server, '/api/public/site')).status, 200);
    assert.equal((await get(server, '/health')).status, 200);
  } finally {
    await server.app.close();
    await server.database.close();
  }
});

describe('the gate alone', () => {
  // What each request gets while the gate is closed: the loading page, the API's 503 or the health answer.
  const CASES: Array<[method: 'GET' | 'HEAD' | 'POST' | 'DELETE', url: string, answer: 'page' | 'api' | 'health']> = [
    ['GET', '/', 'page'],
    ['HEAD', '/', 'page'],
    ['GET', '/console/receipts?batch=1', 'page'],
    ['GET', '/assets/index.js', 'page'],
    ['GET', '/docs', 'page'],
    ['GET', '/api/public/site', 'api'],
    ['GET', '/api/public/subjects?q=%E5%85%AC%E5%8F%B8', 'api'],
    ['POST', '/api/auth/login', 'api'],
    ['DELETE', '/api/users/1', 'api'],
    ['POST', '/', 'api'],
    ['GET', '/health', 'health'],
    ['GET', '/health?x=1', 'health'],
  ];

  test('answers every request by its kind until it opens, then lets them through', async () => {
    const gate = createStartupGate({ siteTitle: '<b>演示</b>', migration: '20261211T1050a' });
    const app = Fastify();
    app.addHook('onRequest', gate.onRequest);
    let reached = 0;
    app.all('/*', async () => ({ reached: ++reached }));
    gate.progress({ step: 2, steps: 6, name: '归集一年的双公示记录', detail: '第 4/12 月' });
    try {
      for (const [method, url, answer] of CASES) {
        const r = await app.inject({ method, url });
        assert.equal(r.statusCode, 503, `${method} ${url}`);
        assert.equal(r.headers['retry-after'], String(STARTUP_RETRY_SECONDS));
        if (answer === 'page') {
          assert.match(String(r.headers['content-type']), /text\/html/, `${method} ${url}`);
          if (method === 'GET') {
            assert.ok(r.body.includes('第 2/6 步：归集一年的双公示记录（第 4/12 月）'), url);
            assert.ok(r.body.includes('&#60;b&#62;演示'), 'the site title is escaped');
            assert.ok(!r.body.includes('<b>'), 'no markup from the title');
          }
        } else if (answer === 'api') {
          assert.equal(r.json().error.code, 'starting_up', `${method} ${url}`);
        } else {
          assert.deepEqual(r.json(), { status: 'loading', database: { connected: true, migration: '20261211T1050a' }, startup: { step: 2, steps: 6, name: '归集一年的双公示记录', detail: '第 4/12 月' } });
        }
      }
      assert.equal(reached, 0, 'no request reached a route');
      assert.equal(gate.isOpen, false);
      gate.open();
      await gate.opened;
      for (const [method, url] of CASES.filter(([m]) => m !== 'HEAD')) {
        const r = await app.inject({ method, url });
        assert.equal(r.statusCode, 200, `${method} ${url}`);
      }
      assert.equal(reached, CASES.length - 1);
    } finally {
      await app.close();
    }
  });

  test('before the first step the page and the 503 say only that the platform is starting', async () => {
    const gate = createStartupGate({ siteTitle: '西宁市', migration: null });
    const app = Fastify();
    app.addHook('onRequest', gate.onRequest);
    try {
      const page = await app.inject({ method: 'GET', url: '/' });
      assert.ok(page.body.includes(STARTUP_PAGE_HEADING));
      assert.ok(!page.body.includes('步：'));
      assert.equal((await app.inject({ method: 'GET', url: '/api/x' })).json().error.message, '平台正在首次启动，正在载入演示数据，请稍后再试');
    } finally {
      await app.close();
    }
  });
});
