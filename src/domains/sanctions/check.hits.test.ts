// A check's hits have no foreign key to their check (migration 20261214T1010c: its per-row look-up was planned as a
// sequential scan while sanction_checks was empty and kept while the table grew). The check's write statement is the
// only writer of hits; a guard on sanction_checks (refuse_orphans) refuses what the key refused, with the same
// SQLSTATE, and a check is deleted by deleting its hits first, in the same transaction.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, deptId, type TestApp } from '../../../test/helpers/app.ts';
import { installBuiltinListTypes, registerEntry } from '../lists/index.ts';
import { searchColumns } from '../subjects/index.ts';
import { runCheck, type CheckInput } from './check.service.ts';
import { installShippedMeasures } from './measures.seed.ts';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const LISTED = '91530103753ND6X38P';
const CLEAN = '91441422KC0U0BR176';

let t: TestApp;
let dept = 0;

before(async () => {
  t = await createTestApp();
  await installShippedMeasures(t.db);
  await installBuiltinListTypes(t.db);
  const ids: string[] = [];
  for (const [i, uscc] of [LISTED, CLEAN].entries()) {
    const name = `福州核查命中${i}建材有限公司`;
    const { nameNorm, pinyinInitials } = searchColumns(name);
    const r = await t.db
      .insertInto('subjects')
      .values({ kind: 'legal', name, uscc, id_hash: null, name_norm: nameNorm, pinyin_initials: pinyinInitials, created_at: new Date(), updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(r.id);
  }
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: ids[0]!, decisionNo: '榕财采〔2026〕77号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
  await registerEntry(t.db, { listType: 'ANSRX', subjectId: ids[0]!, decisionNo: '2025年度A级-77', origin: 'collected', status: 'listed', listedOn: '2026-04-01' });
  dept = await deptId(t.db, 'CZJ');
});
after(async () => {
  await t.close();
});

const input = (uscc: string): CheckInput => ({ secret: SECRET, departmentId: dept, channel: 'console', scenario: '政府采购', subjects: [{ uscc }] });
const ctx = { actor: { userId: null, username: 'hits-guard' } };
/** The statement's outcome: 'ok', or the SQLSTATE it was refused with. */
const outcome = async (q: Promise<unknown>) => q.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));
const hitsOf = async (checkId: string) => (await t.db.selectFrom('sanction_check_hits').select(['entry_id', 'color']).where('check_id', '=', checkId).orderBy('entry_id').execute()).map((h) => h.color);

test('hits have no foreign key; deleting or renumbering a check that has hits is refused with 23503, as the key did', async () => {
  const fks = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'sanction_check_hits'::regclass AND contype = 'f'`.execute(t.owner);
  assert.equal(fks.rows[0]!.n, 0, 'no per-row foreign-key check on the hot write path');

  // Through the pool: the batched write statement (check.batch.ts storeChecks), as the signed API and the console.
  const hit = await runCheck(t.db, input(LISTED), ctx, t.ctx.pool);
  assert.deepEqual(await hitsOf(hit.checkId), ['black', 'red'], 'the check and both its hits are stored by its statement');

  for (const db of [t.db, t.owner]) {
    assert.equal(await outcome(db.deleteFrom('sanction_checks').where('id', '=', hit.checkId).execute()), '23503', 'deleting a check with hits');
    assert.equal(await outcome(sql`UPDATE sanction_checks SET id = id + 1000000 WHERE id = ${hit.checkId}`.execute(db)), '23503', 'renumbering it');
  }
  assert.deepEqual(await hitsOf(hit.checkId), ['black', 'red'], 'nothing of it was changed');
  // Other updates of a check go through (feedback counts, a screening's row count).
  assert.equal(await outcome(t.db.updateTable('sanction_checks').set({ subjects: 1 }).where('id', '=', hit.checkId).execute()), 'ok');
});

test('a check is deleted with its hits in one transaction (what the cascade did); a check without hits is deleted alone', async () => {
  const hit = await runCheck(t.db, input(LISTED), ctx, t.ctx.pool);
  const clean = await runCheck(t.db, input(CLEAN), ctx);
  assert.deepEqual(await hitsOf(clean.checkId), []);

  await t.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sanction_check_hits').where('check_id', '=', hit.checkId).execute();
    await trx.deleteFrom('sanction_checks').where('id', '=', hit.checkId).execute();
  });
  assert.equal(await outcome(t.db.deleteFrom('sanction_checks').where('id', '=', clean.checkId).execute()), 'ok');
  const left = await t.db.selectFrom('sanction_checks').select('id').where('id', 'in', [hit.checkId, clean.checkId]).execute();
  assert.deepEqual(left, []);
  assert.deepEqual(await hitsOf(hit.checkId), []);

  // Over everything this file stored: every hit names a check.
  const dangling = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sanction_check_hits h WHERE NOT EXISTS (SELECT 1 FROM sanction_checks c WHERE c.id = h.check_id)`.execute(t.owner);
  assert.equal(dangling.rows[0]!.n, 0);
});
