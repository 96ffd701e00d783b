// Cross-cutting HTTP behaviour: a 5xx never leaks internals; the bin entry runs the CLI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { migrationVersion } from '../src/db/index.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { testDataDir } from './helpers/dataDir.ts';

const run = promisify(execFile);
let t: TestDb;
let app: FastifyInstance;

before(async () => {
  t = await createTestDb();
  const config = loadConfig({ LOG_LEVEL: 'silent', CITYCREDIT_DATA_DIR: testDataDir() }, { databaseUrl: t.url });
  app = await buildApp({ config: { ...config, secret: 'test-secret-0123456789-abcdefghijklmnop' }, db: t.db, pool: t.pool, migrationVersion: () => migrationVersion(t.db) }, { logger: false, serveWeb: false });
  app.get('/api/test/boom', async () => {
    throw new Error('connection to 10.0.0.5 failed: password authentication failed for user "secret_user"');
  });
  app.get('/api/test/sql', async () => {
    await t.db.selectFrom('no_such_table' as 'users').selectAll().execute();
    return {};
  });
  await app.ready();
});
after(async () => {
  await app?.close();
  await t?.close();
});

test('an unexpected error becomes a 500 with a stable code, a request id and no internals', async () => {
  for (const url of ['/api/test/boom', '/api/test/sql']) {
    const r = await app.inject({ method: 'GET', url });
    assert.equal(r.statusCode, 500);
    const body = r.json();
    assert.equal(body.error.code, 'internal_error');
    assert.match(body.error.message, /服务器内部错误/);
    assert.ok(body.error.message.includes(String(r.headers['x-request-id'])));
    assert.doesNotMatch(r.body, /secret_user|10\.0\.0\.5|no_such_table|stack|at /);
  }
});

test('`citycredit` runs through the bin entry', async () => {
  const bin = join(import.meta.dirname, '..', 'bin', 'citycredit.mjs');
  const { stdout } = await run(process.execPath, [bin, '--help']);
  assert.match(stdout, /CityCredit 城市信用平台/);
  for (const c of ['serve', 'db', 'seed', 'users', 'apikey', 'codes']) assert.match(stdout, new RegExp(`\\b${c}\\b`));
});
