// The lists domain end to end on a real database: list types as data, the hand-over of collected entries (first
// upload and re-upload), the local lifecycle with its role table, order, optimistic lock and exit cascade, the
// 告知书, the public pages, statistics and to-dos.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords, makeSubject } from '../../../test/factories.ts';
import { pdfText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../ingest/index.ts';
import { activeEntriesForSubjects, installBuiltinListTypes, listStatistics, listsTodos, registerEntry, syncCollectedEntries } from './index.ts';
import { expireEntries, chinaToday } from './lifecycle.ts';
import type { SessionUser } from '../../platform/http.ts';

let t: TestApp;
let dept: { id: number; uscc: string };
type Login = Awaited<ReturnType<typeof loginAs>>;
let admin: Login;
let admin2: Login;
let reporter: Login;
let reviewer: Login;
let auditor: Login;
let district: Login;
const rng = mulberry32(1407);
const newUscc = () => generateUscc(rng, { prefix: '91', region: '630100' });

before(async () => {
  t = await createTestApp();
  dept = await allowFixtureAuthorities(t.db, 'SCJGJ');
  admin = await loginAs(t, 'admin');
  admin2 = await loginAs(t, 'admin');
  reporter = await loginAs(t, 'reporter');
  reviewer = await loginAs(t, 'reviewer');
  auditor = await loginAs(t, 'auditor');
  district = await loginAs(t, 'district_admin', (await t.db.selectFrom('departments').select('code').where('kind', '=', 'district').executeTakeFirstOrThrow()).code);
});
after(() => t.close());

const get = (url: string, who?: Login) => t.app.inject({ method: 'GET', url, headers: who?.headers });
const post = (url: string, body: object, who?: Login) => t.app.inject({ method: 'POST', url, payload: body, headers: who?.headers });

describe('list types as data', () => {
  test('the shipped types are installed once, with their sources and [M] facts', async () => {
    assert.equal(await installBuiltinListTypes(t.db), 0, 'createTestApp installed them; a second install adds nothing');
    const res = await get('/api/lists/types', auditor);
    assert.equal(res.statusCode, 200);
    const items = res.json().items as Array<{ code: string; color: string; version: number; definition: { criteria: { docNo: string | null }; unconfirmed: string[]; source: string } }>;
    const codes = (c: string) => items.filter((i) => i.color === c).map((i) => i.code);
    for (const c of ['SXBZXR', 'ZDSSWF', 'QXNMGGZ', 'SPYPSX', 'AQSCSX', 'ZFCGSX', 'HGSX', 'OTHER_BLACK']) assert.ok(codes('black').includes(c), c);
    for (const c of ['ANSRX', 'HGGJRZ', 'SHTZXY', 'CXDX', 'OTHER_RED']) assert.ok(codes('red').includes(c), c);
    const tax = items.find((i) => i.code === 'ZDSSWF')!;
    assert.equal(tax.definition.criteria.docNo, '国家税务总局令第54号');
    assert.ok(tax.definition.unconfirmed.includes('validityYears'), '3 years is [M] in §4.1a');
    assert.equal(items.find((i) => i.code === 'CXDX')!.definition.source, 'local');
  });

  test('the credit office amends a type as a new version; others may not', async () => {
    const cur = (await get('/api/lists/types', admin)).json().items.find((i: { code: string }) => i.code === 'ZDSSWF');
    const body = { name: cur.name, active: true, definition: { ...cur.definition, unconfirmed: ['criteria.thresholds'] }, note: '3年期限已确认' };
    assert.equal((await t.app.inject({ method: 'PUT', url: '/api/lists/types/ZDSSWF', payload: body, headers: reporter.headers })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'PUT', url: '/api/lists/types/ZDSSWF', payload: body })).statusCode, 401);
    const res = await t.app.inject({ method: 'PUT', url: '/api/lists/types/ZDSSWF', payload: body, headers: admin.headers });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().version, 2);
    const versions = (await get('/api/lists/types/ZDSSWF/versions', reporter)).json().items;
    assert.deepEqual(versions.map((v: { version: number }) => v.version), [2, 1]);
    assert.equal((await get('/api/lists/types/NOPE/versions', reporter)).statusCode, 404);
  });
});

describe('collected entries: one register, deduplicated', () => {
  const blackRow = (name: string, uscc: string, type: string, doc: string, status = '在列') => ({
    主体名称: name,
    主体类别: '法人及非法人组织',
    统一社会信用代码: uscc,
    法定代表人: '张三',
    名单类型: type,
    列入事由: '拒不履行生效法律文书确定的义务',
    认定依据: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条',
    决定文书号: doc,
    认定部门: '市市场监督管理局',
    认定部门统一社会信用代码: dept.uscc,
    列入日期: '2026-06-01',
    有效期至: '2028-05-31',
    状态: status,
    ...(status === '在列' ? {} : { 移出日期: '2026-11-30' }),
  });
  const u1 = newUscc();
  const u2 = newUscc();
  const u3 = newUscc();

  test('a first upload lands in the register (new subjects created, unknown types kept and flagged); a re-upload adds nothing', async () => {
    const rows = [blackRow('青海甲乙建设有限公司', u1, '失信被执行人名单', '（2026）青01执1号'), blackRow('青海丙丁商贸有限公司', u2, '某某地方自定名单', '青市监〔2026〕9号')];
    const r1 = await importRecords(t, rows, { catalog: 'list_black_v1' });
    assert.equal(r1.accepted, 2, JSON.stringify(r1));
    const red = await importRecords(
      t,
      [{ 主体名称: '青海守信科技有限公司', 主体类别: '法人及非法人组织', 统一社会信用代码: u3, 法定代表人: '李四', 名单类型: '纳税信用A级', 认定依据: '纳税信用评价', 认定文书号: '青税A〔2026〕1号', 认定部门: '市市场监督管理局', 认定部门统一社会信用代码: dept.uscc, 认定日期: '2026-04-01', 状态: '在列' }],
      { catalog: 'list_red_v1' },
    );
    assert.equal(red.accepted, 1, JSON.stringify(red));
    const s1 = await syncCollectedEntries(t.db);
    assert.deepEqual(s1, { batches: 2, entries: 3, ended: 0 });
    const entries = await t.db.selectFrom('list_entries').select(['list_type', 'decision_no', 'origin', 'record_id', 'unmapped_type', 'status', 'subject_id']).where('origin', '=', 'collected').orderBy('id').execute();
    assert.deepEqual(
      entries.map((e) => [e.list_type, e.decision_no, e.unmapped_type, e.status]),
      [
        ['SXBZXR', '（2026）青01执1号', null, 'listed'],
        ['OTHER_BLACK', '青市监〔2026〕9号', '某某地方自定名单', 'listed'],
        ['ANSRX', '青税A〔2026〕1号', null, 'listed'],
      ],
    );
    assert.ok(entries.every((e) => e.record_id && e.subject_id));
    // The entry page names where a collected entry came from: department, batch, channel, row and document (it showed 依据记录 无).
    const first = await t.db.selectFrom('list_entries').select(['id', 'record_id']).where('decision_no', '=', '（2026）青01执1号').executeTakeFirstOrThrow();
    const detail = (await get(`/api/lists/entries/${first.id}`, admin)).json();
    const deptName = (await t.db.selectFrom('departments').select('name').where('id', '=', dept.id).executeTakeFirstOrThrow()).name;
    assert.deepEqual(detail.source, { departmentName: deptName, decisionNo: '（2026）青01执1号', recordId: first.record_id, batchId: r1.batchId, channel: 'api', fileName: null, rowNumber: 1 });
    // The second upload of the same file: a new batch, nothing new in the register.
    await importRecords(t, rows, { catalog: 'list_black_v1' });
    assert.deepEqual(await syncCollectedEntries(t.db), { batches: 1, entries: 0, ended: 0 });
    assert.deepEqual(await syncCollectedEntries(t.db), { batches: 0, entries: 0, ended: 0 }, 'a batch is read once');
    const n = await t.db.selectFrom('list_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('origin', '=', 'collected').executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 3);
    // The console flags the unmapped one.
    const flagged = (await get('/api/lists/entries?unmapped=true', admin)).json();
    assert.equal(flagged.total, 1);
    assert.equal(flagged.items[0].unmappedType, '某某地方自定名单');
  });

  test('a batch still being written holds the watermark, and is read once it commits', async () => {
    const { makeProcessingBatch } = await import('../../../test/factories.ts');
    const open = await makeProcessingBatch(t, { catalog: 'list_black_v1' });
    await importRecords(t, [blackRow('青海后到建设有限公司', newUscc(), '失信被执行人', '（2026）青01执7号')], { catalog: 'list_black_v1' });
    assert.equal((await syncCollectedEntries(t.db)).entries, 1);
    const state = await t.db.selectFrom('list_sync_state').select('watermark').executeTakeFirstOrThrow();
    assert.ok(BigInt(state.watermark) < BigInt(open), 'the watermark stays below the open batch');
    await t.db.updateTable('ingest_batches').set({ status: 'failed' }).where('id', '=', open).execute();
    await syncCollectedEntries(t.db);
    const after = await t.db.selectFrom('list_sync_state').select('watermark').executeTakeFirstOrThrow();
    assert.ok(BigInt(after.watermark) > BigInt(open));
  });

  test('a record sent again as 已移出 ends its entry at once', async () => {
    const subject = await t.db.selectFrom('list_entries').select('subject_id').where('decision_no', '=', '（2026）青01执1号').executeTakeFirstOrThrow();
    assert.equal((await activeEntriesForSubjects(t.db, [subject.subject_id])).length, 1);
    await importRecords(t, [blackRow('青海甲乙建设有限公司', u1, '失信被执行人名单', '（2026）青01执1号', '已移出')], { catalog: 'list_black_v1' });
    assert.equal((await syncCollectedEntries(t.db)).ended, 1);
    assert.deepEqual(await activeEntriesForSubjects(t.db, [subject.subject_id]), []);
    const e = await t.db.selectFrom('list_entries').select(['status', 'removed_reason']).where('decision_no', '=', '（2026）青01执1号').executeTakeFirstOrThrow();
    assert.equal(e.status, 'removed');
    const h = await t.db.selectFrom('list_entry_history').select(['to_status']).innerJoin('list_entries', 'list_entries.id', 'list_entry_history.entry_id').where('decision_no', '=', '（2026）青01执1号').execute();
    assert.deepEqual(h.map((x) => x.to_status), ['removed']);
    // The history names the reason in a sentence (it read 依据记录其他，名单条目随之移出).
    const id = (await t.db.selectFrom('list_entries').select('id').where('decision_no', '=', '（2026）青01执1号').executeTakeFirstOrThrow()).id;
    const shown = (await get(`/api/lists/entries/${id}`, admin)).json().history.map((x: { reason: string }) => x.reason);
    assert.deepEqual(shown, ['认定部门报送该名单记录已移出（未注明具体原因，按“其他”登记），名单条目随之移出。']);
  });
});

describe('the local lifecycle', () => {
  let subjectId: string;
  let basisId: string;
  let entryId: string;
  const propose = (who: Login, over: object = {}) =>
    post('/api/lists/entries', { listType: 'AQSCSX', decisionNo: '西应急认〔2026〕3号', basisRecordIds: [basisId], criteriaClause: '应急管理部令第11号第六条第（一）项', reason: '发生较大生产安全事故并受到重大行政处罚', ...over }, who);
  const act = (who: Login, action: string, lockVersion: number, over: object = {}) => post(`/api/lists/entries/${entryId}/transitions`, { action, lockVersion, reason: '依程序办理', ...over }, who);

  before(async () => {
    const s = await makeSubject(t, { name: '西宁安全测试化工有限公司', seed: 77 });
    subjectId = s.id;
    basisId = (await t.owner.selectFrom('records').select('id').where('subject_id', '=', s.id).executeTakeFirstOrThrow()).id;
  });

  test('bad proposals: no basis (400), unknown basis (400), unknown list type (400), nothing written', async () => {
    const none = await propose(reporter, { basisRecordIds: [] });
    assert.equal(none.statusCode, 400);
    assert.equal(none.json().error.code, 'list_basis_required');
    assert.match(none.json().error.message, /依据/);
    const noClause = await propose(reporter, { criteriaClause: '  ' });
    assert.equal(noClause.json().error.code, 'list_basis_required');
    const missing = await propose(reporter, { basisRecordIds: ['999999999'] });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error.code, 'list_basis_not_found');
    const unknown = await propose(reporter, { listType: 'NOPE' });
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().error.code, 'list_type_unknown');
    assert.match(unknown.json().error.message, /名单类型/);
    const n = await t.db.selectFrom('list_entries').select((eb) => eb.fn.countAll<string>().as('n')).where('origin', '=', 'local').executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 0);
  });

  test('denials: each route refuses the roles the table does not allow', async () => {
    assert.equal((await get('/api/lists/types')).statusCode, 401);
    assert.equal((await propose(reviewer)).statusCode, 403);
    assert.equal((await propose(auditor)).statusCode, 403);
    assert.equal((await post('/api/lists/entries/1/transitions', { action: 'notify', lockVersion: 0, reason: 'x' }, auditor)).statusCode, 403);
    assert.equal((await get('/api/lists/stats', reporter)).statusCode, 403);
    assert.equal((await post('/api/lists/sync', {}, reviewer)).statusCode, 403);
    // Another department's reporter may not base a proposal on this department's record.
    const other = await loginAs(t, 'reporter', 'SWJ');
    const foreign = await propose(other);
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().error.code, 'list_basis_foreign');
  });

  test('propose → notify → review → list, each by an allowed role, out of order refused', async () => {
    const res = await propose(reporter);
    assert.equal(res.statusCode, 201, res.body);
    entryId = res.json().id;
    assert.equal((await propose(reporter)).statusCode, 409, 'the same subject, type and decision number once');
    // Out of order: listing a proposal.
    const early = await act(admin, 'list', 0);
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().error.code, 'list_transition_invalid');
    assert.match(early.json().error.message, /当前状态为“拟列入”，不能执行“列入并公示”/);
    // The reviewer may not notify; the reporter of the department may.
    assert.equal((await act(reviewer, 'notify', 0)).statusCode, 403);
    const n = await act(reporter, 'notify', 0);
    assert.equal(n.statusCode, 200, n.body);
    assert.deepEqual(n.json(), { status: 'notified', lockVersion: 1 });
    const d1 = (await get(`/api/lists/entries/${entryId}`, reviewer)).json();
    assert.equal(d1.entry.objectionUntil > chinaToday(), true);
    assert.deepEqual(d1.allowed, ['review', 'reject']);
    // The 告知书 names the subject, the list, the basis and the objection window.
    const pdf = await get(`/api/lists/entries/${entryId}/notice.pdf`, reporter);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const text = pdfText(pdf.rawPayload);
    for (const s of ['拟列入严重失信主体名单告知书', '西宁安全测试化工有限公司', '安全生产严重失信主体', '西应急认〔2026〕3号', '应急管理部令第11号', '5个工作日', d1.entry.objectionUntil]) assert.ok(text.includes(s), s);
    // Review inside the objection window needs the objection's outcome.
    const open = await act(reviewer, 'review', 1);
    assert.equal(open.statusCode, 409);
    assert.equal(open.json().error.code, 'list_objection_open');
    assert.equal((await act(reporter, 'review', 1, { objection: 'waived' })).statusCode, 403);
    // A stale lock_version (the user saw the entry before it was notified) is refused even though the state allows it.
    const stale = await act(reviewer, 'review', 0, { objection: 'waived' });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'list_entry_conflict');
    assert.equal((await act(reviewer, 'review', 1, { objection: 'waived' })).statusCode, 200);
    assert.equal((await act(reviewer, 'list', 2)).statusCode, 403, 'only the credit office lists');
    const listed = await act(admin, 'list', 2, { listedOn: '2026-12-01' });
    assert.equal(listed.statusCode, 200, listed.body);
    const active = await activeEntriesForSubjects(t.db, [subjectId]);
    assert.equal(active.length, 1);
    assert.equal(active[0].listType, 'AQSCSX');
    const d = (await get(`/api/lists/entries/${entryId}`, admin)).json();
    assert.deepEqual(d.history.map((h: { toStatus: string }) => h.toStatus), ['proposed', 'notified', 'reviewed', 'listed']);
    assert.deepEqual(d.basis.map((b: { id: string }) => b.id), [basisId]);
    const audits = await t.db.selectFrom('audit_log').select('action').where('target', '=', `list_entry:${entryId}`).orderBy('id').execute();
    assert.deepEqual(audits.map((a) => a.action), ['list_entry.propose', 'list_entry.notify', 'list_entry.review', 'list_entry.list']);
  });

  test('the portal shows the listed entry on its list page and the subject page', async () => {
    const page = await get('/api/public/list-types/AQSCSX');
    assert.equal(page.statusCode, 200);
    assert.deepEqual(page.json().items.map((i: { subjectName: string }) => i.subjectName), ['西宁安全测试化工有限公司']);
    const subj = (await get(`/api/public/subjects/${subjectId}/list-entries`)).json();
    assert.deepEqual(subj.items.map((i: { listName: string }) => i.listName), ['安全生产严重失信主体']);
    const types = (await get('/api/public/list-types')).json().items;
    assert.equal(types.find((x: { code: string }) => x.code === 'AQSCSX').listed, 1);
  });

  test('the credit report shows the entry in force in 失信惩戒信息', async () => {
    const res = await post('/api/public/reports', { subjectId });
    assert.equal(res.statusCode, 200, res.body);
    const text = pdfText(res.rawPayload);
    assert.ok(text.includes('安全生产严重失信主体（西应急认〔2026〕3号）'), 'the entry is in the report');
  });

  test('two admins removing at once: one wins, the other gets 409; the exit is seen at once', async () => {
    const lock = (await get(`/api/lists/entries/${entryId}`, admin)).json().entry.lockVersion;
    const [a, b] = await Promise.all([act(admin, 'remove', lock, { exitReason: 'court' }), act(admin2, 'remove', lock, { exitReason: 'repaired' })]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    assert.match(loser.json().error.message, /[他人]|当前状态/);
    assert.deepEqual(await activeEntriesForSubjects(t.db, [subjectId]), []);
    assert.deepEqual((await get(`/api/public/subjects/${subjectId}/list-entries`)).json().items, []);
    assert.equal((await get('/api/public/list-types/AQSCSX')).json().total, 0);
    const report = pdfText((await post('/api/public/reports', { subjectId })).rawPayload);
    assert.ok(!report.includes('西应急认〔2026〕3号'), 'a removed entry is not in a new report');
    const removed = (await get('/api/public/list-types/AQSCSX?tab=removed')).json();
    assert.equal(removed.items[0].subjectName, '西宁安全测试化工有限公司');
    assert.ok(['法院裁判', '信用修复'].includes(removed.items[0].removedReason));
    const h = await t.db.selectFrom('list_entry_history').select('to_status').where('entry_id', '=', entryId).execute();
    assert.equal(h.filter((x) => x.to_status === 'removed').length, 1, 'one removal only');
  });

  test('a proposal naming a subject not yet in the registry creates it, as an import would', async () => {
    const uscc = newUscc();
    const res = await propose(admin, { subject: { kind: 'legal', name: '青海新设测试有限公司', uscc }, decisionNo: '西应急认〔2026〕4号', listType: 'CXDX' });
    assert.equal(res.statusCode, 201, res.body);
    const s = await t.db.selectFrom('subjects').select(['id', 'name']).where('uscc', '=', uscc).executeTakeFirstOrThrow();
    assert.equal(s.name, '青海新设测试有限公司');
    const e = await t.db.selectFrom('list_entries').select(['subject_id', 'department_id']).where('id', '=', res.json().id).executeTakeFirstOrThrow();
    assert.equal(e.subject_id, s.id);
    assert.equal(e.department_id, await deptId(t.db, 'SCJGJ'), 'the basis record\'s department');
    const bad = await propose(admin, { subject: { kind: 'legal', name: '坏代码公司', uscc: '91630100ABCDEFGHIJ' }, decisionNo: 'x-1' });
    assert.equal(bad.statusCode, 400);
  });

  test('the to-dos: proposals to notify for the reporter, ended objection windows for the reviewer', async () => {
    const user = (l: Login, role: SessionUser['role'], departmentId: number | null): SessionUser => ({ id: l.userId, username: l.username, displayName: l.username, role, departmentId, departmentName: null, mustChangePassword: false });
    const scjgj = await deptId(t.db, 'SCJGJ');
    const mine = (await Promise.all(listsTodos.map((p) => p(t.db, user(reporter, 'reporter', scjgj))))).flat();
    assert.deepEqual(mine.map((i) => [i.key, i.count]), [['lists.proposals', 1]]);
    await t.db.updateTable('list_entries').set({ status: 'notified', objection_until: '2026-01-05' }).where('decision_no', '=', '西应急认〔2026〕4号').execute();
    const rev = (await Promise.all(listsTodos.map((p) => p(t.db, user(reviewer, 'reviewer', scjgj))))).flat();
    assert.deepEqual(rev.map((i) => [i.key, i.count]), [['lists.objection_ended', 1]]);
  });
});

describe('validity and statistics', () => {
  test('an entry past its validity is removed by the expiry job, with history', async () => {
    const s = await makeSubject(t, { name: '西宁过期测试有限公司', seed: 91 });
    const id = (await t.db.insertInto('list_entries').values({ list_type: 'ZFCGSX', subject_id: s.id, decision_no: 'E-1', origin: 'local', status: 'listed', listed_on: '2023-01-01', expires_on: '2026-01-01' }).returning('id').executeTakeFirstOrThrow()).id;
    assert.equal(await expireEntries(t.db, { actor: null }, '2026-12-07'), 1);
    const e = await t.db.selectFrom('list_entries').select(['status', 'removed_reason']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(e, { status: 'removed', removed_reason: 'expired' });
    assert.equal(await expireEntries(t.db, { actor: null }, '2026-12-07'), 0);
  });

  test('list sizes, added / removed / repaired in the period, and the red-list share', async () => {
    const st = await listStatistics(t.db, '2026-01-01', chinaToday());
    const by = (c: string) => st.byType.find((x) => x.code === c)!;
    assert.equal(by('ANSRX').active, 1);
    assert.equal(by('SXBZXR').removed, 1);
    assert.equal(by('ZFCGSX').removed, 1);
    assert.equal(by('AQSCSX').added, 1);
    assert.equal(st.redSubjects, 1);
    assert.ok(st.subjects > 0);
    assert.equal(st.redShare, 1 / st.subjects);
    const res = await get('/api/lists/stats?from=2026-01-01', auditor);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().redSubjects, 1);
  });
});

describe("the district admin: its district's entries, read only", () => {
  // A district's credit office administrator sees its district's departments' data, as on every console list
  // (auth's departmentScope: the district and the units under it); it takes no lifecycle step and no city-wide figure.
  let own: string;
  let unit: string;
  let foreign: string;
  before(async () => {
    const districtId = (await t.db.selectFrom('users').select('department_id').where('id', '=', district.userId).executeTakeFirstOrThrow()).department_id!;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/departments',
      payload: { code: 'QXTESTJ', name: '辖区测试局', shortName: '辖区测试局', kind: 'city_unit', parentId: districtId },
      headers: admin.headers,
    });
    assert.equal(created.statusCode, 200, created.body);
    const s = await makeSubject(t, { name: '西宁辖区测试建材有限公司', seed: 303 });
    const entry = (departmentId: number, decisionNo: string) =>
      registerEntry(t.db, { listType: 'ZFCGSX', subjectId: s.id, decisionNo, origin: 'collected', departmentId, status: 'listed', listedOn: '2026-05-01' });
    own = (await entry(districtId, '辖财采〔2026〕1号')).id;
    unit = (await entry(created.json().id, '辖测〔2026〕2号')).id;
    foreign = (await entry(dept.id, '青市监〔2026〕88号')).id;
  });

  test('the register and an entry page: its district and the units under it, no other department', async () => {
    const res = await get('/api/lists/entries?pageSize=100', district);
    assert.equal(res.statusCode, 200, res.body);
    const ids = res.json().items.map((i: { id: string }) => i.id).sort();
    assert.deepEqual(ids, [own, unit].sort());
    assert.equal(res.json().total, 2);
    // Asking for another department's entries by filter finds none.
    assert.equal((await get(`/api/lists/entries?departmentId=${dept.id}`, district)).json().total, 0);
    const mine = await get(`/api/lists/entries/${unit}`, district);
    assert.equal(mine.statusCode, 200, mine.body);
    assert.deepEqual(mine.json().allowed, [], 'a district admin takes no lifecycle step');
    // Registered by a department's system without a record: the source names the department and the document.
    assert.deepEqual(mine.json().source, { departmentName: '辖区测试局', decisionNo: '辖测〔2026〕2号', recordId: null, batchId: null, channel: null, fileName: null, rowNumber: null });
    assert.equal((await get(`/api/lists/entries/${foreign}`, district)).statusCode, 404);
    assert.equal((await get(`/api/lists/entries/${foreign}/notice.pdf`, district)).statusCode, 404);
    // The credit office still sees all three.
    const all = (await get('/api/lists/entries?pageSize=100&listType=ZFCGSX', admin)).json().items.map((i: { id: string }) => i.id);
    for (const id of [own, unit, foreign]) assert.ok(all.includes(id), id);
  });

  test('what stays forbidden: propose, transitions, statistics, sync, amending a type', async () => {
    const type = (await get('/api/lists/types', district)).json().items.find((i: { code: string }) => i.code === 'ZFCGSX');
    const refused = [
      await post('/api/lists/entries', { listType: 'ZFCGSX', decisionNo: '辖〔2026〕9号', basisRecordIds: ['1'], criteriaClause: '第一条', reason: '测试' }, district),
      await post(`/api/lists/entries/${own}/transitions`, { action: 'remove', lockVersion: 0, reason: '测试', exitReason: 'other' }, district),
      await get('/api/lists/stats', district),
      await post('/api/lists/sync', {}, district),
      await t.app.inject({ method: 'PUT', url: '/api/lists/types/ZFCGSX', payload: { name: type.name, active: true, definition: type.definition, note: '测试' }, headers: district.headers }),
    ];
    assert.deepEqual(refused.map((r) => r.statusCode), [403, 403, 403, 403, 403], refused.map((r) => r.body).join('\n'));
    const e = await t.db.selectFrom('list_entries').select('status').where('id', '=', own).executeTakeFirstOrThrow();
    assert.equal(e.status, 'listed');
  });
});
