// The bulk path of subject creation (subjects.bulk.ts) on a real database, called as an import calls it: on a
// pooled client inside a transaction. Each row gets its subject (by USCC, ID hash or legacy code), new subjects
// are left pending for the search indexer (issue 18), legacy codes and name variants are recorded, and the
// number of statements does not grow with the number of rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type pg from 'pg';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { generateIdNumber, maskIdNumber } from '../codes/index.ts';
import { mulberry32 } from '../../platform/random.ts';
import { generateSubjects } from './demo.ts';
import { normalizeName, searchColumns } from './search.ts';
import { backfillSearchColumns } from './subjects.service.ts';
import { linkSubjects, subjectKindOf, subjectPreparer, type BulkQuery, type SubjectRef } from './index.ts';

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t?.close();
});

const DISTRICTS = [{ code: '630102', name: '城东区' }];
// A stand-in for the batch's sealer: reversible and visibly not the plain number.
const seal = (s: string) => `sealed:${[...s].reverse().join('')}`;

function legal(name: string, uscc: string): SubjectRef {
  return { kind: 'legal', name, uscc, idHash: null, idNumber: null, orgCode: null, regNo: null };
}

/** Runs `fn` in a transaction on one pooled client, counting the statements it sends. */
async function inTransaction<T>(fn: (query: BulkQuery) => Promise<T>): Promise<{ result: T; statements: number }> {
  const client: pg.PoolClient = await t.pool.connect();
  let statements = 0;
  try {
    await client.query('BEGIN');
    const query: BulkQuery = (text, values) => {
      statements++;
      return client.query(text, values);
    };
    const result = await fn(query);
    await client.query('COMMIT');
    return { result, statements };
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

test('subjectKindOf maps 主体类别 to the registry kind', () => {
  assert.equal(subjectKindOf('自然人'), 'natural_person');
  assert.equal(subjectKindOf('个体工商户'), 'individual_business');
  assert.equal(subjectKindOf('法人及非法人组织'), 'legal');
  assert.equal(subjectKindOf(null), 'legal');
});

test('linkSubjects creates new subjects pending for the search indexer, finds known ones, and records name variants', async () => {
  const [a, b] = generateSubjects(2, { seed: 7, cityShort: '西宁', districts: DISTRICTS });
  const first = await inTransaction((q) => linkSubjects(q, [legal(a.name, a.uscc)], seal));
  const idA = first.result[0]!;
  assert.match(idA, /^\d+$/);
  const columns = () =>
    sql<{ kind: string; name: string; uscc: string; region_code: string; name_norm: string | null; pinyin_initials: string | null; lexemes: number }>`
      SELECT kind, name, uscc, region_code, name_norm, pinyin_initials, length(name_bigrams) AS lexemes FROM subjects WHERE id = ${idA}`.execute(t.db);
  // Issue 18: the costly search columns are not written on the receipt path; the row is on the indexer's work
  // list. Its normalised name is written at once (issue 14: checks by name find it before the indexer has run).
  assert.deepEqual((await columns()).rows[0], { kind: 'legal', name: a.name, uscc: a.uscc, region_code: a.uscc.slice(2, 8), name_norm: normalizeName(a.name), pinyin_initials: null, lexemes: 0 });
  // The indexer completes them: what searchColumns computes, with the bigrams SQL derives from that name_norm.
  assert.ok((await backfillSearchColumns(t.db)) >= 1);
  const cols = searchColumns(a.name);
  const done = (await columns()).rows[0];
  assert.deepEqual([done.name_norm, done.pinyin_initials], [cols.nameNorm, cols.pinyinInitials]);
  const same = await sql<{ same: boolean }>`SELECT name_bigrams = subject_name_bigrams(name_norm) AS same FROM subjects WHERE id = ${idA}`.execute(t.db);
  assert.equal(same.rows[0].same, true);

  // The same USCC under another name links to the same subject and keeps the name as a variant; b is new.
  const second = await inTransaction((q) => linkSubjects(q, [legal(`${a.name}（曾用名）`, a.uscc), legal(b.name, b.uscc)], seal));
  assert.equal(second.result[0], idA);
  assert.notEqual(second.result[1], idA);
  const variants = await t.db.selectFrom('subject_names').select('name').where('subject_id', '=', idA).execute();
  assert.deepEqual(variants.map((v) => v.name), [`${a.name}（曾用名）`]);
});

test('a natural person is registered by ID hash with the number masked and sealed; legacy codes are linked for next time', async () => {
  const id = generateIdNumber(mulberry32(3), { region: '630102' });
  const person: SubjectRef = { kind: 'natural_person', name: '王小明', uscc: null, idHash: 'h-test-person', idNumber: id, orgCode: null, regNo: null };
  const legacyOnly: SubjectRef = { kind: 'legal', name: '老字号商店', uscc: null, idHash: null, idNumber: null, orgCode: '12345678X', regNo: null };
  const nothing: SubjectRef = { kind: 'legal', name: '无代码', uscc: null, idHash: null, idNumber: null, orgCode: null, regNo: null };
  const { result } = await inTransaction((q) => linkSubjects(q, [person, legacyOnly, nothing], seal));
  assert.equal(result[2], null, 'a row with no identifier has no subject');
  const p = await t.db.selectFrom('subjects').select(['kind', 'id_hash', 'id_masked', 'id_enc']).where('id', '=', result[0]!).executeTakeFirstOrThrow();
  assert.deepEqual(p, { kind: 'natural_person', id_hash: 'h-test-person', id_masked: maskIdNumber(id), id_enc: seal(id) });
  const link = await t.db.selectFrom('subject_identifiers').select(['kind', 'subject_id']).where('value', '=', '12345678X').executeTakeFirstOrThrow();
  assert.deepEqual(link, { kind: 'org', subject_id: result[1] });
  // Reported again, the organisation code finds the subject created for it.
  const again = await inTransaction((q) => linkSubjects(q, [{ ...legacyOnly, name: '老字号商店' }], seal));
  assert.equal(again.result[0], result[1]);
});

test('the statements per chunk do not grow with its rows (set-based, one index probe per code)', async () => {
  const subjects = generateSubjects(210, { seed: 11, cityShort: '西宁', districts: DISTRICTS });
  const small = await inTransaction((q) => linkSubjects(q, subjects.slice(0, 10).map((s) => legal(s.name, s.uscc)), seal));
  const large = await inTransaction((q) => linkSubjects(q, subjects.slice(10).map((s) => legal(s.name, s.uscc)), seal));
  assert.equal(large.result.length, 200);
  assert.equal(new Set(large.result).size, 200);
  assert.equal(large.statements, small.statements);
  assert.ok(small.statements <= 3, `new subjects by USCC: probe and insert (${small.statements} statements)`);
});

test('subjectPreparer prepares the columns of unknown natural persons only, once per batch, and linkSubjects stores them', async () => {
  const person = (hash: string, name: string): SubjectRef => ({
    kind: 'natural_person', name, uscc: null, idHash: hash, idNumber: generateIdNumber(mulberry32(hash.length), { region: '630102' }), orgCode: null, regNo: null,
  });
  const [org] = generateSubjects(1, { seed: 19, cityShort: '西宁', districts: DISTRICTS });
  await inTransaction((q) => linkSubjects(q, [person('h-known', '李四')], seal));
  const prepare = subjectPreparer((text, values) => t.pool.query(text, values), seal);
  const rows = [person('h-known', '李四'), person('h-fresh-person', '张三'), legal(org.name, org.uscc)];
  await prepare(rows);
  assert.equal(rows[0].newSubject, undefined, 'a known subject is not prepared');
  assert.ok(rows[1].newSubject, 'an unknown person is prepared (the sealing of the ID number)');
  assert.equal(rows[2].newSubject, undefined, 'a subject by USCC costs nothing to describe: not prepared, no probe');
  // A guess the merge trusts: a prepared column is what is stored.
  rows[1].newSubject![5] = 'prepared-mask';
  const later = person('h-fresh-person', '张三');
  await prepare([later]);
  assert.equal(later.newSubject, undefined, 'a code met earlier in the batch is not prepared again');
  const { result } = await inTransaction((q) => linkSubjects(q, [rows[1], rows[2]], seal));
  const stored = await sql<{ id_masked: string }>`SELECT id_masked FROM subjects WHERE id = ${result[0]}`.execute(t.db);
  assert.equal(stored.rows[0].id_masked, 'prepared-mask');
  const byUscc = await sql<{ uscc: string }>`SELECT uscc FROM subjects WHERE id = ${result[1]}`.execute(t.db);
  assert.equal(byUscc.rows[0].uscc, org.uscc);
});

test('by USCC the insert comes first: new subjects cost one statement and one index probe each, known ones are read after it (issue 18)', async () => {
  // Thirty subjects the registry does not know yet (earlier tests created some of the generator's).
  const generated = generateSubjects(90, { seed: 19, cityShort: '西宁', districts: DISTRICTS });
  const known = await sql<{ uscc: string }>`SELECT uscc FROM subjects WHERE uscc = ANY(${generated.map((s) => s.uscc)}::text[])`.execute(t.db);
  const taken = new Set(known.rows.map((r) => r.uscc));
  const subjects = [...new Map(generated.filter((s) => !taken.has(s.uscc)).map((s) => [s.uscc, s])).values()].slice(0, 30);
  assert.equal(subjects.length, 30);
  const texts: string[] = [];
  const recording = (q: BulkQuery): BulkQuery => (text, values) => {
    texts.push(text.replace(/\s+/g, ' ').trim());
    return q(text, values);
  };
  const fresh = await inTransaction((q) => linkSubjects(recording(q), subjects.slice(0, 20).map((s) => legal(s.name, s.uscc)), seal));
  assert.deepEqual(texts.map((x) => x.split(' ').slice(0, 3).join(' ')), ['INSERT INTO subjects'], 'no probe before the insert of new subjects');
  assert.equal(new Set(fresh.result).size, 20);
  // Ten known and ten new: the insert skips the known (ON CONFLICT), which are then read, with their registry names.
  texts.length = 0;
  const mixed = await inTransaction((q) => linkSubjects(recording(q), subjects.slice(10).map((s) => legal(s.name, s.uscc)), seal));
  assert.deepEqual(mixed.result.slice(0, 10), fresh.result.slice(10));
  assert.equal(new Set(mixed.result).size, 20);
  assert.deepEqual(texts.map((x) => x.split(' ').slice(0, 2).join(' ')), ['INSERT INTO', 'SELECT uscc']);
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM subjects WHERE uscc = ANY(${subjects.map((s) => s.uscc)}::text[])`.execute(t.db);
  assert.equal(count.rows[0].n, 30);
});

test('a subject a legacy-code link names cannot be deleted or renumbered, and links never dangle (a guard instead of the per-row foreign key, issue 18)', async () => {
  // Migration 20261210T0930r: the link's foreign key (checked per row, about 11 µs each on an import) gave way to
  // the guard on subjects; the guarantee is the same: no link names a subject that is not there.
  const linked: SubjectRef = { kind: 'legal', name: '老字号粮油店', uscc: null, idHash: null, idNumber: null, orgCode: '87654321Y', regNo: '630102000012345' };
  const { result } = await inTransaction((q) => linkSubjects(q, [linked], seal));
  const id = result[0]!;
  const links = await t.db.selectFrom('subject_identifiers').select(['kind', 'value']).where('subject_id', '=', id).orderBy('kind').execute();
  assert.deepEqual(links, [{ kind: 'org', value: '87654321Y' }, { kind: 'regno', value: '630102000012345' }]);
  const code = async (q: Promise<unknown>) => q.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));
  assert.equal(await code(t.db.deleteFrom('subjects').where('id', '=', id).execute()), '23503', 'deleting the linked subject is refused');
  assert.equal(await code(sql`UPDATE subjects SET id = id + 1000000 WHERE id = ${id}`.execute(t.db)), '23503', 'renumbering it is refused');
  // Other updates of the subject go through; a subject without links or records is not held back.
  assert.equal(await code(t.db.updateTable('subjects').set({ name: '老字号粮油商店' }).where('id', '=', id).execute()), 'ok');
  const lone = await t.db.insertInto('subjects').values({ kind: 'legal', name: '无关联代码的测试企业' }).returning('id').executeTakeFirstOrThrow();
  assert.equal(await code(t.db.deleteFrom('subjects').where('id', '=', lone.id).execute()), 'ok');
  // Over everything this file's tests linked: every link names a subject.
  const dangling = await sql<{ n: number }>`SELECT count(*)::int AS n FROM subject_identifiers i WHERE NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = i.subject_id)`.execute(t.db);
  assert.equal(dangling.rows[0].n, 0);
});
