// `citycredit import` as a department clerk's script would run it: JSON receipt, a re-run, and SIGKILL mid-import.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { installBuiltinCatalog } from '../src/domains/catalog/catalog.repository.ts';
import { penaltyCsvChunks } from '../src/domains/ingest/fixtures.ts';
import { sweepAbandonedBatches } from '../src/domains/ingest/ingest.service.ts';
import { seedDepartments } from '../src/shell/seed.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { allowFixtureAuthorities } from './helpers/authorities.ts';
import { demoDepartmentUscc } from '../src/domains/auth/departments.data.ts';
import { runCli } from './helpers/cli.ts';

let t: TestDb;
let dir: string;

before(async () => {
  t = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'cc-cli-import-'));
  await seedDepartments(t.db, loadConfig({}));
  await installBuiltinCatalog(t.db);
  // The department may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return runCli(args, { ...process.env, DATABASE_URL: t.url, CITYCREDIT_DATA_DIR: dir, LOG_LEVEL: 'silent' });
}

test('import --json prints the receipt with the named counts; a second run adds nothing', async () => {
  const file = join(dir, 'a.csv');
  await writeFile(file, Buffer.concat([...penaltyCsvChunks(300, 11, { encoding: 'gb18030', invalidRate: 0.03, duplicateRate: 0.02 })]));
  const first = await cli(['import', file, '--catalog', '行政处罚', '--dept', '西宁市市场监督管理局', '--json']).done;
  assert.equal(first.code, 0, first.err);
  const r = JSON.parse(first.out);
  for (const k of ['total', 'accepted', 'rejected', 'new', 'updated', 'duplicates', 'withdrawn', 'late']) assert.equal(typeof r[k], 'number', k);
  assert.equal(r.total, 300);
  assert.equal(r.accepted, r.new + r.updated + r.duplicates);
  // No server is running: the command itself completes the subjects' search columns (拼音 initials).
  const pending = await t.db.selectFrom('subjects').select(sql<number>`count(*)::int`.as('n')).where('pinyin_initials', 'is', null).executeTakeFirstOrThrow();
  assert.equal(pending.n, 0);
  assert.ok((await t.db.selectFrom('subjects').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n > 0);
  const second = JSON.parse((await cli(['import', file, '--catalog', 'sgs_cf_v2', '--dept', 'SCJGJ', '--json']).done).out);
  assert.equal(second.new, 0);
  assert.equal(second.duplicates, second.accepted);
  const unknown = await cli(['import', file, '--catalog', '不存在的目录', '--dept', 'SCJGJ']).done;
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /找不到目录项/);
});

test('a CLI import is audited with actor cli: the file, the department and the counts', async () => {
  const file = join(dir, 'audited.csv');
  await writeFile(file, Buffer.concat([...penaltyCsvChunks(20, 31, { encoding: 'utf-8', invalidRate: 0.2 })]));
  const run = await cli(['import', file, '--catalog', '行政处罚', '--dept', 'SCJGJ', '--json']).done;
  assert.equal(run.code, 0, run.err);
  const r = JSON.parse(run.out);
  const entry = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'ingest.cli').where('target', '=', `batch:${r.batchId}`).executeTakeFirstOrThrow();
  const dept = await t.db.selectFrom('departments').select(['id', 'name']).where('code', '=', 'SCJGJ').executeTakeFirstOrThrow();
  assert.equal(entry.actor_username, 'cli');
  assert.equal(entry.outcome, 'ok');
  assert.deepEqual(entry.detail, {
    file,
    item: 'sgs_cf_v2',
    departmentId: dept.id,
    department: dept.name,
    status: 'committed',
    total: 20,
    accepted: r.accepted,
    rejected: r.rejected,
    new: r.new,
    updated: r.updated,
    duplicates: r.duplicates,
    withdrawn: r.withdrawn,
  });
  assert.ok(r.rejected > 0 && r.accepted > 0);
});

test('the CLI import keeps to the ownership rules (issue 11 §1): another department can neither name the authorities nor change the records', async () => {
  // The file of the first test, stored by 市场监督管理局; 生态环境局 runs it with only its own code.
  const file = join(dir, 'a.csv');
  await t.db.updateTable('departments').set({ uscc: demoDepartmentUscc('STHJJ', '630100') }).where('code', '=', 'STHJJ').execute();
  const versions = async () => (await t.db.selectFrom('record_versions').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  const before = await versions();
  const run = await cli(['import', file, '--catalog', '行政处罚', '--dept', 'STHJJ', '--json']).done;
  assert.equal(run.code, 0, run.err);
  const r = JSON.parse(run.out);
  assert.deepEqual([r.total, r.accepted, r.rejected, r.new, r.updated], [300, 0, 300, 0, 0]);
  const rejects = await t.db.selectFrom('ingest_rejects').select('errors').where('batch_id', '=', r.batchId).execute();
  const codes = new Set(rejects.flatMap((x) => (x.errors as Array<{ code: string }>).map((e) => e.code)));
  // Rows of other authorities are refused for the authority; its own authority's rows because 市场监督管理局 reported them.
  assert.ok(codes.has('authority_not_allowed') && codes.has('record_owned_by_other_department'), [...codes].join());
  assert.equal(await versions(), before);
});

test('SIGKILL mid-import leaves no partial batch, and the same upload can be retried', async () => {
  const file = join(dir, 'big.csv');
  await writeFile(file, Buffer.concat([...penaltyCsvChunks(60_000, 5, { encoding: 'utf-8' })]));
  const versionsBefore = (await t.db.selectFrom('record_versions').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  const run = cli(['import', file, '--catalog', '行政处罚', '--dept', 'SCJGJ', '--json']);
  // Wait (bounded) until the batch exists and is processing, then kill the process.
  let batch: { id: string } | undefined;
  for (let i = 0; i < 400 && !batch; i++) {
    batch = await t.db.selectFrom('ingest_batches').select('id').where('status', '=', 'processing').executeTakeFirst();
    if (!batch) await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(batch, 'the import started');
  run.child.kill('SIGKILL');
  await run.done;
  const written = await t.db.selectFrom('record_versions').select(sql<number>`count(*)::int`.as('n')).where('batch_id', '=', batch.id).executeTakeFirstOrThrow();
  assert.equal(written.n, 0, 'no row of the killed batch is stored');
  // The killed process's connection goes away; the sweep then marks the batch failed.
  let swept = 0;
  for (let i = 0; i < 100 && swept === 0; i++) {
    swept = await sweepAbandonedBatches(t.db);
    if (!swept) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(swept, 1);
  const retry = await cli(['import', file, '--catalog', '行政处罚', '--dept', 'SCJGJ', '--json']).done;
  assert.equal(retry.code, 0, retry.err);
  const r = JSON.parse(retry.out);
  assert.equal(r.total, 60_000);
  const after = (await t.db.selectFrom('record_versions').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  assert.equal(after, versionsBefore + r.new + r.updated);
});
