// The version model of issue 18 (migration 20261208T0835w): a record holds its current version, record_history
// the superseded ones, and the view record_versions shows every version as the table did. The migration is run
// on a database made with the old schema and old-shape data; then a correction and a re-import of the
// converted records keep every earlier version.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createDb, migrate, migrateTo, shippedMigrations, type Db } from '../../db/index.ts';
import { sealer } from '../../platform/crypto.ts';
import { createTestDatabase, dropTestDatabase, urlFor } from '../../../test/helpers/db.ts';
import { prepareIngest } from '../../../test/helpers/ingestBed.ts';
import { findActiveItem } from '../catalog/catalog.repository.ts';
import { appendRecordVersion } from './corrections.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { importRows } from './import.service.ts';

const MIGRATION = '20261208T0835w_record_current_content';
const SECRET = 'versions-test-secret-0123456789-abcdefghij';
let name: string;
let db: Db;
let pool: import('pg').Pool;
const seal = sealer(SECRET, 'pii');
const SEALED = [seal(JSON.stringify({ x: '1' })), seal(JSON.stringify({ x: '2' }))];

before(async () => {
  name = await createTestDatabase({ migrated: false });
  ({ db, pool } = createDb(urlFor(name), 4));
  const shipped = await shippedMigrations();
  await migrateTo(db, shipped[shipped.indexOf(MIGRATION) - 1]);
});

after(async () => {
  await db.destroy();
  await dropTestDatabase(name);
});

const allVersions = async () =>
  (await sql<Record<string, unknown>>`SELECT * FROM record_versions ORDER BY record_id, version`.execute(db)).rows;

test('the migration moves each current version onto its record and keeps every version, as the view shows them', async () => {
  const { item, dept } = await prepareIngest(db);
  // Old shape: records without content, every version (current included) in the table record_versions.
  const batch = async () =>
    (await sql<{ id: string }>`INSERT INTO ingest_batches (department_id, item_id, catalog_version, channel, status)
      VALUES (${dept}, ${item.id}, ${item.version}, 'file', 'committed') RETURNING id`.execute(db)).rows[0].id;
  const b1 = await batch();
  const b2 = await batch();
  const record = async (key: string, version: number, hash: string) =>
    (await sql<{ id: string }>`INSERT INTO records (item_id, record_type, record_key, authority_uscc, doc_no, department_id, current_version, current_hash, status)
      VALUES (${item.id}, 'penalty', ${key}, '11350100003626020T', ${key}, ${dept}, ${version}, ${hash}, 'active') RETURNING id`.execute(db)).rows[0].id;
  const twice = await record('k-twice', 2, 'h2');
  const once = await record('k-once', 1, 'h1');
  const bare = await record('k-bare', 1, 'h0'); // a record without any version row (a fixture), as tests write them
  const version = (recordId: string, v: number, batchId: string, content: object, hash: string, extra: { pii?: string; withdrawn?: boolean; late?: boolean; wd?: number | null } = {}) =>
    sql`INSERT INTO record_versions (record_id, version, subject_id, content, content_hash, pii_enc, withdrawn, late, working_days, provisional, batch_id, row_number, channel, department_id, catalog_version)
      VALUES (${recordId}, ${v}, NULL, ${JSON.stringify(content)}, ${hash}, ${extra.pii ?? null}, ${extra.withdrawn ?? false}, ${extra.late ?? false}, ${extra.wd ?? null}, false, ${batchId}, ${v + 10}, 'file', ${dept}, ${item.version})`.execute(db);
  await version(twice, 1, b1, { a: 'first' }, 'h1', { pii: SEALED[0], late: true, wd: 12 });
  await version(twice, 2, b2, { a: 'second' }, 'h2', { pii: SEALED[1] });
  await version(once, 1, b1, { a: 'only' }, 'h1');
  const before = await allVersions();
  assert.equal(before.length, 3);

  await migrate(db);

  assert.deepEqual(await allVersions(), before, 'the view shows exactly the versions the table held, column for column');
  const history = await db.selectFrom('record_history').select(['record_id', 'version']).orderBy('record_id').execute();
  assert.deepEqual(history, [{ record_id: twice, version: 1 }], 'only the superseded version is history');
  const recs = await db.selectFrom('records').select(['id', 'content', 'pii_enc', 'batch_id', 'row_number']).orderBy('id').execute();
  assert.deepEqual(recs, [
    { id: twice, content: { a: 'second' }, pii_enc: SEALED[1], batch_id: b2, row_number: 12 },
    { id: once, content: { a: 'only' }, pii_enc: null, batch_id: b1, row_number: 11 },
    { id: bare, content: null, pii_enc: null, batch_id: null, row_number: null },
  ]);
  // The guards still refuse deleting a record that has a version, or a batch that wrote one.
  await assert.rejects(sql`DELETE FROM records WHERE id = ${once}`.execute(db), (e: { code?: string }) => e.code === '23503');
  await assert.rejects(sql`DELETE FROM ingest_batches WHERE id = ${b2}`.execute(db), (e: { code?: string }) => e.code === '23503');
});

test('a correction of a converted record keeps its old current version in the history', async () => {
  const twice = (await db.selectFrom('records').select('id').where('record_key', '=', 'k-twice').executeTakeFirstOrThrow()).id;
  const dept = (await db.selectFrom('records').select('department_id').where('id', '=', twice).executeTakeFirstOrThrow()).department_id;
  await db.transaction().execute((trx) => appendRecordVersion(trx, SECRET, { recordId: twice, departmentId: dept, userId: null, reason: '测试', withdraw: true }));
  const vs = (await allVersions()).filter((v) => v.record_id === twice);
  assert.deepEqual(vs.map((v) => [v.version, v.content, v.withdrawn]), [
    [1, { a: 'first' }, false],
    [2, { a: 'second' }, false],
    [3, { a: 'second' }, true],
  ]);
  assert.equal(vs[1].pii_enc, SEALED[1], 'the superseded version keeps its sealed originals');
  const rec = await db.selectFrom('records').select(['current_version', 'status', 'channel']).where('id', '=', twice).executeTakeFirstOrThrow();
  assert.deepEqual(rec, { current_version: 3, status: 'withdrawn', channel: 'form' });
});

test('an import writes one row per new record and moves a changed record\'s current version to its history', async () => {
  const dept = (await db.selectFrom('departments').select('id').where('code', '=', 'SCJGJ').executeTakeFirstOrThrow()).id;
  const item = (await findActiveItem(db, '行政处罚'))!;
  const rows = [...generatePenaltyRows(30, 4242, { invalidRate: 0, duplicateRate: 0 })].map((r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])));
  const common = { db, pool, secret: SECRET, item, departmentId: dept, channel: 'api' as const };
  const first = await importRows({ ...common, rows });
  assert.equal(first.new, rows.length);
  const written = await db.selectFrom('records').select((eb) => eb.fn.countAll<string>().as('n')).where('batch_id', '=', first.batchId).executeTakeFirstOrThrow();
  assert.equal(Number(written.n), rows.length, 'each new record holds its current version');
  assert.equal((await db.selectFrom('record_history').select('version').where('batch_id', '=', first.batchId).execute()).length, 0, 'and no history row is written for it');
  // The same rows with one changed cell: each record's first version becomes history, its second is on the record.
  const changedRows = rows.map((r) => ({ ...r, [PENALTY_HEADERS[PENALTY_HEADERS.length - 1]]: `${r[PENALTY_HEADERS[PENALTY_HEADERS.length - 1]] ?? ''}（更正）` }));
  const second = await importRows({ ...common, rows: changedRows });
  assert.equal(second.updated, rows.length);
  const history = await db.selectFrom('record_history').select(['batch_id', 'version']).where('batch_id', '=', first.batchId).execute();
  assert.equal(history.length, rows.length);
  assert.ok(history.every((h) => h.version === 1));
  const v = await sql<{ n: number }>`SELECT count(*)::int AS n FROM record_versions v JOIN records r ON r.id = v.record_id WHERE r.batch_id = ${second.batchId}`.execute(db);
  assert.equal(v.rows[0].n, rows.length * 2, 'both versions of each record are shown');
});
