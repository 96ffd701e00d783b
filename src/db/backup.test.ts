// Backup → restore round trip gives identical data; a damaged or foreign file is refused, leaving the target empty.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { loadConfig } from '../config.ts';
import { seedDemo, seedDepartments } from '../shell/seed.ts';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import { encrypt } from './crypto.ts';
import { backupDatabase, readManifest, restoreDatabase, SKIP_TABLES } from './backup.ts';
import { backupKeys, unwrapSecret } from './keys.ts';
import type { Db } from './index.ts';

let src: TestDb;
let dir: string;
const opened: TestDb[] = [];

before(async () => {
  src = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'cc-backup-test-'));
  const config = loadConfig({ DEMO_PASSWORD: 'Demo-password-2026' });
  await seedDepartments(src.db, config);
  await seedDemo(src.db, config, { subjects: 300 });
  // Awkward values must survive: tabs, newlines, backslashes, quotes, NULLs, emoji, HTML.
  await src.db
    .insertInto('subjects')
    .values({ kind: 'legal', name: '测试\t制表\n换行\\反斜杠"引号\'<script>alert(1)</script>😀', uscc: null, legal_representative: null })
    .execute();
});

after(async () => {
  await src?.close();
  for (const t of opened) await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function fingerprint(db: Db): Promise<Record<string, string>> {
  const tables = await sql<{ t: string }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely%' ORDER BY 1`.execute(db);
  const out: Record<string, string> = {};
  // Every table the backup carries; the skipped ones are bookkeeping (a per-database counter), not data.
  for (const { t } of tables.rows.filter((x) => !SKIP_TABLES.has(x.t))) {
    const r = await sql<{ h: string | null; n: number }>`SELECT md5(string_agg(x::text, E'\n' ORDER BY x::text)) AS h, count(*)::int AS n FROM ${sql.table(t)} x`.execute(db);
    out[t] = `${r.rows[0].n}:${r.rows[0].h}`;
  }
  return out;
}

test('round trip: restore into an empty migrated database gives identical data and working sequences', async () => {
  const file = join(dir, 'a.ccbak');
  const m = await backupDatabase(src.url, file);
  assert.ok(m.tables.find((t) => t.name === 'subjects')!.rows >= 301);
  assert.deepEqual((await readManifest(file)).tables, m.tables);
  const dst = await createTestDb();
  opened.push(dst);
  await restoreDatabase(dst.url, file);
  assert.deepEqual(await fingerprint(dst.db), await fingerprint(src.db));
  // Sequences moved past restored ids: a new row does not collide.
  const r = await dst.db.insertInto('subjects').values({ kind: 'legal', name: '恢复后新增' }).returning('id').executeTakeFirstOrThrow();
  const max = await dst.db.selectFrom('subjects').select(sql<string>`max(id)`.as('m')).executeTakeFirstOrThrow();
  assert.equal(r.id, max.m);
});

test('restore refuses a non-empty target and leaves it unchanged', async () => {
  const file = join(dir, 'b.ccbak');
  await backupDatabase(src.url, file);
  await assert.rejects(restoreDatabase(src.url, file), /不是空库|not empty/);
});

test('a corrupted backup is refused and nothing is written', async () => {
  const file = join(dir, 'c.ccbak');
  await backupDatabase(src.url, file);
  const raw = gunzipSync(await readFile(file));
  // Flip one byte in the data section (after the two header lines).
  const headerEnd = raw.indexOf(0x0a, raw.indexOf(0x0a) + 1) + 1;
  const pos = headerEnd + Math.floor((raw.length - headerEnd) / 2);
  raw[pos] = raw[pos] === 0x41 ? 0x42 : 0x41;
  const bad = join(dir, 'c-bad.ccbak');
  await writeFile(bad, gzipSync(raw));
  const dst = await createTestDb();
  opened.push(dst);
  await assert.rejects(restoreDatabase(dst.url, bad), /校验和|checksum|COPY|invalid|syntax/i);
  const n = await dst.db.selectFrom('subjects').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  assert.equal(n.n, 0, 'the failed restore rolled back');
  // A truncated file, and a file that is no backup at all.
  const cut = join(dir, 'c-cut.ccbak');
  await writeFile(cut, gzipSync(raw.subarray(0, headerEnd + 100)));
  await assert.rejects(restoreDatabase(dst.url, cut), /截断|truncated|校验和/);
  const junk = join(dir, 'junk.ccbak');
  await writeFile(junk, gzipSync(Buffer.from('hello world\n')));
  await assert.rejects(restoreDatabase(dst.url, junk), /不是 CityCredit 备份文件/);
});

const SECRET = 'backup-test-secret-0123456789-abcdefghij';
const OTHER = 'another-secret-0123456789-abcdefghijklmno';

test('a backup is 0600 even over an existing world-readable file', async () => {
  const file = join(dir, 'mode.ccbak');
  await writeFile(file, 'old', { mode: 0o644 });
  await backupDatabase(src.url, file, { secret: SECRET });
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.ok((await readManifest(file)).keys?.canary, 'the manifest carries the key check');
});

test('the secret wrapped under a passphrase comes back only with that passphrase', async () => {
  const keys = await backupKeys(SECRET, '正确的口令 correct horse');
  assert.ok(!JSON.stringify(keys).includes(SECRET));
  assert.equal(await unwrapSecret(keys, '正确的口令 correct horse'), SECRET);
  await assert.rejects(unwrapSecret(keys, '错误的口令 wrong horse!!'), (e: Error & { code?: string }) => e.code === 'backup_passphrase_wrong');
  await assert.rejects(unwrapSecret(await backupKeys(SECRET), 'x'.repeat(12)), (e: Error & { code?: string }) => e.code === 'backup_secret_missing');
});

test('restore refuses a backup the secret cannot read, before writing: by the canary, or by sampled values in a backup without one', async () => {
  // An encrypted personal field under SECRET (a natural person's ID number).
  await src.db.insertInto('subjects').values({ kind: 'natural_person', name: '张三', id_enc: encrypt(SECRET, '630102198001011234', 'pii') }).execute();
  const dst = await createTestDb();
  opened.push(dst);
  const subjects = async () => (await dst.db.selectFrom('subjects').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;

  const withCanary = join(dir, 'canary.ccbak');
  await backupDatabase(src.url, withCanary, { secret: SECRET });
  await assert.rejects(restoreDatabase(dst.url, withCanary, { secret: OTHER }), (e: Error & { code?: string }) => e.code === 'backup_secret_mismatch' && /密钥/.test(e.message));
  assert.equal(await subjects(), 0, 'nothing was written');

  const old = join(dir, 'no-canary.ccbak');
  await backupDatabase(src.url, old);
  assert.equal((await readManifest(old)).keys, undefined);
  await assert.rejects(restoreDatabase(dst.url, old, { secret: OTHER }), (e: Error & { code?: string }) => e.code === 'backup_secret_mismatch' && /subjects\.id_enc/.test(e.message));
  assert.equal(await subjects(), 0, 'nothing was written');

  await restoreDatabase(dst.url, withCanary, { secret: SECRET });
  assert.equal(await subjects(), (await src.db.selectFrom('subjects').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n);
});
