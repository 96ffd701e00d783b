// The test factories make their data through the platform's own paths: a made user can sign in with its
// department, a made subject is the party of an imported record, records can be published, and a processing
// batch is what an interrupted upload leaves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { importRecords, makeProcessingBatch, makeSubject, makeUser, penaltyRows } from './factories.ts';
import { createTestApp, deptId, TEST_PASSWORD, type TestApp } from './helpers/app.ts';
import { allowFixtureAuthorities } from './helpers/authorities.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

test('makeUser: a reporter of 市场监管局 by default, an admin without a department, and both can sign in', async () => {
  const reporter = await makeUser(t.db);
  const admin = await makeUser(t.db, { role: 'admin', username: 'factory_admin' });
  assert.equal(reporter.departmentId, await deptId(t.db, 'SCJGJ'));
  assert.equal(admin.departmentId, null);
  assert.equal(admin.username, 'factory_admin');
  for (const u of [reporter, admin]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: TEST_PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
  }
  const row = await t.db.selectFrom('users').select(['role', 'display_name']).where('id', '=', admin.id).executeTakeFirstOrThrow();
  assert.deepEqual(row, { role: 'admin', display_name: 'factory_admin' });
});

test('penaltyRows are deterministic; importRecords runs the importer and, with publish, the publicity engine', async () => {
  assert.deepEqual(penaltyRows(3, 99), penaltyRows(3, 99));
  const rows = penaltyRows(5, 31337, { invalidRate: 0, from: '2026-09-01', to: '2026-11-20' });
  const r = await importRecords(t, rows, { publish: true });
  assert.equal(r.status, 'committed', JSON.stringify(r));
  assert.equal(r.accepted, 5);
  const audiences = await t.db
    .selectFrom('records')
    .select('audience')
    .where('id', 'in', t.db.selectFrom('record_versions').select('record_id').where('batch_id', '=', r.batchId))
    .execute();
  assert.equal(audiences.length, 5);
  assert.ok(audiences.some((a) => a.audience === 'public'), JSON.stringify(audiences));
});

test('makeSubject: the subject is the party of one imported record, with the name given', async () => {
  const s = await makeSubject(t, { name: '西宁工厂测试商贸有限公司', seed: 5 });
  assert.equal(s.name, '西宁工厂测试商贸有限公司');
  assert.equal(s.receipt.accepted, 1);
  const recs = await t.db.selectFrom('record_versions').select('subject_id').where('batch_id', '=', s.receipt.batchId).execute();
  assert.deepEqual(recs, [{ subject_id: s.id }]);
});

test('makeProcessingBatch: a batch left processing', async () => {
  const id = await makeProcessingBatch(t);
  const b = await t.db.selectFrom('ingest_batches').select(['status', 'file_name']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(b, { status: 'processing', file_name: 'factory.csv' });
});
