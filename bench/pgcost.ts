// Where PostgreSQL's CPU goes when an import writes (issue 18): printed, never asserted.
// Run: `npm run bench -- pgcost [--rows N] [--repeat N] [--imports-only 1]` (defaults 200,000 rows and 1: each variant is run N
// times, each time next to a run of the table as it is; --imports-only 1 stops after step 1, for iterating on the merge).
//
//  1. imports a GB18030 penalty CSV of N rows (the import bench's generator and seed) twice into a source
//     database through importFile, printing the CPU per row of each import (Node's main thread, Node's other
//     threads — the parse worker —, PostgreSQL), its merge statements, and the second import's time and CPU
//     against the first's (issue 18: the second import of the same file ≤ 0.5× the first, adding nothing);
//  2. takes what the first import wrote (`COPY (SELECT …) TO STDOUT`): the record rows, the new subjects and
//     their legacy-code links;
//  3. on a scratch database with the real schema (migrated, empty), writes the same rows again the way the merge
//     does (COPY records; INSERT … SELECT FROM unnest … ON CONFLICT DO NOTHING in chunks of 10,000 for subjects
//     and subject_identifiers) with, in turn, the table as it is, each index, each check constraint and each
//     trigger removed, and a bare table of the same columns; each variant runs in a transaction that is rolled
//     back, next to a run of the table as it is, and prints the backend's CPU (/proc/<pid>/stat) in µs/row and
//     the difference, which is what the removed object costs;
//  4. EXPLAIN (ANALYZE, BUFFERS) of the look-ups a second import of the same file runs per chunk (record keys,
//     USCCs, ID hashes, the legacy-code links and name variants), on the source database after both imports.
// The server runs in a temporary folder on a free port and is stopped, and its folder removed, at the end,
// on error and on Ctrl-C.
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { findActiveItem } from '../src/domains/catalog/catalog.repository.ts';
import { penaltyCsvChunks } from '../src/domains/ingest/fixtures.ts';
import { importFile } from '../src/domains/ingest/import.service.ts';
import { arg, close, createBenchDatabase, fmt, openBenchWorkspace, write } from './lib.ts';

const SEED = 20261128;
const GEN = { invalidRate: 0.03, duplicateRate: 0.02 };
const SECRET = 'bench-import-secret-0123456789-abcdefghij';
const CHUNK = 10_000;

/** CPU seconds of Node's main thread alone (Linux /proc/self/task/<pid>/stat: utime, stime). */
function mainThreadCpu(): number {
  const text = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Node's CPU seconds, all threads. */
const nodeCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU seconds of one process so far (utime + stime; Linux /proc, USER_HZ 100). */
function cpuOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds of the postmaster's whole family (backends, WAL writer, checkpointer, reaped children). */
function serverCpu(postmasterPid: number): number {
  const ticks = (f: string[]) => Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  const stat = (pid: string | number) => {
    try {
      const t = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return t.slice(t.lastIndexOf(')') + 2).split(' ');
    } catch {
      return null;
    }
  };
  let total = ticks(stat(postmasterPid) ?? []);
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const f = stat(pid);
    if (f && Number(f[1]) === postmasterPid) total += ticks(f);
  }
  return total / 100;
}

/** A COPY TO STDOUT collected in memory (a few hundred MiB at most for the bench's sizes). */
async function copyOut(client: pg.PoolClient, statement: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    client.query(copyTo(statement)),
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

/** Streams a buffer into COPY … FROM STDIN in 1 MiB pieces. */
async function copyIn(client: pg.PoolClient, statement: string, data: Buffer): Promise<void> {
  const stream = client.query(copyFrom(statement));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  for (let at = 0; at < data.length; at += 1 << 20) {
    if (!stream.write(data.subarray(at, Math.min(data.length, at + (1 << 20))))) await new Promise((r) => stream.once('drain', r));
  }
  stream.end();
  await done;
}

/** One way of removing an object for a variant: a label and the DDL (run inside the variant's transaction). */
interface Variant {
  label: string;
  ddl: string[];
  /** The statement(s) to run instead of the default write (e.g. into a bare table). */
  write?: (client: pg.PoolClient) => Promise<void>;
}

/** Indexes, check constraints and triggers of a table, as variants that each remove one. */
async function variantsOf(client: pg.PoolClient, table: string, keep: ReadonlySet<string>): Promise<Variant[]> {
  const out: Variant[] = [];
  const idx = await client.query<{ name: string; con: string | null; def: string }>(
    `SELECT i.relname AS name, c.conname AS con, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid WHERE x.indrelid = $1::regclass ORDER BY i.relname`,
    [table],
  );
  for (const i of idx.rows) {
    if (keep.has(i.name)) continue;
    out.push({ label: `without index ${i.name}`, ddl: [i.con ? `ALTER TABLE ${table} DROP CONSTRAINT ${i.con} CASCADE` : `DROP INDEX ${i.name}`] });
  }
  const con = await client.query<{ name: string; type: string }>(
    `SELECT conname AS name, contype AS type FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('c', 'f') ORDER BY conname`,
    [table],
  );
  for (const c of con.rows) out.push({ label: `without ${c.type === 'f' ? 'foreign key' : 'check'} ${c.name}`, ddl: [`ALTER TABLE ${table} DROP CONSTRAINT ${c.name}`] });
  const trg = await client.query<{ name: string }>(`SELECT tgname AS name FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY tgname`, [table]);
  for (const t of trg.rows) out.push({ label: `without trigger ${t.name}`, ddl: [`DROP TRIGGER ${t.name} ON ${table}`] });
  return out;
}

/**
 * Runs each variant in a rolled-back transaction on the scratch database, each time next to a run of the table
 * as it is (alternating which goes first), `repeat` times, and prints the backend's CPU for the write (the
 * fastest run of each) and the difference between the pair: on a shared machine the load drifts, and a variant
 * is only comparable with a run made next to it. The table is VACUUMed after each run, so every run starts empty.
 */
async function measure(scratch: pg.Pool, table: string, rows: number, variants: Variant[], defaultWrite: (client: pg.PoolClient) => Promise<void>, repeat: number): Promise<void> {
  const client = await scratch.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const once = async (v: Variant): Promise<{ cpu: number; ms: number }> => {
      await client.query('BEGIN');
      for (const d of v.ddl) await client.query(d);
      const c0 = cpuOf(pid);
      const t0 = performance.now();
      await (v.write ?? defaultWrite)(client);
      const ms = performance.now() - t0;
      const cpu = cpuOf(pid) - c0;
      await client.query('ROLLBACK');
      await client.query(`VACUUM ${table}`);
      return { cpu, ms };
    };
    const us = (s: number) => ((s * 1e6) / rows).toFixed(1);
    // One unprinted run first: the first write into a fresh table pays for catalogue and buffer warm-up.
    await once(variants[0]);
    const [asIs, ...others] = variants;
    let all = Infinity;
    for (const v of others) {
      let [base, mine, ms] = [Infinity, Infinity, 0];
      for (let i = 0; i < repeat; i++) {
        const order = i % 2 === 0 ? [asIs, v] : [v, asIs];
        for (const x of order) {
          const r = await once(x);
          if (x === asIs) base = Math.min(base, r.cpu);
          else if (r.cpu < mine) [mine, ms] = [r.cpu, r.ms];
        }
      }
      all = Math.min(all, base);
      console.log(
        `  ${v.label.padEnd(56)} ${us(mine).padStart(6)} µs/row (CPU ${mine.toFixed(2)} s, wall ${(ms / 1000).toFixed(1)} s)  ` +
          `as is next to it ${us(base).padStart(6)}  → the object costs ${us(base - mine).padStart(5)} µs/row`,
      );
    }
    console.log(`  ${asIs.label.padEnd(56)} ${us(all).padStart(6)} µs/row (the fastest of its runs)`);
  } finally {
    client.release();
  }
}

/** Prints EXPLAIN (ANALYZE, BUFFERS) of a statement, in a rolled-back transaction (an INSERT is executed). */
async function explain(pool: pg.Pool, title: string, text: string, values: unknown[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const r = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    await client.query('ROLLBACK');
    console.log(`\n  ${title}`);
    // A plan line that quotes the 10,000 codes is cut: the plan's shape and its counts are what matter.
    for (const l of r.rows) console.log(`    ${l['QUERY PLAN'].length > 240 ? `${l['QUERY PLAN'].slice(0, 240)}…` : l['QUERY PLAN']}`);
  } finally {
    client.release();
  }
}

/** A subject column list as linkSubjects inserts it, and the statement (per conflict column). */
const SUBJECT_INSERT = (column: 'uscc' | 'id_hash', onConflict: boolean) =>
  `INSERT INTO subjects (kind, name, uscc, region_code, id_hash, id_masked, id_enc, name_bigrams)
   SELECT k, n, u, r, h, im, ie, ''::tsvector
   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(k, n, u, r, h, im, ie)` +
  (onConflict ? ` ON CONFLICT (${column}) DO NOTHING RETURNING ${column} AS code, id, name` : ` RETURNING ${column} AS code, id, name`);

/** Rows of a COPY text buffer as arrays of fields (\N → null; the bench's values need no other unescaping). */
function fieldsOf(data: Buffer): (string | null)[][] {
  return data
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t').map((f) => (f === '\\N' ? null : f)));
}

/** Prints the figures; see the module comment. */
export async function run(args: string[]): Promise<void> {
  const rows = arg(args, 'rows', 200_000);
  const repeat = arg(args, 'repeat', 1);
  const T0 = performance.now();
  const ws = await openBenchWorkspace();
  const { tmp, finish } = ws;
  try {
    console.log(`PostgreSQL write cost: ${fmt(rows)} CSV rows; ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const { server, postmasterPid } = await ws.start();
    const src = ws.track(await createBenchDatabase(server, 'pgcost_src'));
    const item = await findActiveItem(src.db, '行政处罚');
    if (!item) throw new Error('行政处罚 catalogue item missing');
    const csvPath = join(tmp, 'penalty.csv');
    {
      const out = createWriteStream(csvPath);
      for (const chunk of penaltyCsvChunks(rows, SEED, { ...GEN, encoding: 'gb18030', rowsPerChunk: 5000 })) await write(out, chunk);
      await close(out);
    }

    // ---- 1. two imports of the same file
    const imports: { ms: number; cpu: number }[] = [];
    for (const label of ['first import', 'second import (same file)']) {
      const steps = new Map<string, number>();
      const c0 = serverCpu(postmasterPid);
      const n0 = nodeCpu();
      const m0 = mainThreadCpu();
      const t0 = performance.now();
      const r = await importFile({
        db: src.db,
        pool: src.pool,
        secret: SECRET,
        item,
        departmentId: src.departmentId,
        channel: 'cli',
        path: csvPath,
        onStep: (s, ms) => steps.set(s, (steps.get(s) ?? 0) + ms),
      });
      const cpu = serverCpu(postmasterPid) - c0;
      const ms = performance.now() - t0;
      const node = nodeCpu() - n0;
      const main = mainThreadCpu() - m0;
      const us = (s: number) => ((s * 1e6) / r.total).toFixed(1);
      imports.push({ ms, cpu: cpu + node });
      console.log(
        `\n1. ${label}: ${fmt(r.total)} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; new ${fmt(r.new)}, updated ${fmt(r.updated)}, duplicates ${fmt(r.duplicates)}, rejected ${fmt(r.rejected)}; ` +
          `PostgreSQL CPU ${cpu.toFixed(1)} s = ${((cpu * 1e6) / r.total).toFixed(1)} µs/row (load average ${loadavg()[0].toFixed(1)})`,
      );
      console.log(`    CPU µs/row: Node main thread ${us(main)}, Node other threads (parse worker, GC, libuv) ${us(node - main)}, PostgreSQL ${us(cpu)}; together ${us(node + cpu)}`);
      for (const [s, ms] of [...steps].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${(ms / 1000).toFixed(2).padStart(6)} s  ${s}`);
    }
    console.log(
      `\n   second / first: time ${(imports[1].ms / imports[0].ms).toFixed(2)}×, CPU ${(imports[1].cpu / imports[0].cpu).toFixed(2)}× (target ≤ 0.5); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    );
    if (arg(args, 'imports-only', 0)) return;

    // ---- 2. what the first import wrote
    const sc = await src.pool.connect();
    let recordCols: string;
    let recordData: Buffer;
    let subjects: (string | null)[][];
    let subjectData: Buffer;
    let subjectCols: string;
    let identifiers: (string | null)[][];
    try {
      const cols = await sc.query<{ c: string }>(
        `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS c FROM pg_attribute WHERE attrelid = 'records'::regclass AND attnum > 0 AND NOT attisdropped`,
      );
      recordCols = cols.rows[0].c;
      const firstBatch = (await sc.query<{ id: string }>('SELECT min(id)::text AS id FROM ingest_batches')).rows[0].id;
      recordData = await copyOut(sc, `COPY (SELECT ${recordCols} FROM records WHERE batch_id = ${Number(firstBatch)} ORDER BY id) TO STDOUT`);
      subjects = fieldsOf(await copyOut(sc, 'COPY (SELECT kind, name, uscc, region_code, id_hash, id_masked, id_enc FROM subjects ORDER BY id) TO STDOUT'));
      subjectCols = (
        await sc.query<{ c: string }>(
          `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS c FROM pg_attribute WHERE attrelid = 'subjects'::regclass AND attnum > 0 AND NOT attisdropped`,
        )
      ).rows[0].c;
      subjectData = await copyOut(sc, `COPY (SELECT ${subjectCols} FROM subjects ORDER BY id) TO STDOUT`);
      identifiers = fieldsOf(await copyOut(sc, 'COPY (SELECT kind, value, subject_id FROM subject_identifiers ORDER BY subject_id) TO STDOUT'));
      const size = await sc.query<{ content: string; row: string; n: number }>(
        `SELECT avg(pg_column_size(content))::int::text AS content, avg(pg_column_size(r.*))::int::text AS row, count(*)::int AS n FROM records r`,
      );
      const sizes = await sc.query<Record<string, number>>(
        `SELECT ${recordCols
          .split(', ')
          .map((c) => `avg(pg_column_size(${c}))::int AS ${c}`)
          .join(', ')} FROM records`,
      );
      console.log(
        `   average stored bytes per column: ${Object.entries(sizes.rows[0])
          .filter(([, b]) => b !== null)
          .sort((a, b) => b[1] - a[1])
          .map(([c, b]) => `${c} ${b}`)
          .join(', ')}`,
      );
      console.log(
        `\n2. the first import wrote ${fmt(recordData.toString('utf8').split('\n').length - 1)} records (${(recordData.length / 1048576).toFixed(0)} MiB as COPY text; stored content ${size.rows[0].content} bytes, row ${size.rows[0].row} bytes on average), ` +
          `${fmt(subjects.length)} subjects, ${fmt(identifiers.length)} legacy-code links`,
      );
    } finally {
      sc.release();
    }
    const nRecords = recordData.toString('utf8').split('\n').length - 1;

    // ---- 3. per-object costs on a scratch database
    const scratch = ws.track(await createBenchDatabase(server, 'pgcost_scratch'));
    const probe = await scratch.pool.connect();
    let recordVariants: Variant[];
    let subjectVariants: Variant[];
    let identifierVariants: Variant[];
    try {
      recordVariants = await variantsOf(probe, 'records', new Set());
      subjectVariants = await variantsOf(probe, 'subjects', new Set());
      identifierVariants = await variantsOf(probe, 'subject_identifiers', new Set());
      // The legacy-code links name subjects by id: the scratch database gets the same subjects, ids included.
      await copyIn(probe, `COPY subjects (${subjectCols}) FROM STDIN`, subjectData);
    } finally {
      probe.release();
    }
    // lz4 exists only where the server was built with it (the embedded build is not): probed, else left out.
    const lz4 = await scratch.pool
      .query(`SELECT set_config('default_toast_compression', 'lz4', true)`)
      .then(() => true)
      .catch(() => false);
    if (!lz4) console.log('\n   (this server has no lz4: default_toast_compression = lz4 is refused, so the lz4 variant is left out)');
    const copyRecords = (table: string) => (client: pg.PoolClient) => copyIn(client, `COPY ${table} (${recordCols}) FROM STDIN`, recordData);
    console.log(`\n3a. COPY records, ${fmt(nRecords)} rows (backend CPU; "the object costs" = as is minus the variant, each next to the other)`);
    await measure(
      scratch.pool,
      'records',
      nRecords,
      [
        { label: 'as is', ddl: [] },
        ...recordVariants,
        ...(lz4 ? [{ label: 'content stored with lz4 (SET COMPRESSION lz4)', ddl: ['ALTER TABLE records ALTER COLUMN content SET COMPRESSION lz4'] }] : []),
        // What migration 20261209T0920a saves (negative: the default costs more than the table as it is).
        { label: 'default toast_tuple_target (about 2 KB)', ddl: ['ALTER TABLE records RESET (toast_tuple_target)'] },
        {
          label: 'bare table (LIKE records, no index/constraint)',
          ddl: ['CREATE TABLE pgcost_bare (LIKE records INCLUDING DEFAULTS)'],
          write: copyRecords('pgcost_bare'),
        },
        {
          label: 'bare table, content as text (no jsonb parsing)',
          ddl: ['CREATE TABLE pgcost_bare (LIKE records INCLUDING DEFAULTS)', 'ALTER TABLE pgcost_bare ALTER COLUMN content TYPE text, ALTER COLUMN publicity TYPE text'],
          write: copyRecords('pgcost_bare'),
        },
      ],
      copyRecords('records'),
      repeat,
    );

    const usccRows = subjects.filter((s) => s[2] !== null);
    const idRows = subjects.filter((s) => s[2] === null && s[4] !== null);
    const insertSubjects = (onConflict: boolean) => async (client: pg.PoolClient) => {
      await writeSubjects(client, subjects, onConflict);
    };
    console.log(`\n3b. INSERT INTO subjects … FROM unnest (chunks of ${fmt(CHUNK)}), ${fmt(usccRows.length)} by USCC and ${fmt(idRows.length)} by ID hash`);
    // The scratch database holds these subjects already (for 3c): each run first empties the table in its
    // transaction (TRUNCATE: a fresh heap and indexes, no dead tuples for the unique checks to visit).
    const clear = ['TRUNCATE subjects CASCADE'];
    await measure(
      scratch.pool,
      'subjects',
      subjects.length,
      [
        { label: 'as is', ddl: clear },
        ...subjectVariants.map((v) => ({
          ...v,
          ddl: [...clear, ...v.ddl],
          // Without an arbiter index ON CONFLICT cannot name it: the same rows, inserted without the clause.
          write: /subjects_uscc_key|subjects_id_hash_key/.test(v.label) ? insertSubjects(false) : undefined,
        })),
        { label: 'bare table (LIKE subjects)', ddl: [...clear, 'CREATE TABLE pgcost_bare (LIKE subjects INCLUDING DEFAULTS)'], write: (c) => writeSubjects(c, subjects, false, 'pgcost_bare') },
      ],
      insertSubjects(true),
      repeat,
    );

    console.log(`\n3c. INSERT INTO subject_identifiers … FROM unnest ON CONFLICT DO NOTHING, ${fmt(identifiers.length)} rows`);
    const insertIdentifiers = (table: string, onConflict: boolean) => async (client: pg.PoolClient) => {
      for (let at = 0; at < identifiers.length; at += CHUNK) {
        const part = identifiers.slice(at, at + CHUNK);
        await client.query(
          `INSERT INTO ${table} (kind, value, subject_id) SELECT k, v, s FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(k, v, s)${onConflict ? ' ON CONFLICT DO NOTHING' : ''}`,
          [part.map((r) => r[0]), part.map((r) => r[1]), part.map((r) => r[2])],
        );
      }
    };
    await measure(
      scratch.pool,
      'subject_identifiers',
      Math.max(1, identifiers.length),
      [
        { label: 'as is', ddl: ['TRUNCATE subject_identifiers'] },
        ...identifierVariants.map((v) => ({ ...v, ddl: ['TRUNCATE subject_identifiers', ...v.ddl], write: /pkey/.test(v.label) ? insertIdentifiers('subject_identifiers', false) : undefined })),
      ],
      insertIdentifiers('subject_identifiers', true),
      repeat,
    );

    // ---- 4. the second import's look-ups, per chunk of 10,000
    console.log(`\n4. EXPLAIN (ANALYZE, BUFFERS) of a second import's per-chunk statements on the source database (${fmt(CHUNK)} rows' codes)`);
    const keys = (await src.pool.query<{ k: string }>(`SELECT record_key AS k FROM records ORDER BY id LIMIT ${CHUNK}`)).rows.map((r) => r.k);
    const usccs = usccRows.slice(0, CHUNK).map((r) => r[2]);
    const hashes = idRows.slice(0, CHUNK).map((r) => r[4]);
    await explain(
      src.pool,
      'merge.ts: the stored records of the chunk’s keys',
      `SELECT record_key, id, department_id, current_version, current_hash, to_char(repaired_at, 'YYYY-MM-DD') AS repaired_at, to_char(decision_date, 'YYYY-MM-DD') AS decision_date,
         to_char(list_removed_at, 'YYYY-MM-DD') AS list_removed_at FROM records WHERE item_id = $1 AND record_key = ANY($2::text[])`,
      [item.id, keys],
    );
    await explain(
      src.pool,
      'staging.ts: keys not yet in records (prepared publicity)',
      'SELECT c AS key FROM unnest($2::text[]) c WHERE (SELECT r.id FROM records r WHERE r.item_id = $1 AND r.record_key = c) IS NULL',
      [item.id, keys],
    );
    await explain(src.pool, 'subjects.bulk.ts: the USCC probe', 'SELECT uscc AS code, id, name FROM subjects WHERE uscc = ANY($1::text[])', [usccs]);
    await explain(src.pool, 'subjects.bulk.ts: the ID-hash probe', 'SELECT id_hash AS code, id, name FROM subjects WHERE id_hash = ANY($1::text[])', [hashes]);
    const links = identifiers.slice(0, CHUNK);
    await explain(
      src.pool,
      'subjects.bulk.ts: legacy-code links, all present',
      `INSERT INTO subject_identifiers (kind, value, subject_id) SELECT 'org', v, s FROM unnest($1::text[], $2::bigint[]) AS t(v, s) ON CONFLICT DO NOTHING`,
      [links.filter((l) => l[0] === 'org').map((l) => l[1]), links.filter((l) => l[0] === 'org').map((l) => l[2])],
    );
    const names = (await src.pool.query<{ s: string; n: string }>(`SELECT subject_id::text AS s, name AS n FROM subject_names LIMIT ${CHUNK}`)).rows;
    await explain(
      src.pool,
      'subjects.bulk.ts: name variants, all present',
      'INSERT INTO subject_names (subject_id, name) SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING',
      [names.map((n) => n.s), names.map((n) => n.n)],
    );
    console.log(`\ntotal bench time ${((performance.now() - T0) / 1000).toFixed(0)} s; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    await finish();
  }
}

/** Writes subjects as linkSubjects does: by USCC, then by ID hash, in chunks, into `table`. */
async function writeSubjects(client: pg.PoolClient, subjects: (string | null)[][], onConflict: boolean, table = 'subjects'): Promise<void> {
  for (const column of ['uscc', 'id_hash'] as const) {
    const list = subjects.filter((s) => (column === 'uscc' ? s[2] !== null : s[2] === null && s[4] !== null));
    for (let at = 0; at < list.length; at += CHUNK) {
      const part = list.slice(at, at + CHUNK);
      const cols = Array.from({ length: 7 }, (_, i) => part.map((r) => r[i]));
      await client.query(SUBJECT_INSERT(column, onConflict).replace('INSERT INTO subjects', `INSERT INTO ${table}`), cols);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv.slice(2));
