// Name checks right after an import (issue 14 §5 with issue 18's deferred search columns): a subject an import has
// just created is pending for the search indexer (no 拼音, no bigrams) for up to a minute, and a pre-action check
// or a screening row by name must still find it — by its exact name and by its name without the legal form —
// rather than answer 未找到. The subjects are created as an import creates them (subjects' linkSubjects, in a
// committed transaction) and the indexer is never run here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type pg from 'pg';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { loadConfig } from '../../config.ts';
import { seedDepartments } from '../../shell/seed.ts';
import { installBuiltinListTypes, registerEntry } from '../lists/index.ts';
import { linkSubjects, type BulkQuery, type SubjectRef } from '../subjects/index.ts';
import { runCheck } from './check.service.ts';
import { resolveSubjects } from './match.ts';
import { installShippedMeasures } from './measures.seed.ts';
import { screenFile } from './screening.ts';

let t: TestDb;
const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const ctx = { actor: { userId: null, username: 'test' } };
let dept = 0;
// Valid USCCs (check digit right), unknown to the registry until the "import" below.
const LISTED = { name: '福州湟源建材有限公司', uscc: '91350100M000100Y43' };
const TRAD = { name: '福州東方餐飲管理有限責任公司', uscc: '91350100M00010399X' };
let listedId = '';

const legal = (s: { name: string; uscc: string }): SubjectRef => ({ kind: 'legal', name: s.name, uscc: s.uscc, idHash: null, idNumber: null, orgCode: null, regNo: null });
const seal = (s: string) => `sealed:${s}`;

/** Creates subjects as an import does: linkSubjects on one pooled client, in a transaction that commits. */
async function importSubjects(refs: SubjectRef[]): Promise<(string | null)[]> {
  const client: pg.PoolClient = await t.pool.connect();
  try {
    await client.query('BEGIN');
    const query: BulkQuery = (text, values) => client.query(text, values);
    const ids = await linkSubjects(query, refs, seal);
    await client.query('COMMIT');
    return ids;
  } finally {
    client.release();
  }
}

before(async () => {
  t = await createTestDb();
  await installShippedMeasures(t.db);
  await installBuiltinListTypes(t.db);
  await seedDepartments(t.db, loadConfig({}));
  dept = (await t.db.selectFrom('departments').select('id').where('code', '=', 'CZJ').executeTakeFirstOrThrow()).id;
  [listedId] = (await importSubjects([legal(LISTED), legal(TRAD)])) as string[];
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: listedId, decisionNo: '榕财采〔2026〕9号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
});
after(async () => {
  await t?.close();
});

test('the imported subjects are still pending for the search indexer (the case under test)', async () => {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM subjects WHERE pinyin_initials IS NULL AND uscc IN (${LISTED.uscc}, ${TRAD.uscc})`.execute(t.db);
  assert.equal(r.rows[0].n, 2);
});

const CASES: Array<{ query: string; matchedBy: 'name' | 'name_normalised'; uscc: string }> = [
  { query: LISTED.name, matchedBy: 'name', uscc: LISTED.uscc },
  { query: '福州湟源建材', matchedBy: 'name_normalised', uscc: LISTED.uscc },
  { query: '福州湟源建材有限责任公司', matchedBy: 'name_normalised', uscc: LISTED.uscc },
  { query: '福州东方餐饮管理有限责任公司', matchedBy: 'name', uscc: TRAD.uscc },
  { query: '福州東方餐飲管理', matchedBy: 'name_normalised', uscc: TRAD.uscc },
];

for (const c of CASES) {
  test(`a pending subject is found by name: “${c.query}” → ${c.matchedBy}`, async () => {
    const [r] = await resolveSubjects(t.db, SECRET, [{ name: c.query }]);
    assert.equal(r!.status, 'found', JSON.stringify(r));
    assert.deepEqual(r!.status === 'found' && [r.matchedBy, r.subject.uscc], [c.matchedBy, c.uscc]);
  });
}

test('a pre-action check by name finds the pending listed subject, with its measures', async () => {
  const a = await runCheck(t.db, { secret: SECRET, departmentId: dept, channel: 'console', scenario: '政府采购', subjects: [{ name: LISTED.name }, { name: '福州湟源建材' }] }, ctx);
  for (const s of a.subjects) {
    assert.equal(s.status, 'found', s.message);
    assert.deepEqual(s.black.map((e) => e.decisionNo), ['榕财采〔2026〕9号']);
    assert.ok(s.measures.length > 0, 'the measures of the 政府采购 scenario apply');
  }
});

test('a screening row by name hits the pending listed subject', async () => {
  const csv = ['名称', LISTED.name, '福州湟源建材', TRAD.name].join('\n');
  const r = await screenFile(t.db, { secret: SECRET, departmentId: dept, scenario: '政府采购', fileName: 'names.csv', bytes: Buffer.from(csv) }, ctx);
  assert.deepEqual(r.summary, { rows: 3, found: 3, black: 2, red: 0, notFound: 0, review: 0, invalid: 0 });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.xlsx as unknown as ExcelJS.Buffer);
  const outcome = (row: number) => String(wb.worksheets[0]!.getRow(row).getCell(5).value);
  assert.deepEqual([outcome(2), outcome(3), outcome(4)], ['命中', '命中', '未命中']);
});
