// The readers of records' current versions, timed at a realistic size (issue 18): after the version model moved a
// record's current content onto the record row (migration 20261208T0835w), a reader that still joins the
// record_versions view on current_version makes the planner scan every record. This prints each reader's time so
// that such a regression is visible. Printed, never asserted.
// Run: `npm run bench -- readers [--records N] [--rounds N] [--data-dir DIR]`
// (defaults 300,000 records, 3 timed rounds per reader after one warm-up (the publicity job, which also writes, is
// timed once); with --data-dir the loaded database is
// kept in DIR and reused by the next run with the same folder, so a reader can be timed again without reloading).
//
// Load: --records 行政处罚 rows (GB18030 CSV, penaltyCsvChunks: 3% invalid, 2% duplicates) imported through
// importFile in files of 100,000 rows, then a correction file re-sending every 10th valid row with a changed 备注
// (each such record gets a second version, its first moves to record_history), then VACUUM ANALYZE.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type { Db } from '../src/db/index.ts';
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.ts';
import { findActiveItem } from '../src/domains/catalog/catalog.repository.ts';
import type { CatalogItem } from '../src/domains/catalog/catalog.schemas.ts';
import { PENALTY_HEADERS, csvEscape, generatePenaltyRows } from '../src/domains/ingest/fixtures.ts';
import { encodeGb18030 } from '../src/domains/ingest/gb18030.ts';
import { importFile } from '../src/domains/ingest/import.service.ts';
import { recordCountsByField } from '../src/domains/ingest/field.stats.ts';
import { batchRecords as listFeedBatchRecords } from '../src/domains/ingest/listfeed.ts';
import { batchRecords, getRecord, listRecords } from '../src/domains/ingest/ingest.repository.ts';
import { rejectionCorrections } from '../src/domains/ingest/stats.ts';
import { refreshPublicity } from '../src/domains/publicity/publicity.service.ts';
import { repairFactsOfRecords, repairFactsOfSubject } from '../src/domains/publicity/repair.ts';
import { arg, close, createBenchDatabase, fmt, freePort, onInterrupt, percentiles, removeFolders, write } from './lib.ts';

const SEED = 20261207;
const SECRET = 'bench-readers-secret-0123456789-abcdefghij';
const FILE_ROWS = 100_000;
/** Every CORRECT_EVERY-th valid, non-duplicate row is sent again with a changed 备注 (a second version). */
const CORRECT_EVERY = 10;

const secs = (ms: number) => (ms / 1000).toFixed(1);
let T0 = performance.now();
const log = (msg: string) => console.log(`[${secs(performance.now() - T0)}s] ${msg}`);

function stringArg(args: string[], name: string): string | null {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? null : (args[i + 1] ?? null);
}

/** Writes rows (cells in PENALTY_HEADERS order) as a GB18030 CSV. */
async function writeCsv(path: string, rows: Iterable<string[]>): Promise<void> {
  const out = createWriteStream(path);
  await write(out, encodeGb18030(PENALTY_HEADERS.map(csvEscape).join(',') + '\r\n'));
  let text = '';
  for (const cells of rows) {
    text += cells.map(csvEscape).join(',') + '\r\n';
    if (text.length > 1 << 19) {
      await write(out, encodeGb18030(text));
      text = '';
    }
  }
  if (text) await write(out, encodeGb18030(text));
  await close(out);
}

/** Loads the records (see the module comment) unless the database holds them already. */
async function load(db: Db, pool: import('pg').Pool, item: CatalogItem, departmentId: number, n: number, tmp: string): Promise<void> {
  const have = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM records`.execute(db)).rows[0].n;
  if (have > 0) {
    log(`database already holds ${fmt(have)} records: not loading again`);
    return;
  }
  const files = Math.ceil(n / FILE_ROWS);
  // One generator over all N rows, cut into files, so the document numbers never repeat between files.
  const rows = generatePenaltyRows(n, SEED, { invalidRate: 0.03, duplicateRate: 0.02 });
  const take = function* (k: number) {
    for (let i = 0; i < k; i++) {
      const r = rows.next();
      if (r.done) return;
      yield r.value.cells;
    }
  };
  for (let f = 0; f < files; f++) {
    const path = join(tmp, `penalty-${f + 1}.csv`);
    await writeCsv(path, take(Math.min(FILE_ROWS, n - f * FILE_ROWS)));
    const t = performance.now();
    const r = await importFile({ db, pool, secret: SECRET, item, departmentId, channel: 'cli', path });
    await rm(path, { force: true });
    log(`import ${f + 1}/${files}: ${r.status}, ${fmt(r.new)} new, ${fmt(r.rejected)} rejected in ${secs(performance.now() - t)} s`);
  }
  // The correction file: the same generator again (same seed, same rows), every 10th clean row with a new 备注.
  const bz = PENALTY_HEADERS.indexOf('备注');
  const corrections = (function* () {
    let k = 0;
    for (const r of generatePenaltyRows(n, SEED, { invalidRate: 0.03, duplicateRate: 0.02 })) {
      if (r.defect || r.duplicateOf !== null || k++ % CORRECT_EVERY) continue;
      const cells = [...r.cells];
      cells[bz] = '更正：当事人已履行完毕';
      yield cells;
    }
  })();
  const path = join(tmp, 'penalty-corrections.csv');
  await writeCsv(path, corrections);
  const t = performance.now();
  const r = await importFile({ db, pool, secret: SECRET, item, departmentId, channel: 'cli', path });
  await rm(path, { force: true });
  log(`correction import: ${r.status}, ${fmt(r.updated)} records with a second version, ${fmt(r.new)} new in ${secs(performance.now() - t)} s`);
  const tv = performance.now();
  await sql`VACUUM ANALYZE`.execute(db);
  log(`VACUUM ANALYZE ${secs(performance.now() - tv)} s`);
}

/** Runs the benchmark and prints its figures; see the module comment. */
export async function run(args: string[]): Promise<void> {
  const n = arg(args, 'records', 300_000);
  const rounds = arg(args, 'rounds', 3);
  const keep = stringArg(args, 'data-dir');
  T0 = performance.now();
  const pgDir = keep ?? (await mkdtemp(join(tmpdir(), 'citycredit-bench-readers-pg-')));
  if (keep && !existsSync(keep)) await mkdir(keep, { recursive: true });
  const tmp = await mkdtemp(join(tmpdir(), 'citycredit-bench-readers-files-'));
  let server: EmbeddedServer | null = null;
  let d: Awaited<ReturnType<typeof createBenchDatabase>> | null = null;
  const finish = onInterrupt(`stopping PostgreSQL${keep ? '' : ` and removing ${pgDir}`}, removing ${tmp}`, async () => {
    await d?.db.destroy().catch(() => undefined);
    await d?.pool.end().catch(() => undefined);
    await server?.stop().catch((e) => console.error(`stopping PostgreSQL failed: ${String(e)}`));
    await removeFolders(tmp, ...(keep ? [] : [pgDir]));
  });
  try {
    server = await startEmbedded({ dataDir: pgDir, port: await freePort(), database: 'bench' });
    d = await createBenchDatabase(server, 'bench');
    const item = await findActiveItem(d.db, '行政处罚');
    if (!item) throw new Error('行政处罚 catalogue item missing');
    console.log(`readers benchmark: ${fmt(n)} 行政处罚 records${keep ? `, database kept in ${keep}` : ''}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    await load(d.db, d.pool, item, d.departmentId, n, tmp);
    await timeReaders(d.db, rounds);
  } finally {
    await finish();
  }
}

/** Times each reader of a record's current version on the loaded database. */
async function timeReaders(db: Db, rounds: number): Promise<void> {
  const counts = (
    await sql<{ records: number; history: number; batches: number }>`
      SELECT (SELECT count(*) FROM records)::int AS records, (SELECT count(*) FROM record_history)::int AS history,
             (SELECT count(*) FROM ingest_batches)::int AS batches`.execute(db)
  ).rows[0];
  // The correction batch (the last committed) and a first-import batch; a corrected record and its subject.
  const batches = (await sql<{ id: string }>`SELECT id::text AS id FROM ingest_batches WHERE status = 'committed' ORDER BY id`.execute(db)).rows.map((r) => r.id);
  const corrBatch = batches[batches.length - 1];
  const firstBatch = batches[0];
  const corrected = (
    await sql<{ id: string; subject_id: string }>`
      SELECT r.id::text AS id, r.subject_id::text AS subject_id FROM records r
       WHERE r.current_version = 2 AND r.subject_id IS NOT NULL ORDER BY r.id LIMIT 1`.execute(db)
  ).rows[0];
  const someIds = (await sql<{ id: string }>`SELECT id::text AS id FROM records ORDER BY id DESC LIMIT 50`.execute(db)).rows.map((r) => r.id);
  const specs = (await sql<{ id: string }>`SELECT id::text AS id FROM ingest_batches WHERE rejected > 0 ORDER BY id`.execute(db)).rows.map((r) => ({
    batchId: r.id,
    authorityIndex: PENALTY_HEADERS.indexOf('处罚机关统一社会信用代码'),
    authorityDefault: null,
    docIndex: PENALTY_HEADERS.indexOf('行政处罚决定书文号'),
  }));
  console.log(
    `\n${fmt(counts.records)} records, ${fmt(counts.history)} superseded versions in record_history, ${fmt(counts.batches)} batches; ` +
      `${rounds} timed rounds per reader after one warm-up (the publicity job once); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  );
  // [label, reader, timed once] — the publicity job decides and writes every record of a batch: seconds, not ms.
  const readers: Array<[string, () => Promise<unknown>, boolean?]> = [
    [`publicity: refreshPublicity of the correction batch (${corrBatch})`, () => refreshPublicity(db, SECRET, { batchId: corrBatch }), true],
    [`publicity: refreshPublicity of a first-import batch (${firstBatch})`, () => refreshPublicity(db, SECRET, { batchId: firstBatch }), true],
    ['publicity: repairFactsOfSubject (a corrected record\'s subject)', () => repairFactsOfSubject(db, SECRET, corrected.subject_id)],
    ['publicity: repairFactsOfRecords (50 records)', () => repairFactsOfRecords(db, SECRET, someIds)],
    ['ingest: listfeed batchRecords (the correction batch)', () => listFeedBatchRecords(db, corrBatch)],
    ['ingest: recordCountsByField (penalty, 处罚类别, 2025)', () => recordCountsByField(db, 'penalty', 'CF_CFLB', '2025-01-01', '2026-01-01')],
    [`ingest: rejectionCorrections (${specs.length} rejecting batches)`, () => rejectionCorrections(db, specs)],
    ['ingest: listRecords (first page, all departments)', () => listRecords(db, null, { limit: 50 })],
    ['ingest: listRecords (document-number fragment)', () => listRecords(db, null, { q: '〔2026〕1', limit: 50 })],
    ['ingest: getRecord (a corrected record, 2 versions)', () => getRecord(db, corrected.id)],
    ['ingest: batchRecords receipt page (the correction batch)', () => batchRecords(db, corrBatch, 0, 100)],
  ];
  console.log(`\n  ${'reader'.padEnd(72)}${'p50'.padStart(10)}${'max'.padStart(10)}`);
  for (const [label, fn, once] of readers) {
    if (!once) await fn();
    const ms: number[] = [];
    for (let i = 0; i < (once ? 1 : rounds); i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    const s = percentiles(ms);
    console.log(`  ${label.padEnd(72)}${`${s.p50.toFixed(1)} ms`.padStart(10)}${`${s.max.toFixed(1)} ms`.padStart(10)}`);
  }
  console.log(`\n  load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes share these cores)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
