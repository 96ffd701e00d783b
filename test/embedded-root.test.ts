// Issue 11 §7b: as root in a folder only root may enter (a clone under /root, a `mktemp -d` folder), the
// embedded server keeps PostgreSQL's data under /var/lib/citycredit/<name> instead of stopping.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { postgresDataDir, readPostmasterPid, ROOT_FALLBACK_BASE, rootFallbackDir } from '../src/db/embedded.ts';
import { freePort } from './helpers/net.ts';

const root = join(import.meta.dirname, '..');
let closed: string;
let dataDir: string;

before(async () => {
  closed = await mkdtemp(join(tmpdir(), 'cc-root-only-'));
  assert.equal((await stat(closed)).mode & 0o777, 0o700, 'mkdtemp makes a folder only its owner may enter');
  dataDir = join(closed, 'data');
});

after(async () => {
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

test('as root, `citycredit db migrate` in a root-only folder starts the embedded server with its data in the fallback folder', async () => {
  assert.equal(userInfo().uid, 0, 'this scenario is the root one (tests run as root, locally and in CI)');
  const env: NodeJS.ProcessEnv = { ...process.env, CITYCREDIT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'db', 'migrate'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, out);
  assert.match(out, /数据库已迁移到最新版本/);
  const fallback = rootFallbackDir(dataDir)!;
  assert.equal(postgresDataDir(dataDir), join(fallback, 'pg'));
  assert.ok(existsSync(join(fallback, 'pg', 'PG_VERSION')), 'PostgreSQL data is in the fallback folder');
  assert.equal(existsSync(join(dataDir, 'pg')), false, 'and not in the root-only folder');
  assert.ok(existsSync(join(dataDir, 'instance.json')), 'the instance secrets stay in the data folder');
  assert.equal((await stat(join(dataDir, 'instance.json'))).mode & 0o777, 0o600);
  assert.equal(readPostmasterPid(join(fallback, 'pg')), null, 'the command stopped the server it started');
});
