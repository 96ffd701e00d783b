// A collected list entry the credit office moves out (移出, issue 14 §3): the record that brought it in stops being
// public at once (subject page and its counts, the 红黑名单 page, a newly issued report) and stays out through every
// later publicity decision (the job, a rule change, a new version of the record); the history stays with the
// credit office. Runs through the importer, the sync and the console API on a real database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords } from '../../../test/factories.ts';
import { pdfText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../ingest/index.ts';
import { refreshPublicity } from '../publicity/index.ts';
import { activeEntriesForSubjects, syncCollectedEntries } from './index.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof loginAs>>;
let deptUscc = '';
const uscc = generateUscc(mulberry32(1408), { prefix: '91', region: '630100' });
const DOC = '（2026）青01执88号';
const NAME = '青海移出测试建设有限公司';

before(async () => {
  t = await createTestApp();
  deptUscc = (await allowFixtureAuthorities(t.db, 'SCJGJ')).uscc;
  admin = await loginAs(t, 'admin');
});
after(() => t.close());

const row = (over: Record<string, string> = {}) => ({
  主体名称: NAME,
  主体类别: '法人及非法人组织',
  统一社会信用代码: uscc,
  法定代表人: '张三',
  名单类型: '失信被执行人名单',
  列入事由: '拒不履行生效法律文书确定的义务',
  认定依据: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条',
  决定文书号: DOC,
  认定部门: '市市场监督管理局',
  认定部门统一社会信用代码: deptUscc,
  列入日期: '2026-06-01',
  有效期至: '2028-05-31',
  状态: '在列',
  ...over,
});

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: admin.headers });
const blackTab = async (subjectId: string) => (await t.app.inject({ method: 'GET', url: `/api/public/subjects/${subjectId}/records?tab=black` })).json().items as Array<{ docNo?: string }>;
const blackCount = async (subjectId: string) => (await t.app.inject({ method: 'GET', url: `/api/public/subjects/${subjectId}/counts` })).json().black ?? 0;
const blackListPage = async () => JSON.stringify((await t.app.inject({ method: 'GET', url: '/api/public/lists?kind=black&limit=100' })).json().items);
const reportText = async (subjectId: string) => {
  const r = await t.app.inject({ method: 'POST', url: '/api/public/reports', payload: { subjectId } });
  assert.equal(r.statusCode, 200, r.body);
  return pdfText(r.rawPayload);
};

test('a collected entry removed by the credit office leaves the public pages and new reports at once; history stays', async () => {
  const r = await importRecords(t, [row()], { catalog: 'list_black_v1', publish: true });
  assert.equal(r.accepted, 1, JSON.stringify(r));
  await syncCollectedEntries(t.db);
  const entry = await t.db.selectFrom('list_entries').select(['id', 'subject_id', 'record_id', 'lock_version']).where('decision_no', '=', DOC).executeTakeFirstOrThrow();
  const subjectId = entry.subject_id;

  // Before: shown everywhere.
  assert.equal((await blackTab(subjectId)).length, 1);
  assert.equal(await blackCount(subjectId), 1);
  assert.ok((await blackListPage()).includes(NAME));
  assert.ok((await reportText(subjectId)).includes(DOC), 'the report shows the list record');

  const res = await t.app.inject({
    method: 'POST',
    url: `/api/lists/entries/${entry.id}/transitions`,
    headers: admin.headers,
    payload: { action: 'remove', lockVersion: entry.lock_version, exitReason: 'revoked', reason: '执行法院来函：失信决定已撤销' },
  });
  assert.equal(res.statusCode, 200, res.body);

  // After: gone from checks, the subject page and its counts, the 红黑名单 page and a new report.
  assert.deepEqual(await activeEntriesForSubjects(t.db, [subjectId]), []);
  assert.deepEqual(await blackTab(subjectId), []);
  assert.equal(await blackCount(subjectId), 0);
  assert.ok(!(await blackListPage()).includes(NAME));
  assert.ok(!(await reportText(subjectId)).includes(DOC), 'a new report no longer shows it');

  // Nothing deleted: the record and its versions stay, shared with government only; the credit office sees the history.
  const rec = await t.db.selectFrom('records').select(['status', 'audience', 'list_removed_at']).where('id', '=', entry.record_id!).executeTakeFirstOrThrow();
  assert.equal(rec.status, 'active');
  assert.equal(rec.audience, 'government');
  assert.ok(rec.list_removed_at);
  const d = (await get(`/api/lists/entries/${entry.id}`)).json();
  assert.deepEqual(d.history.map((h: { toStatus: string }) => h.toStatus), ['removed']);
  assert.equal(d.entry.status, 'removed');
  assert.equal(d.entry.removedReason, 'revoked');
  const removedTab = (await t.app.inject({ method: 'GET', url: '/api/public/list-types/SXBZXR?tab=removed' })).json();
  assert.ok(removedTab.items.some((i: { decisionNo: string }) => i.decisionNo === DOC), '移出 is published as such');
  const audit = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'list_entry.remove').where('target', '=', `list_entry:${entry.id}`).executeTakeFirstOrThrow();
  assert.equal((audit.detail as { recordUnpublished?: string }).recordUnpublished, entry.record_id);

  // Later decisions keep it out: the job re-deciding everything, and a corrected version of the record arriving.
  await refreshPublicity(t.db, t.ctx.config.secret, { all: true });
  assert.deepEqual(await blackTab(subjectId), []);
  await importRecords(t, [row({ 列入事由: '拒不履行生效法律文书确定的义务（更正）' })], { catalog: 'list_black_v1' });
  const v = await t.db.selectFrom('records').select(['current_version', 'audience']).where('id', '=', entry.record_id!).executeTakeFirstOrThrow();
  assert.equal(v.current_version, 2, 'the new version was written');
  assert.equal(v.audience, 'government');
  assert.deepEqual(await blackTab(subjectId), []);
});
