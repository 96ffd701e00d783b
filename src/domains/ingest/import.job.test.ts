// Background imports as the durable ingest.import job: progress is read from the job row, an import whose runner
// stops mid-job is finished by the next runner exactly once, and the abandoned-batch sweep spares queued imports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../config.ts';
import type { AppContext } from '../../platform/http.ts';
import { JobRunner } from '../../platform/jobs.ts';
import { testDataDir } from '../../../test/helpers/dataDir.ts';
import { openIngestBed, type IngestBed } from '../../../test/helpers/ingestBed.ts';
import { penaltyCsvChunks } from './fixtures.ts';
import { IMPORT_JOB, importJob, importProgress, startImport, sweepAbandonedImports } from './import.job.ts';
import { startBatch } from './ingest.service.ts';

let t: IngestBed;
let ctx: AppContext;

before(async () => {
  const config = loadConfig({ CITYCREDIT_DATA_DIR: testDataDir() });
  t = await openIngestBed({ dir: 'cc-import-job-', config });
  ctx = { config: { ...config, secret: t.secret }, db: t.db, pool: t.pool, migrationVersion: async () => null };
});
after(() => t?.close());

const count = async (table: 'records' | 'record_versions') => (await t.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
const batch = (id: string) => t.db.selectFrom('ingest_batches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('an import whose runner stops mid-job is finished by the next runner exactly once; progress comes from the job row', async () => {
  const path = join(t.dir, 'penalty.upload');
  await writeFile(path, Buffer.concat([...penaltyCsvChunks(300, 11)]));
  const size = (await stat(path)).size;
  let entered!: () => void;
  const atMerge = new Promise<void>((r) => (entered = r));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  // Runner A reads the whole file, then stops before merging and never beats again: a process that died.
  const a = new JobRunner(ctx, [importJob({ beforeMerge: async () => (entered(), held) })], { heartbeatMs: 3_600_000, pollMs: 3_600_000 });
  const first = await startImport(a, { source: 'file', path, fileName: 'penalty.csv', item: t.item, departmentId: t.dept, channel: 'file' });
  await atMerge;
  assert.equal((await batch(first)).status, 'processing');
  // The console's poll reads the progress the job stored, not this process's memory: what any process wrote
  // into the job row is what it answers.
  assert.ok((await importProgress(t.db, [first])).get(first), 'progress is stored in the job row');
  await t.db.updateTable('jobs').set({ progress: JSON.stringify({ batchId: first, rows: 123, bytesRead: 4567, totalBytes: size }) }).where('ref', '=', `batch:${first}`).execute();
  assert.deepEqual((await importProgress(t.db, [first])).get(first), { rows: 123, bytesRead: 4567, totalBytes: size });
  assert.equal(await count('records'), 0);

  // Runner B (A's heartbeat counts as stale) picks the job up and imports the file into a new batch.
  const b = new JobRunner(ctx, [importJob()], { staleMs: 0, pollMs: 3_600_000 });
  assert.equal(await b.drain(IMPORT_JOB), 1);
  const job = await t.db.selectFrom('jobs').selectAll().where('name', '=', IMPORT_JOB).orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.equal(job.status, 'done');
  assert.equal(job.attempts, 2);
  const second = job.ref!.replace('batch:', '');
  assert.notEqual(second, first);
  const done = await batch(second);
  assert.equal(done.status, 'committed');
  const records = await count('records');
  assert.equal(records, done.accepted);
  assert.ok(records > 0);
  // The interrupted batch says where its rows went.
  const old = await batch(first);
  assert.equal(old.status, 'failed');
  assert.deepEqual((old.file_errors as Array<{ code: string; details: unknown }>).map((e) => [e.code, e.details]), [['import_restarted', { batchId: second }]]);
  // The job is finished for good: its saved file is gone, and no progress is shown any more.
  await assert.rejects(access(path));
  assert.equal((await importProgress(t.db, [second])).size, 0);

  // A wakes up: it no longer owns the job and merges nothing.
  release();
  await a.stop();
  assert.equal(await count('records'), records);
  assert.equal((await batch(first)).status, 'failed');
  assert.equal((await t.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status, 'done');
  await b.stop();
});

test('the abandoned-batch sweep spares a batch whose import job is still queued or running', async () => {
  const id = await startBatch(t.db, { departmentId: t.dept, item: t.item, channel: 'file', fileName: 'queued.csv' });
  const job = await t.db
    .insertInto('jobs')
    .values({ name: IMPORT_JOB, kind: 'queued', status: 'queued', ref: `batch:${id}`, payload: JSON.stringify({ path: join(t.dir, 'none') }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  assert.equal(await sweepAbandonedImports(t.db), 0);
  assert.equal((await batch(id)).status, 'processing');
  await t.db.updateTable('jobs').set({ status: 'failed' }).where('id', '=', job.id).execute();
  assert.equal(await sweepAbandonedImports(t.db), 1);
  assert.equal((await batch(id)).status, 'failed');
});
