// Consistent backup and restore without pg_dump (the embedded binaries have none).
//
// Backup: one REPEATABLE READ, READ ONLY transaction COPYs every application table (text format,
// portable between PostgreSQL 15 and 18) into a gzip archive:
//   line 1  "CITYCREDIT-BACKUP 1"
//   line 2  the manifest (JSON): migrations, per table its columns, row count, byte length and SHA-256, and
//           the key material (keys.ts: a canary under the instance secret, the secret wrapped with a passphrase)
//   then    each table's COPY data, exactly `bytes` long, in manifest order.
// Restore: into an empty, migrated database of either kind, in one transaction, verifying every
// checksum before commit; then sequences are moved past the restored ids. Whether the secret the restored
// instance will run with can read the data is checked before anything is written.
// The backup and its temporary files hold personal data: they are created 0600.
import { createReadStream, createWriteStream } from 'node:fs';
import { access, chmod, constants, mkdtemp, rename, rm } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DbError } from './errors.ts';
import { shippedMigrations } from './index.ts';
import { backupKeys, canaryOpens, decrypts, ENCRYPTED_COLUMNS, type BackupKeys } from './keys.ts';

const MAGIC = 'CITYCREDIT-BACKUP 1';
// Not data: migration bookkeeping, and state a migration seeds and triggers keep (the measures catalogue's
// generation counter, like the API keys' one, is bumped again by the restored rows themselves).
/** Tables a backup leaves out. */
export const SKIP_TABLES: ReadonlySet<string> = new Set(['kysely_migration', 'kysely_migration_lock', 'sanction_measures_generation', 'api_keys_generation']);

export interface TableManifest {
  name: string;
  columns: string[];
  rows: number;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: 1;
  createdAt: string;
  serverVersion: string;
  migrations: string[];
  tables: TableManifest[];
  /** Key material (absent in backups made before issue 11, or without a secret). */
  keys?: BackupKeys;
}

export interface BackupOptions {
  /** The instance secret the data is encrypted under: the manifest gets a canary for it. */
  secret?: string;
  /** With a passphrase, the secret itself is carried, wrapped under a key derived from it. */
  passphrase?: string;
}

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function appTables(client: pg.ClientBase): Promise<Array<{ name: string; columns: string[] }>> {
  const { rows } = await client.query<{ table_name: string; columns: string[] }>(`
    SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.ordinal_position) AS columns
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND (c.is_generated = 'NEVER' OR c.is_generated IS NULL)
    GROUP BY c.table_name ORDER BY c.table_name`);
  return rows.filter((r) => !SKIP_TABLES.has(r.table_name)).map((r) => ({ name: r.table_name, columns: r.columns }));
}

/** Writes a consistent snapshot of the database at url to file (0600); returns the manifest. */
export async function backupDatabase(url: string, file: string, opts: BackupOptions = {}): Promise<BackupManifest> {
  // Derive the key material first: a wrong setup fails before the snapshot, and scrypt's cost is not spent inside it.
  const keys = opts.secret ? await backupKeys(opts.secret, opts.passphrase) : undefined;
  if (opts.passphrase !== undefined && !keys) throw new Error('a passphrase needs the instance secret');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // mkdtemp makes the folder 0700; the files in it are 0600 as well, and the archive is written beside its
  // final name (same file system) and renamed into place, so a reader never sees a half-written backup.
  const dir = await mkdtemp(join(tmpdir(), 'citycredit-backup-'));
  const partial = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const serverVersion = (await client.query<{ v: string }>('SHOW server_version')).rows[0].v;
    const migrations = (await client.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')).rows.map((r) => r.name);
    const tables: TableManifest[] = [];
    for (const t of await appTables(client)) {
      const hash = createHash('sha256');
      let bytes = 0;
      let rows = 0;
      const counter = new PassThrough({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          bytes += chunk.length;
          for (const b of chunk) if (b === 0x0a) rows++;
          cb(null, chunk);
        },
      });
      const src = client.query(copyTo(`COPY ${qi(t.name)} (${t.columns.map(qi).join(', ')}) TO STDOUT`));
      await pipeline(src, counter, createWriteStream(join(dir, `${t.name}.copy`), { mode: 0o600 }));
      tables.push({ name: t.name, columns: t.columns, rows, bytes, sha256: hash.digest('hex') });
    }
    await client.query('COMMIT');
    const manifest: BackupManifest = { format: 1, createdAt: new Date().toISOString(), serverVersion, migrations, tables, ...(keys ? { keys } : {}) };
    const gz = createGzip({ level: 6 });
    const out = createWriteStream(partial, { mode: 0o600, flags: 'wx' });
    const done = pipeline(gz, out);
    gz.write(`${MAGIC}\n${JSON.stringify(manifest)}\n`);
    for (const t of tables) {
      for await (const chunk of createReadStream(join(dir, `${t.name}.copy`))) {
        if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
      }
    }
    gz.end();
    await done;
    // The mode of a created file is masked by the umask; 0600 is never widened by it, but say it explicitly.
    await chmod(partial, 0o600);
    await rename(partial, file);
    return manifest;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    await rm(partial, { force: true });
    throw e;
  } finally {
    await client.end();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pulls exact byte counts and lines from a stream of chunks. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly it: AsyncIterator<Buffer>) {}
  private async fill(): Promise<boolean> {
    const r = await this.it.next();
    if (r.done) return false;
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }
  async line(max = 64 * 1024 * 1024): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf(0x0a);
      if (i >= 0) {
        const s = this.buf.subarray(0, i).toString('utf8');
        this.buf = this.buf.subarray(i + 1);
        return s;
      }
      if (this.buf.length > max || !(await this.fill())) throw new Error('备份文件格式错误（头部不完整）/ malformed backup header');
    }
  }
  /** Streams exactly n bytes to sink, respecting back-pressure. */
  async copyTo(n: number, sink: Writable, onChunk: (b: Buffer) => void): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!this.buf.length && !(await this.fill())) throw new Error('备份文件被截断 / backup file is truncated');
      const take = this.buf.subarray(0, Math.min(left, this.buf.length));
      this.buf = this.buf.subarray(take.length);
      left -= take.length;
      onChunk(take);
      if (!sink.write(take)) await new Promise((r) => sink.once('drain', r));
    }
  }
  async atEnd(): Promise<boolean> {
    return this.buf.length === 0 && !(await this.fill());
  }
}

/** Refuses a backup file that is missing or unreadable, with a message for a person. */
async function assertReadable(file: string): Promise<void> {
  await access(file, constants.R_OK).catch((e: NodeJS.ErrnoException) => {
    throw new DbError('backup_unreadable', `无法读取备份文件 ${file}（${e.code === 'ENOENT' ? '文件不存在' : (e.code ?? e.message)}）`);
  });
}

/** Reads only the manifest of a backup file. */
export async function readManifest(file: string): Promise<BackupManifest> {
  await assertReadable(file);
  const gunzip = createReadStream(file).pipe(createGunzip());
  const reader = new ByteReader(gunzip[Symbol.asyncIterator]());
  try {
    if ((await reader.line(1024)) !== MAGIC) throw new Error('不是 CityCredit 备份文件 / not a CityCredit backup');
    return JSON.parse(await reader.line()) as BackupManifest;
  } finally {
    gunzip.destroy();
  }
}

/** A sample of one encrypted column of a backup: the first values that are not NULL. */
export interface EncryptedSample {
  table: string;
  column: string;
  purpose: string;
  values: string[];
}

/** A backup whose checksums were verified, with samples of its encrypted columns. */
export interface InspectedBackup {
  manifest: BackupManifest;
  samples: EncryptedSample[];
}

const SAMPLE_SIZE = 20;

/** Collects the first non-NULL values of one column from a table's COPY text, across chunk borders. */
class ColumnSampler {
  private carry = '';
  readonly values: string[] = [];
  constructor(private readonly index: number) {}
  push(chunk: Buffer): void {
    if (this.values.length >= SAMPLE_SIZE) return;
    const lines = (this.carry + chunk.toString('latin1')).split('\n');
    this.carry = lines.pop()!;
    for (const line of lines) {
      const v = line.split('\t')[this.index];
      // Encrypted values are base64url, which COPY never escapes; \N is NULL.
      if (v !== undefined && v !== '\\N' && v !== '') this.values.push(v);
      if (this.values.length >= SAMPLE_SIZE) return;
    }
  }
}

/** Reads the whole file once and checks every table's length and SHA-256, writing nothing; samples encrypted columns. */
export async function inspectBackup(file: string): Promise<InspectedBackup> {
  await assertReadable(file);
  const gunzip = createReadStream(file).pipe(createGunzip());
  const reader = new ByteReader(gunzip[Symbol.asyncIterator]());
  const devNull = new Writable({ write: (_c, _e, cb) => cb() });
  try {
    if ((await reader.line(1024)) !== MAGIC) throw new Error('不是 CityCredit 备份文件 / not a CityCredit backup');
    const manifest = JSON.parse(await reader.line()) as BackupManifest;
    const samples: EncryptedSample[] = [];
    for (const t of manifest.tables) {
      const hash = createHash('sha256');
      const enc = ENCRYPTED_COLUMNS.find((c) => c.table === t.name && t.columns.includes(c.column));
      const sampler = enc ? new ColumnSampler(t.columns.indexOf(enc.column)) : null;
      await reader.copyTo(t.bytes, devNull, (b) => {
        hash.update(b);
        sampler?.push(b);
      });
      if (hash.digest('hex') !== t.sha256) throw new Error(`表 ${t.name} 的校验和不符，备份文件已损坏 / checksum mismatch`);
      if (enc && sampler) samples.push({ table: enc.table, column: enc.column, purpose: enc.purpose, values: sampler.values });
    }
    if (!(await reader.atEnd())) throw new Error('备份文件末尾有多余数据 / trailing data in backup');
    return { manifest, samples };
  } catch (e) {
    if ((e as { code?: string }).code === 'Z_DATA_ERROR' || (e as { code?: string }).code === 'Z_BUF_ERROR') {
      throw new Error('备份文件已损坏（压缩数据无效）/ backup file is corrupt', { cause: e });
    }
    throw e;
  } finally {
    gunzip.destroy();
  }
}

/** Reads the whole file once and checks every table's length and SHA-256, writing nothing. */
export async function verifyBackup(file: string): Promise<BackupManifest> {
  return (await inspectBackup(file)).manifest;
}

const NO_WRITE = '未写入任何数据。请用 --passphrase-file 指定备份时的口令（备份须带口令制作），或把原实例的 CITYCREDIT_SECRET 设置到本实例';

/** Refuses a backup whose encrypted data the given secret cannot read (canary and sampled values). */
export function assertSecretFits(b: InspectedBackup, secret: string): void {
  if (b.manifest.keys && !canaryOpens(b.manifest.keys, secret)) {
    throw new DbError('backup_secret_mismatch', `本实例的密钥与备份时的实例密钥不同，恢复后加密的个人信息、API 密钥和报告验证码将无法读取。${NO_WRITE}`);
  }
  for (const s of b.samples) {
    const bad = s.values.filter((v) => !decrypts(secret, v, s.purpose)).length;
    if (bad) {
      throw new DbError('backup_secret_mismatch', `备份中 ${s.table}.${s.column} 的 ${s.values.length} 个抽样加密值有 ${bad} 个无法用本实例的密钥解密。${NO_WRITE}`);
    }
  }
}

export interface RestoreOptions {
  /** The secret the restored instance will run with: a backup it cannot read is refused before anything is written. */
  secret?: string;
  /** The result of inspectBackup when the caller already ran it (the file is then not read an extra time). */
  inspected?: InspectedBackup;
  /** Runs inside the restore transaction once the target is known to be empty, before any row is loaded. */
  beforeLoad?: () => Promise<void>;
}

/** Restores a backup into the (migrated, empty) database at url, atomically; the file (and the secret) are checked first. */
export async function restoreDatabase(url: string, file: string, opts: RestoreOptions = {}): Promise<BackupManifest> {
  const inspected = opts.inspected ?? (await inspectBackup(file));
  if (opts.secret !== undefined) assertSecretFits(inspected, opts.secret);
  const gunzip = createReadStream(file).pipe(createGunzip());
  const reader = new ByteReader(gunzip[Symbol.asyncIterator]());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if ((await reader.line(1024)) !== MAGIC) throw new Error('不是 CityCredit 备份文件 / not a CityCredit backup');
    const manifest = JSON.parse(await reader.line()) as BackupManifest;
    const shipped = await shippedMigrations();
    const unknown = manifest.migrations.filter((m) => !shipped.includes(m));
    if (unknown.length) {
      throw new Error(`备份来自更新的版本，本程序缺少迁移：${unknown.join(', ')} / the backup needs migrations this build lacks`);
    }
    const applied = (await client.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')).rows.map((r) => r.name);
    if (applied.join() !== manifest.migrations.join()) {
      throw new Error(
        `目标数据库的迁移版本与备份不一致（备份 ${manifest.migrations.at(-1)}，目标 ${applied.at(-1) ?? '无'}）/ migration versions differ; restore into a database migrated to the same version`,
      );
    }
    const present = new Map((await appTables(client)).map((t) => [t.name, t.columns]));
    for (const t of manifest.tables) {
      if (!present.has(t.name)) throw new Error(`目标数据库缺少表 ${t.name} / missing table`);
    }
    await client.query('BEGIN');
    // Foreign keys are DEFERRABLE, so rows can arrive in any table order and self-references resolve at commit.
    await client.query('SET CONSTRAINTS ALL DEFERRED');
    for (const t of manifest.tables) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qi(t.name)}`);
      if (rows[0].n > 0) throw new Error(`目标数据库不是空库：表 ${t.name} 已有 ${rows[0].n} 行 / target database is not empty`);
    }
    await opts.beforeLoad?.();
    for (const t of manifest.tables) {
      const hash = createHash('sha256');
      const sink = client.query(copyFrom(`COPY ${qi(t.name)} (${t.columns.map(qi).join(', ')}) FROM STDIN`));
      const finished = new Promise<void>((resolve, reject) => {
        sink.on('finish', resolve);
        sink.on('error', reject);
      });
      await reader.copyTo(t.bytes, sink, (b) => hash.update(b));
      sink.end();
      await finished;
      if (hash.digest('hex') !== t.sha256) throw new Error(`表 ${t.name} 的校验和不符，备份文件已损坏 / checksum mismatch`);
    }
    if (!(await reader.atEnd())) throw new Error('备份文件末尾有多余数据 / trailing data in backup');
    // Move every serial/identity sequence past the restored ids.
    const seqs = await client.query<{ table_name: string; column_name: string }>(`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`);
    for (const s of seqs.rows) {
      if (SKIP_TABLES.has(s.table_name)) continue;
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${qi(s.column_name)}) FROM ${qi(s.table_name)}), 0) + 1, false)`,
        [s.table_name, s.column_name],
      );
    }
    await client.query('COMMIT');
    return manifest;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    gunzip.destroy();
    await client.end();
  }
}
