// The embedded server as a person uses it: `citycredit serve` in its own process, killed with SIGKILL,
// started again; and a second citycredit process on the same data folder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedSharedBuffersMb, readPostmasterPid } from '../src/db/embedded.ts';
import { freePort } from './helpers/net.ts';

const root = join(import.meta.dirname, '..');
let dataDir: string;
let httpPort: number;
let pgPort: number;
const children: ChildProcess[] = [];

function env(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.DATABASE_URL;
  return {
    ...e,
    CITYCREDIT_DATA_DIR: dataDir,
    PORT: String(httpPort),
    EMBEDDED_PG_PORT: String(pgPort),
    DEMO_SUBJECTS: '50',
    DEMO_PASSWORD: 'Demo-password-2026',
    BUILD_WEB_ON_START: 'false',
    LOG_LEVEL: 'warn',
  };
}

function cli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

function output(child: ChildProcess): () => string {
  let buf = '';
  child.stdout!.on('data', (d) => (buf += d));
  child.stderr!.on('data', (d) => (buf += d));
  return () => buf;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.on('exit', (code) => resolve(code));
  });
}

/** Polls /health until it answers (bounded: 120 tries). */
async function waitHealthy(child: ChildProcess, out: () => string): Promise<{ status: string; database: { connected: boolean } }> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out()}`);
    try {
      const r = await fetch(`http://127.0.0.1:${httpPort}/health`);
      if (r.ok) return (await r.json()) as { status: string; database: { connected: boolean } };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy:\n${out()}`);
}

async function login(): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${httpPort}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'Demo-password-2026' }),
  });
  return r.status;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'citycredit-embedded-'));
  httpPort = await freePort();
  pgPort = await freePort();
});

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  // Stop any postgres left behind by the SIGKILL scenario.
  const pm = readPostmasterPid(join(dataDir, 'pg'));
  if (pm) {
    try {
      process.kill(pm.pid, 'SIGINT');
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 100 && readPostmasterPid(join(dataDir, 'pg')); i++) await new Promise((r) => setTimeout(r, 100));
  }
  await rm(dataDir, { recursive: true, force: true });
});

test('first start initialises the database, loads demo data and prints how to sign in', async () => {
  const s = cli(['serve']);
  const out = output(s);
  const h = await waitHealthy(s, out);
  assert.equal(h.database.connected, true);
  assert.match(out(), /演示账号/);
  assert.match(out(), /admin/);
  assert.equal(await login(), 200);

  // A second citycredit process on the same folder shares the running server instead of starting another.
  const m = cli(['db', 'migrate']);
  const mout = output(m);
  assert.equal(await exited(m), 0, mout());
  assert.match(mout(), /数据库已迁移到最新版本/);
  const pm = readPostmasterPid(join(dataDir, 'pg'));
  assert.ok(pm, 'the first server still runs');
  assert.equal((await fetch(`http://127.0.0.1:${httpPort}/health`)).status, 200);

  // SIGKILL leaves postgres orphaned; the next start must recover without manual steps.
  s.kill('SIGKILL');
  await exited(s);
  const orphan = readPostmasterPid(join(dataDir, 'pg'));
  assert.ok(orphan, 'postmaster.pid is still there after SIGKILL');

  const s2 = cli(['serve']);
  const out2 = output(s2);
  const h2 = await waitHealthy(s2, out2);
  assert.equal(h2.database.connected, true);
  assert.doesNotMatch(out2(), /演示账号/, 'demo data is loaded only once');
  assert.equal(await login(), 200, 'data survived the crash');
  const now = readPostmasterPid(join(dataDir, 'pg'));
  assert.notEqual(now?.pid, orphan.pid, 'the orphan was replaced by a server this process owns');

  // Graceful shutdown stops the server it owns.
  s2.kill('SIGTERM');
  assert.equal(await exited(s2), 0);
  assert.equal(readPostmasterPid(join(dataDir, 'pg')), null, 'postgres stopped with the app');
});

test('misconfiguration fails at once and lists every bad variable', async () => {
  const c = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve'], {
    cwd: root,
    env: { ...env(), PORT: 'abc', CITY_REGION_CODE: '63', COOKIE_SECURE: 'maybe', DATABASE_URL: 'mysql://x' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(c);
  const out = output(c);
  const code = await exited(c);
  assert.equal(code, 78);
  for (const v of ['PORT', 'CITY_REGION_CODE', 'COOKIE_SECURE', 'DATABASE_URL']) assert.match(out(), new RegExp(v));
});

test('the embedded server takes a quarter of the memory for its cache, between 128 MB and 2 GB', () => {
  const GiB = 2 ** 30;
  assert.equal(embeddedSharedBuffersMb(24 * GiB), 2048);
  assert.equal(embeddedSharedBuffersMb(4 * GiB), 1024);
  assert.equal(embeddedSharedBuffersMb(1 * GiB), 256);
  assert.equal(embeddedSharedBuffersMb(256 * 2 ** 20), 128);
});
