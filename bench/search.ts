// Subject search latency on a real (embedded, throw-away) PostgreSQL, printed against the targets, never asserted.
// Run: `npm run bench -- search [--subjects N] [--queries N] [--batch N]` (defaults 1,000,000, 1,000 and 5,000).
//
//  1. N subjects COPYed into `subjects` (the row trigger computes name_norm and the bigrams, as for an import),
//     generated deterministically: generateSubjects (src/domains/subjects/demo.ts) for the first 40,000 — its
//     vocabulary gives about 60,000 distinct names, and past that it spends 20 attempts per subject before it
//     numbers duplicates — and, for the rest, the same names with a two-character 字号 drawn from their own
//     characters inserted after the first two characters, with their own valid USCCs;
//  2. the backfill (traditional → simplified, pinyin initials), then VACUUM ANALYZE;
//  3. one client, first pages through searchSubjects (every tier, as the API runs it): 2-, 3- and 4-character
//     fragments cut at random places from random stored names, letters-only pinyin prefixes, exact USCCs
//     (full search path and the bare unique-index look-up), and second pages of common fragments.
// The server runs in a temporary folder on a free port; it is stopped and the folder removed at the end,
// on error and on Ctrl-C.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDb, migrate, type Db } from '../src/db/index.ts';
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.ts';
import { generateUscc, regionChildren } from '../src/domains/codes/index.ts';
import { generateSubjects, personName } from '../src/domains/subjects/demo.ts';
import { findByUscc } from '../src/domains/subjects/subjects.repository.ts';
import { backfillSearchColumns, searchSubjects } from '../src/domains/subjects/subjects.service.ts';
import { mulberry32 } from '../src/platform/random.ts';
import { arg, fmt, fragments, freePort, onInterrupt, percentiles, removeFolders } from './lib.ts';

const SEED = 20261128;
const BASE = 40_000;
const TARGET = { p95: 30, p99: 60, usccP99: 5 };

let T0 = performance.now();
const log = (msg: string) => console.log(`[${((performance.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

/** COPY text-format escaping (names carry no tabs, but an honest loader escapes anyway). */
const esc = (v: string | null) => (v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

/** COPY lines of n subjects, deterministic for SEED (see the header). */
export function* subjectLines(n: number): Generator<string> {
  const districts = regionChildren('630100');
  const base = generateSubjects(Math.min(n, BASE), { seed: SEED, cityShort: '西宁', districts });
  const line = (kind: string, name: string, uscc: string, rep: string, region: string, reg: string) =>
    [kind, esc(name), uscc, esc(rep), region, reg].join('\t') + '\n';
  const names = new Set<string>();
  const codes = new Set<string>();
  for (const s of base) {
    names.add(s.name);
    codes.add(s.uscc);
    yield line(s.kind, s.name, s.uscc, s.legalRepresentative, s.regionCode, s.registeredOn);
  }
  const pool = [...new Set(base.flatMap((s) => [...s.name]).filter((c) => /\p{Script=Han}/u.test(c)))];
  const rng = mulberry32(SEED + 1);
  let made = base.length;
  while (made < n) {
    const b = base[Math.floor(rng() * base.length)];
    const mark = pool[Math.floor(rng() * pool.length)] + pool[Math.floor(rng() * pool.length)];
    const cs = [...b.name];
    const name = cs.slice(0, 2).join('') + mark + cs.slice(2).join('');
    if (names.has(name)) continue;
    const uscc = generateUscc(rng, { prefix: b.uscc.slice(0, 2), region: b.regionCode });
    if (codes.has(uscc)) continue;
    names.add(name);
    codes.add(uscc);
    made++;
    yield line(b.kind, name, uscc, personName(rng), b.regionCode, b.registeredOn);
  }
}

export async function load(pool: pg.Pool, n: number): Promise<void> {
  const client = await pool.connect();
  try {
    const stream = client.query(copyFrom('COPY subjects (kind, name, uscc, legal_representative, region_code, registered_on) FROM STDIN'));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    let buf = '';
    let i = 0;
    for (const l of subjectLines(n)) {
      buf += l;
      if (++i % 5000 === 0) {
        if (!stream.write(buf)) await new Promise((r) => stream.once('drain', r));
        buf = '';
      }
      if (i % 200_000 === 0) log(`  … ${fmt(i)} rows sent`);
    }
    stream.end(buf);
    await done;
  } finally {
    client.release();
  }
}

async function time<T>(xs: readonly T[], f: (x: T) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (const x of xs) {
    const t = performance.now();
    await f(x);
    out.push(performance.now() - t);
  }
  return out;
}

/** Runs the benchmark and prints its figures. */
export async function run(args: string[]): Promise<void> {
  const n = arg(args, 'subjects', 1_000_000);
  const q = arg(args, 'queries', 1_000);
  const batch = arg(args, 'batch', 5_000);
  T0 = performance.now();
  const pgDir = await mkdtemp(join(tmpdir(), 'citycredit-bench-search-'));
  let server: EmbeddedServer | null = null;
  let db: Db | null = null;
  const finish = onInterrupt(`stopping PostgreSQL and removing ${pgDir}`, async () => {
    await db?.destroy().catch(() => undefined);
    await server?.stop().catch((e) => console.error(`stopping PostgreSQL failed: ${String(e)}`));
    await removeFolders(pgDir);
  });

  try {
    console.log(`search benchmark: ${fmt(n)} subjects, ${fmt(q)} queries per kind; Node ${process.version}`);
    server = await startEmbedded({ dataDir: pgDir, port: await freePort(), database: 'bench' });
    const conn = createDb(server.url('bench'), 4);
    db = conn.db;
    const pool = conn.pool;
    await migrate(db);
    const version = (await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db)).rows[0].v;
    log(`embedded PostgreSQL ${version} on port ${server.port}, migrated`);

    let t = performance.now();
    await load(pool, n);
    const loadS = (performance.now() - t) / 1000;
    log(`COPY ${fmt(n)} subjects (row trigger: SQL normalisation + bigrams, indexes live): ${loadS.toFixed(1)} s, ${fmt(n / loadS)} rows/s`);

    t = performance.now();
    let last = 0;
    const filled = await backfillSearchColumns(db, {
      batchSize: batch,
      waitForOthersMs: 0,
      onProgress: (d) => {
        if (d - last >= 200_000) {
          last = d;
          log(`  … backfill ${fmt(d)}`);
        }
      },
    });
    const fillS = (performance.now() - t) / 1000;
    log(`backfill (opencc + pinyin-pro, batches of ${fmt(batch)}): ${fmt(filled)} rows in ${fillS.toFixed(1)} s, ${fmt(filled / fillS)} rows/s`);
    t = performance.now();
    await sql`VACUUM ANALYZE subjects`.execute(db);
    const size = (await sql<{ t: string; gin: string; norm: string }>`SELECT pg_size_pretty(pg_total_relation_size('subjects')) AS t,
      pg_size_pretty(pg_relation_size('subjects_name_bigrams_idx')) AS gin, pg_size_pretty(pg_relation_size('subjects_name_norm_idx')) AS norm`.execute(db)).rows[0];
    log(`VACUUM ANALYZE ${((performance.now() - t) / 1000).toFixed(1)} s; subjects ${size.t} in all, bigram GIN ${size.gin}, name_norm B-tree ${size.norm}`);

    await sql`SELECT setseed(0.20261128)`.execute(db);
    const sample = (await sql<{ name: string; uscc: string; pinyin_initials: string }>`
      SELECT name, uscc, pinyin_initials FROM subjects ORDER BY random() LIMIT ${Math.max(3 * q, 3000)}`.execute(db)).rows;
    const names = sample.map((r) => r.name);
    const rng = mulberry32(SEED + 2);
    const runs: Array<{ label: string; target: 'search' | 'uscc' | 'info'; ms: number[]; hits: number }> = [];
    const measure = async (label: string, target: 'search' | 'uscc' | 'info', inputs: string[], f: (x: string) => Promise<number>) => {
      await time(inputs.slice(0, 50), f); // warm-up: plans, caches, JIT
      let hits = 0;
      const ms = await time(inputs, async (x) => (hits += await f(x)));
      runs.push({ label, target, ms, hits });
      log(`measured ${label}`);
    };
    const search = async (x: string) => (await searchSubjects(db!, x)).items.length;

    for (const len of [2, 3, 4]) await measure(`${len}-character fragments`, 'search', fragments(names, len, q, rng), search);
    const initials = sample.map((r) => r.pinyin_initials).filter((p) => p.length >= 4);
    await measure('pinyin initials (2–4 letters)', 'search', Array.from({ length: q }, (_, i) => initials[i % initials.length].slice(0, 2 + (i % 3))), search);
    const usccs = sample.slice(0, q).map((r) => r.uscc);
    await measure('USCC, full search path', 'uscc', usccs, search);
    await measure('USCC, unique index only', 'uscc', usccs, async (x) => (await findByUscc(db!, x)).length);
    const common = fragments(names, 2, Math.min(q, 300), rng);
    const cursors: Array<{ q: string; c: string }> = [];
    for (const c of common) {
      const r = await searchSubjects(db, c);
      if (r.nextCursor) cursors.push({ q: c, c: r.nextCursor });
    }
    const byQ = new Map(cursors.map((c) => [c.q + '\u0000' + c.c, c]));
    await measure('second pages (2-character)', 'info', [...byQ.keys()], async (k) => {
      const c = byQ.get(k)!;
      return (await searchSubjects(db!, c.q, c.c)).items.length;
    });

    const f = (x: number) => x.toFixed(2).padStart(8);
    console.log('\nlatency in ms (one client, first page of 20 unless noted; targets: search p95 ≤ 30, p99 ≤ 60; USCC p99 ≤ 5)');
    console.log(`${'query'.padEnd(34)}${'n'.padStart(6)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}  avg hits  verdict`);
    for (const r of runs) {
      const s = percentiles(r.ms);
      const verdict =
        r.target === 'search' ? (s.p95 <= TARGET.p95 && s.p99 <= TARGET.p99 ? 'meets' : 'MISSES') : r.target === 'uscc' ? (s.p99 <= TARGET.usccP99 ? 'meets' : 'MISSES') : '';
      console.log(`${r.label.padEnd(34)}${String(s.n).padStart(6)}${f(s.p50)}${f(s.p95)}${f(s.p99)}${f(s.max)}${(r.hits / s.n).toFixed(1).padStart(10)}  ${verdict}`);
    }
  } finally {
    await finish();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
