// Test set-up for issue 11 §1: a department may name only its own authority or one it reports for, so a test
// department that uploads generated penalty rows (six authorities, fixtures.ts) is given those authorities.
import type { Db } from '../../src/db/index.ts';
import { demoDepartmentUscc } from '../../src/domains/auth/departments.data.ts';
import { FIXTURE_AUTHORITIES } from '../../src/domains/ingest/fixtures.ts';

/** Gives the department its placeholder USCC (if it has none) and every other fixture authority as one it may report for. */
export async function allowFixtureAuthorities(db: Db, deptCode: string): Promise<{ id: number; uscc: string }> {
  const d = await db.selectFrom('departments').select(['id', 'uscc', 'region_code']).where('code', '=', deptCode).executeTakeFirstOrThrow();
  let uscc = d.uscc;
  if (!uscc) {
    uscc = demoDepartmentUscc(deptCode, d.region_code ?? '630100');
    await db.updateTable('departments').set({ uscc }).where('id', '=', d.id).execute();
  }
  const others = FIXTURE_AUTHORITIES.filter((a) => a.uscc !== uscc);
  await db
    .insertInto('department_authorities')
    .values(others.map((a) => ({ department_id: d.id, authority_uscc: a.uscc, authority_name: a.name })))
    .onConflict((oc) => oc.columns(['department_id', 'authority_uscc']).doNothing())
    .execute();
  return { id: d.id, uscc };
}
