// The merge's statements (issue 18): what a re-import of unchanged rows still asks of PostgreSQL, and that a
// changed row among them is linked to its subject as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadConfig } from '../../config.ts';
import { seedDepartments } from '../../shell/seed.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { findActiveItem, installBuiltinCatalog } from '../catalog/catalog.repository.ts';
import type { CatalogItem } from '../catalog/catalog.schemas.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { importRows } from './import.service.ts';

let t: TestDb;
let item: CatalogItem;
let dept: number;
const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

before(async () => {
  t = await createTestDb();
  await seedDepartments(t.db, loadConfig({}));
  await installBuiltinCatalog(t.db);
  item = (await findActiveItem(t.db, '行政处罚'))!;
  dept = (await allowFixtureAuthorities(t.db, 'SCJGJ')).id;
});
after(async () => {
  await t?.close();
});

/** Imports rows in chunks of 10 and returns the receipt and the merge statements run (their first words). */
async function importWithSteps(rows: Record<string, string>[]) {
  const steps: string[] = [];
  const receipt = await importRows({ db: t.db, pool: t.pool, secret: SECRET, item, departmentId: dept, channel: 'api', rows, chunkRows: 10, onStep: (s) => steps.push(s) });
  return { receipt, steps };
}

const subjectStatements = (steps: readonly string[]) => steps.filter((s) => /\bsubject_identifiers\b|\bsubject_names\b|\bsubjects\b/.test(s));

test('a re-import of unchanged rows writes nothing and runs no subject statement; a changed row among them is linked (name variant) as before', async () => {
  const rows = [...generatePenaltyRows(40, 1818, { invalidRate: 0, duplicateRate: 0 })].map(
    (r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])) as Record<string, string>,
  );
  const first = await importWithSteps(rows);
  assert.equal(first.receipt.new, rows.length, JSON.stringify(first.receipt));
  assert.ok(subjectStatements(first.steps).length > 0, 'the first import links its subjects');

  const again = await importWithSteps(rows);
  assert.equal(again.receipt.duplicates, rows.length, JSON.stringify(again.receipt));
  assert.equal(again.receipt.new + again.receipt.updated, 0);
  assert.deepEqual(subjectStatements(again.steps), [], 'unchanged rows are not linked again: their version was linked when it was written');

  // One row changed (a new name for its subject): a new version, linked to the same subject, the name a variant.
  const legal = rows.findIndex((r) => r['行政相对人类别'] === '法人及非法人组织');
  const changed = rows.map((r, i) => (i === legal ? { ...r, 行政相对人名称: `${r['行政相对人名称']}（曾用名）` } : r));
  const third = await importWithSteps(changed);
  assert.equal(third.receipt.updated, 1, JSON.stringify(third.receipt));
  assert.equal(third.receipt.duplicates, rows.length - 1);
  assert.ok(subjectStatements(third.steps).length > 0);
  const rec = await t.db
    .selectFrom('records')
    .innerJoin('subjects', 'subjects.id', 'records.subject_id')
    .select(['records.subject_id', 'records.current_version', 'subjects.uscc'])
    .where('records.batch_id', '=', third.receipt.batchId)
    .executeTakeFirstOrThrow();
  assert.equal(rec.current_version, 2);
  assert.ok(rec.uscc, 'the same subject, by its USCC');
  const variants = await t.db.selectFrom('subject_names').select('name').where('subject_id', '=', rec.subject_id!).execute();
  assert.deepEqual(variants.map((v) => v.name), [`${rows[legal]['行政相对人名称']}（曾用名）`]);
});

test('a record row up to a heap page is stored uncompressed (toast_tuple_target, migration 20261209T0920a)', async () => {
  const fact = PENALTY_HEADERS.find((h) => h.includes('违法事实'))!;
  const [row] = [...generatePenaltyRows(1, 2727, { invalidRate: 0, duplicateRate: 0 })].map(
    (r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])) as Record<string, string>,
  );
  // About 3 KB of UTF-8 in one field: the row is above PostgreSQL's default toast_tuple_target (about 2 KB).
  row[fact] = '经查，当事人未按规定建立进货查验记录。'.repeat(50);
  const { receipt } = await importWithSteps([row]);
  assert.equal(receipt.new, 1, JSON.stringify(receipt));
  const stored = await sql<{ compression: string | null; bytes: number }>`
    SELECT pg_column_compression(content) AS compression, pg_column_size(r.*) AS bytes FROM records r WHERE batch_id = ${receipt.batchId}`.execute(t.db);
  assert.ok(stored.rows[0].bytes > 2500 && stored.rows[0].bytes < 8160, `row of ${stored.rows[0].bytes} bytes`);
  assert.equal(stored.rows[0].compression, null, 'the content is stored as it came, not compressed');
});
