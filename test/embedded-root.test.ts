// Issue 11 §7b: as root in a folder only root may enter (a clone under /root, a `mktemp -d` folder), the
// embedded server keeps PostgreSQL's data under /var/lib/citycredit/<name> instead of stopping.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { postgresDataDir, readPostmasterPid, ROOT_FALLBACK_BASE, rootFallbackDir } from '../src/db/embedded.ts';
import { freePort } from './helpers/net.ts';

const root = join(import.meta.dirname, '..');
let closed: string;
let dataDir: string;
let server: ChildProcess | null = null;

before(async () => {
  closed = await mkdtemp(join(tmpdir(), 'cc-root-only-'));
  assert.equal((await stat(closed)).mode & 0o777, 0o700, 'mkdtemp makes a folder only its owner may enter');
  dataDir = join(closed, 'data');
});

after(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  const fallback = rootFallbackDir(dataDir, 0)!;
  const pm = readPostmasterPid(join(fallback, 'pg'));
  if (pm) {
    try {
      process.kill(pm.pid, 'SIGINT');
    } catch {
      /* already gone */
    }
    for (let i = 0; i < 100 && readPostmasterPid(join(fallback, 'pg')); i++) await new Promise((r) => setTimeout(r, 100));
  }
  await rm(fallback, { recursive: true, force: true });
  await rm(closed, { recursive: true, force: true });
});

test('the fallback folder is named after the data folder, one per resolved path, and only for root', () => {
  const a = rootFallbackDir(dataDir, 0)!;
  assert.ok(a.startsWith(`${ROOT_FALLBACK_BASE}/data-`), a);
  assert.equal(rootFallbackDir(dataDir, 0), a, 'deterministic');
  assert.notEqual(rootFallbackDir(join(closed, 'other', 'data'), 0), a, 'another checkout gets its own folder');
  assert.equal(rootFallbackDir(dataDir, 1000), null, 'a normal user runs postgres itself and needs no fallback');
  // A data folder whose parents everyone may enter keeps PostgreSQL inside it.
  assert.equal(rootFallbackDir(join(tmpdir(), 'cc-open', 'data'), 0), null);
});

test('as root, `npm start` (citycredit serve) in a root-only folder runs with its data in the fallback folder and says where', async () => {
  assert.equal(userInfo().uid, 0, 'this scenario is the root one (tests run as root, locally and in CI)');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CITYCREDIT_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    PORT: String(await freePort()),
    DEMO_DATA: 'false',
    BUILD_WEB_ON_START: 'false',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const started = new Promise<void>((resolve) => {
    const on = (d: Buffer) => {
      out += d;
      if (out.includes('城市信用平台已启动')) resolve();
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    void exited.then(() => resolve());
  });
  await started;
  assert.equal(child.exitCode, null, `the server is running:\n${out}`);
  const fallback = rootFallbackDir(dataDir)!;
  assert.ok(out.includes(`内置数据库的数据存放在 ${join(fallback, 'pg')}`), out);
  assert.equal(postgresDataDir(dataDir), join(fallback, 'pg'));
  assert.ok(existsSync(join(fallback, 'pg', 'PG_VERSION')), 'PostgreSQL data is in the fallback folder');
  assert.ok(readPostmasterPid(join(fallback, 'pg')), 'and its server runs from there');
  assert.equal(existsSync(join(dataDir, 'pg')), false, 'nothing of PostgreSQL in the root-only folder');
  assert.equal((await stat(join(dataDir, 'instance.json'))).mode & 0o777, 0o600, 'the instance secrets stay in the data folder');
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(readPostmasterPid(join(fallback, 'pg')), null, 'the server stopped with the app');
});
