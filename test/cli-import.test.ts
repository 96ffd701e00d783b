// `citycredit import` as a department clerk's script would run it: JSON receipt, a re-run, and SIGKILL mid-import.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
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
import { makeUser } from './factories.ts';
import { errorWorkbook } from '../src/domains/ingest/errorfile.ts';
import { formatReceipt, type CliReceipt } from '../src/cli/import.ts';
import type { SessionUser } from '../src/platform/http.ts';

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

/** Rejected rows per error code (a row counted once per code), from the database. */
async function rowsPerCode(batchId: string): Promise<Map<string, number>> {
  const rejects = await t.db.selectFrom('ingest_rejects').select('errors').where('batch_id', '=', batchId).execute();
  const counts = new Map<string, number>();
  for (const r of rejects) for (const code of new Set((r.errors as Array<{ code: string }>).map((e) => e.code))) counts.set(code, (counts.get(code) ?? 0) + 1);
  return counts;
}

/** A workbook's cells as text, row by row. */
async function sheetValues(body: Buffer | ArrayBuffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as ArrayBuffer);
  const rows: string[][] = [];
  wb.worksheets[0].eachRow({ includeEmpty: false }, (row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return rows;
}

test('the text receipt lists why rows were returned, with the number of rows per reason', async () => {
  const file = join(dir, 'reasons.csv');
  await writeFile(file, Buffer.concat([...penaltyCsvChunks(120, 41, { encoding: 'utf-8', invalidRate: 0.3 })]));
  const run = await cli(['import', file, '--catalog', '行政处罚', '--dept', 'SCJGJ']).done;
  assert.equal(run.code, 0, run.err);
  const batchId = /批次 #(\d+)/.exec(run.out)![1];
  const counts = await rowsPerCode(batchId);
  assert.ok(counts.size > 1, 'the file has several kinds of errors');
  const lines = run.out.split('\n');
  const head = lines.indexOf('退回原因（按涉及行数排序）：');
  assert.ok(head > 0, run.out);
  const listed = lines.slice(head + 1).map((l) => /^ {2}(\d+) 行 {2}(.+)（([a-z_]+)）$/.exec(l)).filter((m) => m !== null);
  assert.equal(listed.length, Math.min(counts.size, 10));
  for (const [, n, message, code] of listed) {
    assert.equal(Number(n), counts.get(code), code);
    assert.match(message, /[\u4e00-\u9fa5]/, 'the reason is said in Chinese');
  }
  // Most frequent first.
  const shown = listed.map((m) => Number(m[1]));
  assert.deepEqual(shown, [...shown].sort((a, b) => b - a));
});

test('the text receipt shows the ten most frequent reasons and sums up the rest', () => {
  const rejects = Array.from({ length: 12 }, (_, i) =>
    Array.from({ length: 12 - i }, (_, k) => ({ rowNumber: i * 100 + k + 2, errors: [{ field: 'F', header: 'F', code: `code_${String(i).padStart(2, '0')}`, message: `原因${i}` }] })),
  ).flat();
  const receipt = { batchId: '1', item: { id: 'x', name: '行政处罚', version: 1 }, fileName: 'a.csv', encoding: null, format: 'csv', status: 'committed', total: rejects.length, accepted: 0, rejected: rejects.length, new: 0, updated: 0, duplicates: 0, withdrawn: 0, late: 0, warnings: [], errors: [], sameAsBatch: null, rejects } as unknown as CliReceipt;
  const text = formatReceipt(receipt);
  assert.match(text, /^ {2}12 行 {2}原因0（code_00）$/m);
  assert.match(text, /^ {2}3 行 {2}原因9（code_09）$/m);
  assert.doesNotMatch(text, /code_10/);
  // The two reasons left out returned 2 and 1 rows.
  assert.match(text, /其余 2 种原因，涉及 3 行次/);
});

test('a batch held for review (issue 17 §3) says 待审核, not 整批退回', () => {
  const receipt = { batchId: '7', item: { id: 'x', name: '行政处罚', version: 1 }, fileName: 'a.csv', encoding: null, format: 'csv', status: 'pending_review', total: 3, accepted: 3, rejected: 0, new: 0, updated: 0, duplicates: 0, withdrawn: 0, late: 0, warnings: [], errors: [], sameAsBatch: null, rejects: [] } as unknown as CliReceipt;
  const text = formatReceipt(receipt);
  assert.match(text, /^状态：待审核/m);
  assert.doesNotMatch(text, /整批退回/);
});

test('--json carries every returned row with its errors, and --errors writes the console\'s masked error workbook, audited as actor cli', async () => {
  const file = join(dir, 'errors.csv');
  await writeFile(file, Buffer.concat([...penaltyCsvChunks(200, 43, { encoding: 'utf-8', invalidRate: 0.3 })]));
  const out = join(dir, 'errors.xlsx');
  const run = await cli(['import', file, '--catalog', '行政处罚', '--dept', 'SCJGJ', '--json', '--errors', out]).done;
  assert.equal(run.code, 0, run.err);
  const r = JSON.parse(run.out);
  assert.ok(r.rejected > 0);
  assert.equal(r.rejects.length, r.rejected);
  const stored = await t.db.selectFrom('ingest_rejects').select(['row_number', 'errors']).where('batch_id', '=', r.batchId).orderBy('row_number').execute();
  assert.deepEqual(
    r.rejects,
    stored.map((x) => ({ rowNumber: x.row_number, errors: x.errors })),
  );
  for (const row of r.rejects) for (const e of row.errors) for (const k of ['field', 'code', 'message']) assert.equal(typeof e[k], 'string', k);

  // The same workbook as the console's 下载错误数据 (masked) for this batch.
  const written = await sheetValues(await readFile(out));
  const clerk = await makeUser(t.db, { role: 'reporter', deptCode: 'SCJGJ' });
  const user: SessionUser = { id: clerk.id, username: clerk.username, displayName: clerk.username, role: 'reporter', departmentId: clerk.departmentId, departmentName: null, mustChangePassword: false };
  // The secret only decrypts unmasked rows; the masked file does not use it.
  const consoleFile = await errorWorkbook(t.db, '', user, r.batchId, false, { actor: { username: clerk.username } });
  assert.deepEqual(written, await sheetValues(consoleFile.body));
  assert.equal(written.length, r.rejected + 1);
  // Personal numbers are masked: every filled 证件号码 cell carries the mask, and the file has some.
  const idColumns = written[0].flatMap((h, i) => (h.includes('证件号码') ? [i] : []));
  const idCells = written.slice(1).flatMap((row) => idColumns.map((i) => row[i])).filter((c) => c);
  assert.ok(idCells.length > 0, 'some returned rows name a person');
  for (const c of idCells) assert.match(c, /\*/);
  const entry = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'ingest.errors.download').where('target', '=', `batch:${r.batchId}`).where('actor_username', '=', 'cli').executeTakeFirstOrThrow();
  assert.deepEqual(entry.detail, { masked: true, rows: r.rejected });
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
