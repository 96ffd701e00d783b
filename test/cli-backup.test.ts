// `citycredit db backup / restore / verify` as an operator runs them (issue 11 §3): a backup carrying the
// instance secret under a passphrase, restored into a fresh data folder (embedded server) and into an existing
// empty database (DATABASE_URL); refusals happen before anything is written; verify passes on the result.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createDb } from '../src/db/index.ts';
import { readPostmasterPid } from '../src/db/embedded.ts';
import { createApiKey } from '../src/domains/auth/apikeys.service.ts';
import { findActiveItem, installBuiltinCatalog } from '../src/domains/catalog/catalog.repository.ts';
import { penaltyCsvChunks } from '../src/domains/ingest/fixtures.ts';
import { importFile } from '../src/domains/ingest/import.service.ts';
import { seedDepartments } from '../src/shell/seed.ts';
import { createTestDatabase, createTestDb, dropTestDatabase, urlFor, type TestDb } from './helpers/db.ts';
import { freePort } from './helpers/net.ts';
import { allowFixtureAuthorities } from './helpers/authorities.ts';

const root = join(import.meta.dirname, '..');
const SECRET = 'source-instance-secret-0123456789-abcdefgh';
let src: TestDb;
let dir: string;
let backup: string;
const dropLater: string[] = [];
const embeddedDirs: string[] = [];

/** Runs the CLI as its own process with the given environment (DATABASE_URL and CITYCREDIT_SECRET only when given). */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.CITYCREDIT_SECRET;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: root,
    env: { ...base, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

async function count(url: string, table: string): Promise<number> {
  const { db } = createDb(url, 1);
  try {
    return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db)).rows[0].n;
  } finally {
    await db.destroy();
  }
}

async function tableCount(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)).rows[0].n;
  } finally {
    await c.end();
  }
}

before(async () => {
  src = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'cc-cli-backup-'));
  // The postgres user must be able to enter the fresh data folders made in here (the tests run as root).
  await chmod(dir, 0o755);
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), secret: SECRET };
  await seedDepartments(src.db, config);
  await installBuiltinCatalog(src.db);
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(src.db, 'SCJGJ');
  // Encrypted data of every kind: natural persons' ID numbers, personal fields of versions, an API-key secret.
  const dept = await src.db.selectFrom('departments').select('id').where('code', '=', 'SCJGJ').executeTakeFirstOrThrow();
  await createApiKey(src.db, config, 'system', { departmentId: dept.id, name: '业务系统' }, { actor: null });
  const csv = join(dir, 'penalties.csv');
  await writeFile(csv, Buffer.concat([...penaltyCsvChunks(200, 7, { encoding: 'utf-8' })]));
  const item = (await findActiveItem(src.db, '行政处罚'))!;
  const r = await importFile({ db: src.db, pool: src.pool, secret: SECRET, item, departmentId: dept.id, channel: 'cli', path: csv });
  assert.equal(r.status, 'committed');
  for (const [t, c] of [['subjects', 'id_enc'], ['record_versions', 'pii_enc'], ['api_keys', 'secret_enc']] as const) {
    const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)} WHERE ${sql.ref(c)} IS NOT NULL`.execute(src.db)).rows[0].n;
    assert.ok(n > 0, `the source has encrypted ${t}.${c}`);
  }
  await writeFile(join(dir, 'pass'), '正确的口令 correct horse battery\n');
  await writeFile(join(dir, 'wrong-pass'), '错误的口令 wrong horse battery\n');
  backup = join(dir, 'site.ccbak');
});

after(async () => {
  await src?.close();
  for (const name of dropLater) await dropTestDatabase(name).catch(() => undefined);
  // A refused or failed command may have left an embedded server running: stop it before removing its folder.
  for (const d of embeddedDirs) {
    const pm = readPostmasterPid(join(d, 'pg'));
    if (pm) {
      try {
        process.kill(pm.pid, 'SIGINT');
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 100 && readPostmasterPid(join(d, 'pg')); i++) await new Promise((r) => setTimeout(r, 100));
    }
  }
  await rm(dir, { recursive: true, force: true });
});

test('db backup --passphrase-file writes a 0600 file carrying the wrapped secret, and audits itself', async () => {
  const r = await cli(['db', 'backup', backup, '--passphrase-file', join(dir, 'pass')], { DATABASE_URL: src.url, CITYCREDIT_SECRET: SECRET, CITYCREDIT_DATA_DIR: join(dir, 'src-data') });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /备份完成/);
  assert.equal((await stat(backup)).mode & 0o777, 0o600);
  assert.deepEqual((await readdir(dir)).filter((f) => f.includes('partial')), [], 'no temporary file is left beside it');
  const raw = gunzipSync(await readFile(backup)).toString('utf8');
  const manifest = JSON.parse(raw.split('\n')[1]);
  assert.equal(manifest.keys.wrapped.kdf, 'scrypt');
  assert.ok(!raw.includes(SECRET), 'the secret is not in the file in the clear');
  const entry = await src.db.selectFrom('audit_log').selectAll().where('action', '=', 'db.backup').executeTakeFirstOrThrow();
  assert.equal(entry.actor_username, 'cli');
  assert.equal(entry.target, backup);
  const detail = entry.detail as { rows: number; rowCounts: Record<string, number>; secretIncluded: boolean };
  assert.equal(detail.secretIncluded, true);
  assert.equal(detail.rowCounts.subjects, await count(src.url, 'subjects'));
  assert.equal(detail.rows, manifest.tables.reduce((s: number, t: { rows: number }) => s + t.rows, 0));

  // A short passphrase is refused before anything is written.
  await writeFile(join(dir, 'short'), 'short\n');
  const short = await cli(['db', 'backup', join(dir, 'x.ccbak'), '--passphrase-file', join(dir, 'short')], { DATABASE_URL: src.url, CITYCREDIT_SECRET: SECRET });
  assert.equal(short.code, 1);
  assert.match(short.out, /口令太短/);
  assert.equal(existsSync(join(dir, 'x.ccbak')), false);
});

test('restore into a fresh data folder (embedded server): refused without the passphrase, then restored and verified with it', async () => {
  const data = join(dir, 'fresh');
  embeddedDirs.push(data);
  const env = { CITYCREDIT_DATA_DIR: data, EMBEDDED_PG_PORT: String(await freePort()) };

  // Without the passphrase the fresh instance has no secret that can read the data; with a wrong one neither.
  const none = await cli(['db', 'restore', backup], env);
  assert.equal(none.code, 1, none.out);
  assert.match(none.out, /backup_secret_required/);
  const wrong = await cli(['db', 'restore', backup, '--passphrase-file', join(dir, 'wrong-pass')], env);
  assert.equal(wrong.code, 1, wrong.out);
  assert.match(wrong.out, /口令不正确/);
  assert.equal(existsSync(data), false, 'nothing was written: not even the data folder');

  const ok = await cli(['db', 'restore', backup, '--passphrase-file', join(dir, 'pass')], env);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /恢复完成/);
  const instance = join(data, 'instance.json');
  assert.equal((await stat(instance)).mode & 0o777, 0o600);
  assert.equal(JSON.parse(await readFile(instance, 'utf8')).secret, SECRET, 'the original secret is installed');

  const verified = await cli(['db', 'verify', '--manifest', backup], env);
  assert.equal(verified.code, 0, verified.out);
  assert.match(verified.out, /✓ 加密数据可解密：抽样 [1-9]\d* 个加密值/);
  assert.match(verified.out, /✓ 行数/);
  assert.match(verified.out, /检查通过/);
});

test('restore into an existing empty database (DATABASE_URL) with the same secret; a wrong secret writes nothing', async () => {
  const name = await createTestDatabase({ migrated: false });
  dropLater.push(name);
  const url = urlFor(name);
  const env = { DATABASE_URL: url, CITYCREDIT_DATA_DIR: join(dir, 'ext-data') };

  const wrong = await cli(['db', 'restore', backup], { ...env, CITYCREDIT_SECRET: 'another-instance-secret-0123456789-abcdef' });
  assert.equal(wrong.code, 1, wrong.out);
  assert.match(wrong.out, /backup_secret_mismatch/);
  assert.equal(await tableCount(url), 0, 'refused before the database was touched (not even migrated)');

  // With the secret the source ran with, no passphrase is needed.
  const ok = await cli(['db', 'restore', backup], { ...env, CITYCREDIT_SECRET: SECRET });
  assert.equal(ok.code, 0, ok.out);
  assert.equal(await count(url, 'record_versions'), await count(src.url, 'record_versions'));
  const restoredAudit = await count(url, 'audit_log');
  assert.ok(restoredAudit > 0);

  const verified = await cli(['db', 'verify', '--manifest', backup], { ...env, CITYCREDIT_SECRET: SECRET });
  assert.equal(verified.code, 0, verified.out);

  // Restoring twice is refused: the target is no longer empty.
  const again = await cli(['db', 'restore', backup], { ...env, CITYCREDIT_SECRET: SECRET });
  assert.equal(again.code, 1);
  assert.match(again.out, /不是空库/);

  // verify fails with a clear report: a wrong secret, and a sequence behind the stored ids.
  const badSecret = await cli(['db', 'verify'], { ...env, CITYCREDIT_SECRET: 'another-instance-secret-0123456789-abcdef' });
  assert.equal(badSecret.code, 1, badSecret.out);
  assert.match(badSecret.out, /✗ 加密数据可解密/);
  // A record's current version is on the record (migration 20261208T0835w).
  assert.match(badSecret.out, /records\.pii_enc/);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`SELECT setval(pg_get_serial_sequence('subjects', 'id'), 1, false)`);
  await c.end();
  const badSeq = await cli(['db', 'verify', '--manifest', backup], { ...env, CITYCREDIT_SECRET: SECRET });
  assert.equal(badSeq.code, 1, badSeq.out);
  assert.match(badSeq.out, /✗ 序列/);
  assert.match(badSeq.out, /subjects\.id/);
});
