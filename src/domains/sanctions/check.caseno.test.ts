// Case numbers (核查编号) past 99,999,999 checks: HC, the day, the check id padded to at least 8 digits. lpad to
// exactly 8 cut a 9-digit id, so ids 100,000,000 … 100,000,009 shared one number and the UNIQUE constraint refused
// the check. Its own file: the sequence is set near the limit, which would change every later case number.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, deptId, type TestApp } from '../../../test/helpers/app.ts';
import { searchColumns } from '../subjects/index.ts';
import { runCheck, type CheckAnswer, type CheckInput } from './check.service.ts';
import { installShippedMeasures } from './measures.seed.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const USCC = '91350100M000100Y43';
const ctx = { actor: { userId: null, username: 'test' } };

let t: TestApp;
let dept = 0;

before(async () => {
  t = await createTestApp();
  await installShippedMeasures(t.db);
  const { nameNorm, pinyinInitials } = searchColumns('福州编号测试有限公司');
  await t.db
    .insertInto('subjects')
    .values({ kind: 'legal', name: '福州编号测试有限公司', uscc: USCC, id_hash: null, name_norm: nameNorm, pinyin_initials: pinyinInitials, created_at: new Date(), updated_at: new Date() })
    .execute();
  dept = await deptId(t.db, 'CZJ');
});
after(() => t.close());

const input: CheckInput = { secret: SECRET, departmentId: 0, channel: 'api', scenario: '政府采购', subjects: [{ uscc: USCC }] };
// As the signed API runs it (named prepared statements on the pool), or plain on the handle.
const check = (pooled: boolean) => runCheck(t.db, { ...input, departmentId: dept }, ctx, pooled ? t.ctx.pool : undefined);
/** The day part and the number part of a case number. */
const parts = (a: CheckAnswer) => ({ day: a.caseNo.slice(2, 10), number: a.caseNo.slice(10) });

test('below 99,999,999 a case number keeps its format: HC, the day, the id in 8 digits', async () => {
  const a = await check(true);
  assert.match(a.caseNo, /^HC\d{8}\d{8}$/);
  assert.equal(parts(a).number, a.checkId.padStart(8, '0'));
});

test('past 99,999,999 checks the case numbers stay distinct and ordered: three checks from 99,999,999 on', async () => {
  await sql`SELECT setval('sanction_checks_id_seq', 99999998)`.execute(t.owner);
  const all: CheckAnswer[] = [];
  // One after another, so their ids (and so their numbers) are in the order of the checks.
  for (const pooled of [true, false, true]) all.push(await check(pooled));
  assert.deepEqual(
    all.map((a) => a.checkId),
    ['99999999', '100000000', '100000001'],
  );
  assert.deepEqual(
    all.map((a) => parts(a).number),
    ['99999999', '100000000', '100000001'],
    'the number is the whole id: 8 digits up to 99,999,999, then as many as it needs',
  );
  assert.equal(new Set(all.map((a) => a.caseNo)).size, all.length, 'distinct');
  for (const a of all) assert.match(a.caseNo, /^HC\d{8}\d{8,}$/);
  // The order the format promises: by day, then by the number read as a number (a longer number is a later one).
  const key = (a: CheckAnswer) => [parts(a).day, parts(a).number.length, parts(a).number].join('|');
  assert.deepEqual(
    all.map(key),
    all.map(key).sort(),
  );
  for (let i = 1; i < all.length; i++) assert.ok(BigInt(parts(all[i]!).number) > BigInt(parts(all[i - 1]!).number));
  // All three stored under those numbers.
  const stored = await t.db.selectFrom('sanction_checks').select(['id', 'case_no']).where('id', '>=', '99999999').orderBy('id').execute();
  assert.deepEqual(
    stored.map((r) => r.case_no),
    all.map((a) => a.caseNo),
  );
});
