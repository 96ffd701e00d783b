// Search lag (issue 18): how long after an import's commit its new subjects become searchable by name. Called by
// bench/import.ts right after the big CSV import; `npm run bench -- searchlag [--rows N]` runs it on its own
// (a fresh embedded PostgreSQL, one generated CSV import, then the measurement).
//
// What is measured: the server's own indexer (startSearchIndexer, the `subject-search` service job, with its
// defaults) is started the moment the import has returned, i.e. just after its COMMIT (before, it would have
// found nothing to do: an uncommitted batch is invisible to it). Each indexer batch reports when it committed and
// how many subjects it completed; a subject's lag is the time from the import's return to that commit. p50 and
// p100 are over subjects (the target, p100 ≤ 60 s, is the last subject of the batch). Starting the clock at the
// return rather than at the COMMIT itself understates the lag by the few milliseconds between the two.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../src/db/index.ts';
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.ts';
import { findActiveItem } from '../src/domains/catalog/catalog.repository.ts';
import { penaltyCsvChunks } from '../src/domains/ingest/fixtures.ts';
import { importFile } from '../src/domains/ingest/import.service.ts';
import { startSearchIndexer } from '../src/domains/subjects/subjects.service.ts';
import { arg, close, createBenchDatabase, fmt, freePort, onInterrupt, removeFolders, write } from './lib.ts';

/** What measureSearchLag found: seconds from the commit until the subjects were searchable by name. */
export interface SearchLag {
  subjects: number;
  p50: number;
  p100: number;
  /** Wall seconds, Node CPU seconds and the CPU seconds of this database's PostgreSQL backends during the indexing. */
  wall: number;
  nodeCpu: number;
  pgCpu: number;
}

/** CPU ticks (utime + stime, USER_HZ 100) of each backend connected to this database now (Linux /proc). */
async function backendTicks(db: Db): Promise<Map<number, number>> {
  const r = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db);
  const out = new Map<number, number>();
  for (const { pid } of r.rows) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      out.set(pid, Number(f[11]) + Number(f[12]));
    } catch {
      // a backend that has just exited
    }
  }
  return out;
}

/** Whether a subject still waits for its search columns (one probe of the pending index, not a count). */
const anyPending = async (db: Db) => (await sql`SELECT 1 FROM subjects WHERE pinyin_initials IS NULL LIMIT 1`.execute(db)).rows.length > 0;

/**
 * Starts the search indexer now (call it right after an import returned), waits until no subject is pending,
 * and returns the lag of the subjects it completed; see the module comment.
 */
export async function measureSearchLag(db: Db, pool: pg.Pool): Promise<SearchLag> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ticks0 = await backendTicks(db);
  const batches: Array<{ at: number; n: number }> = [];
  const indexer = startSearchIndexer(db, pool, {}, { onBatch: (ids) => batches.push({ at: performance.now() - t0, n: ids.length }) });
  try {
    // The indexer starts with a pass of its own; wait for the work list to be empty, then for the pass in hand.
    while (await anyPending(db)) await new Promise((r) => setTimeout(r, 100));
    await indexer.idle();
  } finally {
    await indexer.stop();
  }
  const cpu = process.cpuUsage(cpu0);
  // The indexer's pooled connections stay open while it works, so their CPU is counted (a backend that exited
  // meanwhile would be missed: the figure is a lower bound).
  let pgTicks = 0;
  for (const [pid, t] of await backendTicks(db)) pgTicks += t - (ticks0.get(pid) ?? 0);
  const subjects = batches.reduce((a, b) => a + b.n, 0);
  // Percentiles over subjects: each batch's commit time counts once per subject it completed.
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil((p / 100) * subjects));
    let seen = 0;
    for (const b of [...batches].sort((x, y) => x.at - y.at)) {
      seen += b.n;
      if (seen >= rank) return b.at / 1000;
    }
    return 0;
  };
  return { subjects, p50: at(50), p100: at(100), wall: (performance.now() - t0) / 1000, nodeCpu: (cpu.user + cpu.system) / 1e6, pgCpu: pgTicks / 100 };
}

/** Measures and prints the search lag after an import (bench/import.ts calls this after the big CSV import). */
export async function printSearchLag(db: Db, pool: pg.Pool): Promise<SearchLag> {
  const lag = await measureSearchLag(db, pool);
  const perSubject = (s: number) => `${lag.subjects ? ((s * 1e6) / lag.subjects).toFixed(0) : '-'} µs/subject`;
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(
    `  search lag: ${fmt(lag.subjects)} new subjects searchable by name p50 ${lag.p50.toFixed(1)} s, p100 ${lag.p100.toFixed(1)} s after the commit ` +
      `(target p100 ≤ 60 s: ${lag.p100 <= 60 ? 'met' : 'MISSED'}); indexer ${fmt(lag.subjects / Math.max(lag.wall, 1e-3))} subjects/s, ` +
      `CPU Node ${lag.nodeCpu.toFixed(1)} s (${perSubject(lag.nodeCpu)}), PostgreSQL ${lag.pgCpu.toFixed(1)} s (${perSubject(lag.pgCpu)}); load average ${load}`,
  );
  return lag;
}

/** Standalone: one CSV import of `--rows` penalty rows (default 200,000) into a fresh database, then the lag. */
export async function run(args: string[]): Promise<void> {
  const rows = arg(args, 'rows', 200_000);
  const pgDir = await mkdtemp(join(tmpdir(), 'citycredit-bench-pg-'));
  const tmp = await mkdtemp(join(tmpdir(), 'citycredit-bench-files-'));
  let server: EmbeddedServer | null = null;
  let d: Awaited<ReturnType<typeof createBenchDatabase>> | null = null;
  const finish = onInterrupt(`stopping PostgreSQL and removing ${pgDir} and ${tmp}`, async () => {
    await d?.db.destroy().catch(() => undefined);
    await d?.pool.end().catch(() => undefined);
    await server?.stop().catch((e) => console.error(`stopping PostgreSQL failed: ${String(e)}`));
    await removeFolders(tmp, pgDir);
  });
  try {
    server = await startEmbedded({ dataDir: pgDir, port: await freePort(), database: 'bench' });
    d = await createBenchDatabase(server, 'bench');
    const item = await findActiveItem(d.db, '行政处罚');
    if (!item) throw new Error('行政处罚 catalogue item missing');
    const path = join(tmp, 'penalty.csv');
    const out = createWriteStream(path);
    for (const chunk of penaltyCsvChunks(rows, 20261128, { invalidRate: 0.03, duplicateRate: 0.02, encoding: 'gb18030', rowsPerChunk: 5000 })) await write(out, chunk);
    await close(out);
    const t = performance.now();
    const r = await importFile({ db: d.db, pool: d.pool, secret: 'bench-searchlag-secret-0123456789-abcdef', item, departmentId: d.departmentId, channel: 'cli', path });
    console.log(`import of ${fmt(rows)} rows: ${r.status}, ${fmt(r.new)} new records in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await printSearchLag(d.db, d.pool);
  } finally {
    await finish();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
