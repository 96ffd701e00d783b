import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { activeEntriesForSubjects, endEntriesForRecords, registerEntry } from './index.ts';

let t: TestDb;
let subjectId: string;
before(async () => {
  t = await createTestDb();
  subjectId = (await t.db.insertInto('subjects').values({ kind: 'legal', name: '某某食品有限公司', uscc: '91350100M000100Y43' }).returning('id').executeTakeFirstOrThrow()).id;
  await t.db.insertInto('list_types').values({ code: 'TEST_BLACK', version: 1, name: '测试黑名单', color: 'black', definition: '{}' }).execute();
});
after(() => t.close());

test('the register adds an entry once per subject + list type + decision number', async () => {
  const e = { listType: 'TEST_BLACK', subjectId, decisionNo: '榕市监罚〔2026〕1号', origin: 'collected' as const, status: 'listed' as const, listedOn: '2026-01-05' };
  const a = await registerEntry(t.db, e);
  const b = await registerEntry(t.db, e);
  assert.equal(a.created, true);
  assert.deepEqual(b, { id: a.id, created: false });
  const n = await t.db.selectFrom('list_entries').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(n.n), 1);
});

test('active entries: listed and in validity only; an exit through its record is seen at once and audited', async () => {
  const rec = await t.owner
    .insertInto('records')
    .values({ item_id: 'BL', record_type: 'blacklist', record_key: 'k1', authority_uscc: '11350100003626020T', doc_no: 'd1', subject_id: subjectId, department_id: 1, current_version: 1, current_hash: 'h', status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id } = await registerEntry(t.db, { listType: 'TEST_BLACK', subjectId, decisionNo: 'D-2', origin: 'collected', recordId: rec.id, status: 'listed', expiresOn: '2027-12-31' });
  await registerEntry(t.db, { listType: 'TEST_BLACK', subjectId, decisionNo: 'D-old', origin: 'collected', status: 'listed', expiresOn: '2020-01-01' });
  await registerEntry(t.db, { listType: 'TEST_BLACK', subjectId, decisionNo: 'D-prop', origin: 'local', status: 'proposed' });
  const active = await activeEntriesForSubjects(t.db, [subjectId], '2026-12-07');
  assert.deepEqual(active.map((e) => e.decisionNo).sort(), ['D-2', '榕市监罚〔2026〕1号']);
  assert.equal(active[0].listName, '测试黑名单');
  const ended = await endEntriesForRecords(t.db, [rec.id], 'repaired', { actor: { userId: null, username: 'test' } }, '2026-12-07');
  assert.deepEqual(ended, [id]);
  const after = await activeEntriesForSubjects(t.db, [subjectId], '2026-12-07');
  assert.deepEqual(after.map((e) => e.decisionNo), ['榕市监罚〔2026〕1号']);
  const aud = await t.db.selectFrom('audit_log').select(['action', 'target']).where('target', '=', `list_entry:${id}`).execute();
  assert.deepEqual(aud, [{ action: 'list_entry.remove', target: `list_entry:${id}` }]);
});
