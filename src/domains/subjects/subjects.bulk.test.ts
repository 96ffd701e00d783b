// The bulk path of subject creation (subjects.bulk.ts) on a real database, called as an import calls it: on a
// pooled client inside a transaction. Each row gets its subject (by USCC, ID hash or legacy code), new subjects
// come with complete search columns, legacy codes and name variants are recorded, and the number of statements
// does not grow with the number of rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type pg from 'pg';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { generateIdNumber, maskIdNumber } from '../codes/index.ts';
import { mulberry32 } from '../../platform/random.ts';
import { generateSubjects } from './demo.ts';
import { searchColumns } from './search.ts';
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

test('linkSubjects creates new subjects with complete search columns, finds known ones, and records name variants', async () => {
  const [a, b] = generateSubjects(2, { seed: 7, cityShort: '西宁', districts: DISTRICTS });
  const first = await inTransaction((q) => linkSubjects(q, [legal(a.name, a.uscc)], seal));
  const idA = first.result[0]!;
  assert.match(idA, /^\d+$/);
  const stored = await t.db.selectFrom('subjects').select(['kind', 'name', 'uscc', 'region_code', 'name_norm', 'pinyin_initials']).where('id', '=', idA).executeTakeFirstOrThrow();
  const cols = searchColumns(a.name);
  assert.deepEqual(stored, { kind: 'legal', name: a.name, uscc: a.uscc, region_code: a.uscc.slice(2, 8), name_norm: cols.nameNorm, pinyin_initials: cols.pinyinInitials });

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

test('subjectPreparer prepares the columns of unknown subjects only, once per batch, and linkSubjects stores them', async () => {
  const [known, fresh] = generateSubjects(2, { seed: 19, cityShort: '西宁', districts: DISTRICTS });
  await inTransaction((q) => linkSubjects(q, [legal(known.name, known.uscc)], seal));
  const prepare = subjectPreparer((text, values) => t.pool.query(text, values), seal);
  const rows = [legal(known.name, known.uscc), legal(fresh.name, fresh.uscc)];
  await prepare(rows);
  assert.equal(rows[0].newSubject, undefined, 'a known subject is not prepared');
  assert.ok(rows[1].newSubject, 'an unknown subject is prepared');
  // A guess the merge trusts: a prepared name_norm is what is stored.
  rows[1].newSubject![7] = 'prepared-norm';
  const later = legal(fresh.name, fresh.uscc);
  await prepare([later]);
  assert.equal(later.newSubject, undefined, 'a code met earlier in the batch is not prepared again');
  const { result } = await inTransaction((q) => linkSubjects(q, [rows[1]], seal));
  const stored = await sql<{ name_norm: string }>`SELECT name_norm FROM subjects WHERE id = ${result[0]}`.execute(t.db);
  assert.equal(stored.rows[0].name_norm, 'prepared-norm');
});
