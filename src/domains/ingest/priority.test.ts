// An import's CPU priority (issue 18, priority.ts): the parse worker thread runs at the configured nice value, and so
// does the batch's PostgreSQL backend while it merges; the backend is set back (or discarded) when the import ends,
// so no pooled connection keeps the import's priority. Read from /proc (Linux), never timed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../config.ts';
import { openIngestBed, type IngestBed } from '../../../test/helpers/ingestBed.ts';
import { penaltyCsvChunks } from './fixtures.ts';
import { appImportOptions, importFile } from './import.service.ts';
import { lowerBackendPriority } from './priority.ts';

let t: IngestBed;
before(async () => {
  t = await openIngestBed({ dir: 'cc-priority-' });
});
after(() => t?.close());

/** Imports a generated CSV of `rows` penalties (through the CLI channel, as a file), with `extra` import options. */
async function importCsv(name: string, rows: number, seed: number, extra: Parameters<IngestBed['fileOptions']>[1]) {
  const path = join(t.dir, name);
  await writeFile(path, Buffer.concat([...penaltyCsvChunks(rows, seed)]));
  return importFile(t.fileOptions(path, extra));
}

/** The nice value of a thread or process from its stat line (field 19; the name in parentheses may hold spaces). */
async function niceOf(statPath: string): Promise<number | null> {
  try {
    const line = await readFile(statPath, 'utf8');
    return Number(line.slice(line.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return null; // the thread or process has ended
  }
}

/** This process's threads' nice values. */
async function threadNices(): Promise<number[]> {
  const tids = await readdir('/proc/self/task');
  return (await Promise.all(tids.map((tid) => niceOf(`/proc/self/task/${tid}/stat`)))).filter((n): n is number => n !== null);
}

/** Nice values of this database's backends that are still running (the one asking included: it is a pooled one too). */
async function backendNices(): Promise<Map<number, number>> {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(t.db);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const n = await niceOf(`/proc/${pid}/stat`);
    if (n !== null) out.set(pid, n);
  }
  return out;
}

test('the app imports at INGEST_IMPORT_NICE (default 10), renicing the backend only for the embedded server', () => {
  const ctx = (env: Record<string, string>) => ({ config: loadConfig(env), db: t.db, pool: t.pool, migrationVersion: async () => null }) as never;
  assert.deepEqual(
    (({ importNice, reniceBackend }) => ({ importNice, reniceBackend }))(appImportOptions(ctx({}))),
    { importNice: 10, reniceBackend: true },
  );
  const external = appImportOptions(ctx({ DATABASE_URL: 'postgres://u@db.example:5432/cc', INGEST_IMPORT_NICE: '5' }));
  assert.equal(external.importNice, 5);
  assert.equal(external.reniceBackend, false, 'a DATABASE_URL server may be another machine: its pids are not ours');
  assert.throws(() => loadConfig({ INGEST_IMPORT_NICE: '20' }), /INGEST_IMPORT_NICE/);
});

test('a file import runs its parse worker and its backend at the import nice value, and leaves no pooled backend at it', async () => {
  const NICE = 7;
  assert.ok(!(await threadNices()).includes(NICE), 'no thread of this process runs at the import nice value before');
  const seen: Array<{ threads: number[]; backends: number[] }> = [];
  // Three chunks of 2,000 rows: the priority is observed while the batch merges.
  const r = await importCsv('nice.csv', 6000, 71, {
    chunkRows: 2000,
    importNice: NICE,
    reniceBackend: true,
    afterChunkMerge: async () => {
      seen.push({ threads: await threadNices(), backends: [...(await backendNices()).values()] });
    },
  });
  assert.equal(r.status, 'committed');
  assert.equal(seen.length, 3);
  for (const s of seen) {
    assert.ok(s.threads.includes(NICE), `the parse worker thread runs at nice ${NICE} (threads: ${s.threads.join(',')})`);
    assert.equal(s.threads.filter((n) => n === 0).length > 0, true, 'the main thread keeps its priority');
    assert.equal(s.backends.filter((n) => n === NICE).length, 1, `one backend (the batch's) runs at nice ${NICE}: ${s.backends.join(',')}`);
  }
  const afterwards = await backendNices();
  assert.deepEqual([...afterwards.values()].filter((n) => n === NICE), [], 'no backend keeps the import priority');
});

test('without the setting nothing is reniced', async () => {
  const before = await backendNices();
  let during: number[] = [];
  const r = await importCsv('plain.csv', 500, 72, {
    afterChunkMerge: async () => {
      during = [...(await backendNices()).values()];
    },
  });
  assert.equal(r.status, 'committed');
  assert.deepEqual(during.filter((n) => n !== 0), [], `backends at nice 0 (before: ${[...before.values()].join(',')})`);
});

test('lowerBackendPriority sets the backend back for reuse, or says the connection must be discarded', async () => {
  const client = await t.pool.connect();
  try {
    const { pid } = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0];
    assert.equal(await niceOf(`/proc/${pid}/stat`), 0);
    const restore = await lowerBackendPriority(client, 9);
    assert.ok(restore, 'the backend was reniced');
    assert.equal(await niceOf(`/proc/${pid}/stat`), 9);
    const reusable = restore();
    // Raising a priority again needs CAP_SYS_NICE (root here); without it the caller discards the connection.
    if (reusable) assert.equal(await niceOf(`/proc/${pid}/stat`), 0);
    else assert.equal(await niceOf(`/proc/${pid}/stat`), 9);
    assert.equal(await lowerBackendPriority(client, 0), null, 'nice 0: nothing changed');
  } finally {
    client.release();
  }
});
