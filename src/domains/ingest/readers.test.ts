// The readers of a record's current version after the version model (migration 20261208T0835w, issue 18): each
// reads the record row, not the record_versions view joined on current_version. One table of readers over the same
// fixture: two records imported, one of them corrected by a second batch (2 versions: the first in record_history,
// the second on the record), and a record without any version (a fixture written outside an import), which every
// reader leaves out as the view join did. Each reader must see the corrected record's CURRENT content, and find
// it by the batch that wrote each of its versions where it reads by batch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createDb, type Db } from '../../db/index.ts';
import { createTestDatabase, dropTestDatabase, urlFor } from '../../../test/helpers/db.ts';
import { prepareIngest } from '../../../test/helpers/ingestBed.ts';
import { refreshPublicity, repairFactsOfRecords, repairFactsOfSubject } from '../publicity/index.ts';
import { recordCountsByField } from './field.stats.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from './fixtures.ts';
import { importRows } from './import.service.ts';
import { batchRecords, getRecord, listRecords } from './ingest.repository.ts';
import { batchRecords as listFeedRecords } from './listfeed.ts';

const SECRET = 'readers-test-secret-0123456789-abcdefghij';
const CONDUCT = '违法行为类型';
const NOTE = '备注';
/** The stored content is keyed by field code. */
const CONDUCT_CODE = 'CF_WFXW';
const NOTE_CODE = 'BZ';
const CORRECTED_CONDUCT = '未按规定公示食品经营许可证（更正）';
let name: string;
let db: Db;
let pool: import('pg').Pool;
/** The fixture: the corrected record (2 versions), the other imported one, the bare one, and the two batches. */
const f = { corrected: '', other: '', bare: '', subject: '', b1: '', b2: '', oldConduct: '' };

before(async () => {
  name = await createTestDatabase();
  ({ db, pool } = createDb(urlFor(name), 4));
  const { item, dept } = await prepareIngest(db);
  // Two organisations (pooled subjects have a USCC), so repair facts can be read by subject.
  const rows = [...generatePenaltyRows(2, 1807, { subjects: 2 })].map((r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])));
  const common = { db, pool, secret: SECRET, item, departmentId: dept, channel: 'api' as const };
  const first = await importRows({ ...common, rows });
  assert.equal(first.new, 2);
  const second = await importRows({ ...common, rows: [{ ...rows[0], [CONDUCT]: CORRECTED_CONDUCT, [NOTE]: '已更正' }] });
  assert.equal(second.updated, 1, 'the second batch corrects the first row');
  f.b1 = first.batchId;
  f.b2 = second.batchId;
  f.oldConduct = rows[0][CONDUCT];
  const recs = await db.selectFrom('records').select(['id', 'current_version', 'subject_id']).orderBy('id').execute();
  const c = recs.find((r) => r.current_version === 2)!;
  f.corrected = c.id;
  f.subject = c.subject_id!;
  f.other = recs.find((r) => r.id !== c.id)!.id;
  // A record of the same subject, department and type without any version: content is null.
  const decision = (await db.selectFrom('records').select('decision_date').where('id', '=', c.id).executeTakeFirstOrThrow()).decision_date;
  f.bare = (
    await sql<{ id: string }>`INSERT INTO records (item_id, record_type, record_key, authority_uscc, doc_no, department_id, subject_id, current_version, current_hash, status, decision_date)
      VALUES (${item.id}, 'penalty', 'bare-key', '11350100003626020T', '无版本文号', ${dept}, ${f.subject}, 1, 'h0', 'active', ${decision}) RETURNING id`.execute(db)
  ).rows[0].id;
});

after(async () => {
  await db.destroy();
  await dropTestDatabase(name);
});

test('the fixture: the corrected record has two versions, the first superseded in record_history', async () => {
  const vs = await db.selectFrom('record_versions').select(['record_id', 'version', 'batch_id']).orderBy('record_id').orderBy('version').execute();
  assert.deepEqual(vs, [
    { record_id: f.corrected, version: 1, batch_id: f.b1 },
    { record_id: f.corrected, version: 2, batch_id: f.b2 },
    { record_id: f.other, version: 1, batch_id: f.b1 },
  ].sort((a, b) => Number(a.record_id) - Number(b.record_id)));
});

// Each reader, what it returns on the fixture (ids, versions and the content it read), and why.
const READERS: Array<{ reader: string; run: () => Promise<unknown>; expect: () => unknown }> = [
  {
    reader: 'refreshPublicity by the batch that wrote the current version (the correction)',
    run: async () => (await refreshPublicity(db, SECRET, { batchId: f.b2 })).checked,
    expect: () => 1,
  },
  {
    reader: 'refreshPublicity by the first batch: only the record whose current version it wrote',
    run: async () => (await refreshPublicity(db, SECRET, { batchId: f.b1 })).checked,
    expect: () => 1,
  },
  {
    reader: 'refreshPublicity of given records: the bare record has nothing to decide',
    run: async () => (await refreshPublicity(db, SECRET, { recordIds: [f.corrected, f.bare] })).checked,
    expect: () => 1,
  },
  {
    reader: 'repairFactsOfRecords reads the current conduct and leaves the bare record out',
    run: async () => (await repairFactsOfRecords(db, SECRET, [f.corrected, f.bare])).map((r) => [r.recordId, r.conduct]),
    expect: () => [[f.corrected, CORRECTED_CONDUCT]],
  },
  {
    reader: 'repairFactsOfSubject reads the current conduct and leaves the bare record out',
    run: async () => (await repairFactsOfSubject(db, SECRET, f.subject)).map((r) => [r.recordId, r.conduct]),
    expect: () => [[f.corrected, CORRECTED_CONDUCT]],
  },
  {
    reader: 'lists feed of the first batch: both records it wrote a version of, each with its current content',
    run: async () => (await listFeedRecords(db, f.b1)).map((r) => [r.id, r.content[CONDUCT_CODE] === CORRECTED_CONDUCT]),
    expect: () => [
      [f.corrected, true],
      [f.other, false],
    ].sort((a, b) => Number(a[0]) - Number(b[0])),
  },
  {
    reader: 'lists feed of the correction batch: the corrected record only',
    run: async () => (await listFeedRecords(db, f.b2)).map((r) => [r.id, r.content[NOTE_CODE]]),
    expect: () => [[f.corrected, '已更正']],
  },
  {
    reader: 'recordCountsByField counts the current value; the bare record is not counted',
    run: async () => {
      const counts = await recordCountsByField(db, 'penalty', CONDUCT_CODE, '1900-01-01', '2999-01-01');
      return [counts.reduce((a, c) => a + c.n, 0), counts.find((c) => c.value === CORRECTED_CONDUCT)?.n];
    },
    expect: () => [2, 1],
  },
  {
    reader: 'listRecords: the imported records at their current version, the bare one left out',
    run: async () => (await listRecords(db, null, {})).items.map((r) => [r.id, r.version]).sort((a, b) => Number(a[0]) - Number(b[0])),
    expect: () => [
      [f.corrected, 2],
      [f.other, 1],
    ].sort((a, b) => Number(a[0]) - Number(b[0])),
  },
  {
    reader: 'getRecord: the current version on the record, both versions in its history',
    run: async () => {
      const r = (await getRecord(db, f.corrected))!;
      return [r.record.version, r.versions.map((v) => [v.version, v.batchId, v.content[CONDUCT_CODE]])];
    },
    expect: () => [
      2,
      [
        [1, f.b1, f.oldConduct],
        [2, f.b2, CORRECTED_CONDUCT],
      ],
    ],
  },
  {
    reader: 'getRecord of the bare record: nothing, as before',
    run: () => getRecord(db, f.bare),
    expect: () => undefined,
  },
  {
    reader: 'receipt of the first batch: the version it wrote of each record, the record at its current version',
    run: async () => (await batchRecords(db, f.b1)).items.map((i) => [i.record.id, i.batchVersion, i.record.version]).sort((a, b) => Number(a[0]) - Number(b[0])),
    expect: () => [
      [f.corrected, 1, 2],
      [f.other, 1, 1],
    ].sort((a, b) => Number(a[0]) - Number(b[0])),
  },
  {
    reader: 'receipt of the correction batch: the corrected record, version 2',
    run: async () => (await batchRecords(db, f.b2)).items.map((i) => [i.record.id, i.batchVersion, i.record.version]),
    expect: () => [[f.corrected, 2, 2]],
  },
];

for (const { reader, run, expect } of READERS) {
  test(reader, async () => {
    assert.deepEqual(await run(), expect());
  });
}
