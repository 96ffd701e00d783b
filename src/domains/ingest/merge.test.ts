// The merge's statements (issue 18): what a re-import of unchanged rows still asks of PostgreSQL, and that a
// changed row among them is linked to its subject as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openIngestBed, type IngestBed } from '../../../test/helpers/ingestBed.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { importRows } from './import.service.ts';
import { decrypt } from '../../db/crypto.ts';
import { reportingAuthorities } from '../auth/index.ts';
import { startBatch } from './batches.ts';
import { commitBatch } from './commit.ts';
import { jsonRowEvents, parseJob } from './parse.job.ts';
import type { StagedRow } from './staging.ts';

let t: IngestBed;
before(async () => {
  t = await openIngestBed();
});
after(() => t?.close());

/** Imports rows in chunks of 10 and returns the receipt and the merge statements run (their first words). */
async function importWithSteps(rows: Record<string, string>[]) {
  const steps: string[] = [];
  const receipt = await importRows(t.rowsOptions(rows, { chunkRows: 10, onStep: (s) => steps.push(s) }));
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

/** Rows read and staged in this thread as the parse worker stages them (key, hash, values), for commitBatch. */
async function stagedRows(rows: Record<string, string>[]): Promise<StagedRow[]> {
  const auth = await reportingAuthorities(t.db, t.dept);
  const now = new Date();
  const job = {
    item: t.item, today: now, reportDate: now, calendarOverrides: [], auth, correctionHint: false, review: false, secret: t.secret, keyWithSubject: true, batchRows: 1000,
    defaults: { source_name: auth.departmentName, ...(auth.own ? { authority_uscc: auth.own, source_uscc: auth.own } : {}) },
  };
  const out: StagedRow[] = [];
  for await (const ev of parseJob(job, jsonRowEvents(rows))) if (ev.type === 'rows') out.push(...ev.rows);
  return out;
}

test('a re-import completes none of its unchanged rows (no sealing, no COPY text: issue 18); a row whose record changed after its chunk was prepared is completed by the merge', async () => {
  const rows = [...generatePenaltyRows(30, 3131, { invalidRate: 0, duplicateRate: 0 })].map(
    (r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])) as Record<string, string>,
  );
  const first = await importWithSteps(rows);
  assert.equal(first.receipt.new, rows.length, JSON.stringify(first.receipt));

  // The same rows committed again: the worker's share only (key, hash, values) is ever computed for them.
  const again = await stagedRows(rows);
  assert.equal(again.length, rows.length);
  assert.ok(again.every((r) => r.kind === 'accepted' && r.staged && r.staged.line === null), 'staged without their COPY text');
  const batchId = await startBatch(t.db, { departmentId: t.dept, item: t.item, channel: 'api', format: 'json' });
  const list = async function* () {
    yield* again;
  };
  const counts = await commitBatch({ db: t.db, pool: t.pool, secret: t.secret, batchId, keyWithSubject: true, item: t.item, departmentId: t.dept, channel: 'api', rows: list(), chunkRows: 10 });
  assert.equal(counts.duplicates, rows.length, JSON.stringify(counts));
  assert.ok(again.every((r) => r.kind === 'accepted' && r.staged!.line === null && r.staged!.input === undefined), 'none was completed');

  // The stored records change after the first chunk was prepared (as another batch's merge could): every row now
  // writes a version, completed by the merge itself, with the same content and sealed originals as staging makes.
  const before = await t.db.selectFrom('records').select(['id', 'content', 'pii_enc']).where('batch_id', '=', first.receipt.batchId).orderBy('id').execute();
  const third = await importRows(
    t.rowsOptions(rows, {
      chunkRows: 100,
      beforeMerge: async () => {
        await sql`UPDATE records SET current_hash = 'changed-elsewhere' WHERE batch_id = ${first.receipt.batchId}`.execute(t.db);
      },
    }),
  );
  assert.equal(third.updated, rows.length, JSON.stringify(third));
  const after = await t.db.selectFrom('records').select(['id', 'content', 'pii_enc', 'current_version']).where('batch_id', '=', third.batchId).orderBy('id').execute();
  assert.deepEqual(after.map((r) => [r.id, r.content, r.current_version]), before.map((r) => [r.id, r.content, 2]));
  const opened = (x: string | null) => (x === null ? null : decrypt(t.secret, x, 'pii'));
  assert.deepEqual(after.map((r) => opened(r.pii_enc)), before.map((r) => opened(r.pii_enc)));
  assert.ok(after.some((r) => r.pii_enc !== null), 'some rows carry sealed personal fields');
});

test('a row prepared as a new record whose key is stored by the time of its merge is decided from its values again (its input was dropped)', async () => {
  const rows = [...generatePenaltyRows(12, 4242, { invalidRate: 0, duplicateRate: 0 })].map(
    (r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])) as Record<string, string>,
  );
  // The reference: the same rows imported as new records, publicity decided from the input kept at completion.
  const reference = await importWithSteps(rows);
  assert.equal(reference.receipt.new, rows.length, JSON.stringify(reference.receipt));
  const expected = await t.db.selectFrom('records').select(['record_key', 'audience', 'public_from', 'public_until', 'publicity'])
    .where('batch_id', '=', reference.receipt.batchId).orderBy('record_key').execute();
  // Moved aside (records are never deleted once they have a version), so the same keys are new again.
  await sql`UPDATE records SET record_key = record_key || '.reference' WHERE batch_id = ${reference.receipt.batchId}`.execute(t.db);

  // Staged and prepared while no record has their keys (so their rows keep no input); before the merge, records with
  // those keys appear (committed elsewhere), so the merge decides each one's publicity as a stored record's.
  const staged = await stagedRows(rows);
  const batchId = await startBatch(t.db, { departmentId: t.dept, item: t.item, channel: 'api', format: 'json' });
  const list = async function* () {
    yield* staged;
  };
  const counts = await commitBatch({
    db: t.db, pool: t.pool, secret: t.secret, batchId, keyWithSubject: true, item: t.item, departmentId: t.dept, channel: 'api', rows: list(), chunkRows: 100,
    beforeMerge: async () => {
      assert.ok(staged.every((r) => r.kind === 'accepted' && r.staged!.line !== null && r.staged!.input === undefined), 'completed as new records, without their input');
      await sql`INSERT INTO records (item_id, record_type, record_key, authority_uscc, doc_no, department_id, current_version, current_hash, status)
        SELECT ${t.item.id}, ${t.item.recordType}, record_key, 'x', 'x', ${t.dept}, 1, 'elsewhere', 'active' FROM unnest(${expected.map((e) => e.record_key)}::text[]) AS record_key`.execute(t.db);
    },
  });
  assert.equal(counts.updated, rows.length, JSON.stringify(counts));
  const got = await t.db.selectFrom('records').select(['record_key', 'audience', 'public_from', 'public_until', 'publicity'])
    .where('batch_id', '=', batchId).orderBy('record_key').execute();
  assert.deepEqual(got, expected);
});
