// Pre-action checks, feedback, overview, statistics and cases over HTTP (issue 14 §5–7): the console and the
// signed department API, bad input, the exit cascade seen by checks, and a role denial for every route.
import { after, before, describe, test } from 'node:test';
import { installShippedMeasures } from './measures.seed.ts';
import assert from 'node:assert/strict';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { hmacSha256 } from '../../platform/crypto.ts';
import { signRequest } from '../auth/apikeys.service.ts';
import { endEntriesForRecords, registerEntry } from '../lists/index.ts';
import { searchColumns } from '../subjects/index.ts';
import { scorecardsFor } from '../assessment/index.ts';
import { sanctionsTodos } from './index.ts';
import { installBuiltinListTypes } from '../lists/index.ts';

let t: TestApp;
type Session = Awaited<ReturnType<typeof loginAs>>;
let clerk: Session; // 财政局 (CZJ) reporter
let other: Session; // 市场监管局 reporter
let admin: Session;
let auditor: Session;
let key: { appKey: string; secret: string };
let clerk_dept = 0;
const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const ctx = { actor: { userId: null, username: 'test' } };

const ids: Record<string, string> = {};
async function subject(key: string, row: { kind?: 'legal' | 'natural_person' | 'individual_business'; name: string; uscc?: string | null; idNumber?: string }) {
  const { nameNorm, pinyinInitials } = searchColumns(row.name);
  const r = await t.db
    .insertInto('subjects')
    .values({
      kind: row.kind ?? 'legal',
      name: row.name,
      uscc: row.uscc ?? null,
      id_hash: row.idNumber ? hmacSha256(SECRET, `id:${row.idNumber}`) : null,
      name_norm: nameNorm,
      pinyin_initials: pinyinInitials,
      created_at: new Date(),
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  ids[key] = r.id;
  return r.id;
}

const USCC = { listed: '91350100M000100Y43', red: '91350100M000101X4P', clean: '91350100M0001029X6', penalised: '91350100M00010399X' };
const PERSON_ID = '110101199003074258';
let entryRecord: string;

before(async () => {
  t = await createTestApp();
  await installShippedMeasures(t.db);
  clerk = await loginAs(t, 'reporter', 'CZJ');
  clerk_dept = await deptId(t.db, 'CZJ');
  other = await loginAs(t, 'reporter', 'SCJGJ');
  admin = await loginAs(t, 'admin');
  auditor = await loginAs(t, 'auditor');
  const k = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: await deptId(t.db, 'CZJ'), name: '采购系统' } });
  assert.equal(k.statusCode, 200, k.body);
  key = k.json();
  await installBuiltinListTypes(t.db); // the lists domain's shipped types (SXBZXR, ZFCGSX, ANSRX …)
  await subject('listed', { name: '福州某某建材有限公司', uscc: USCC.listed });
  await subject('red', { name: '福州诚信商贸有限公司', uscc: USCC.red });
  await subject('clean', { name: '福州清白科技有限公司', uscc: USCC.clean });
  await subject('penalised', { name: '福州受罚餐饮有限公司', uscc: USCC.penalised });
  await subject('person', { kind: 'natural_person', name: '张三', idNumber: PERSON_ID });
  await subject('twin1', { name: '福州同名贸易有限公司', uscc: null });
  await subject('twin2', { name: '福州同名贸易有限责任公司', uscc: null });
  const rec = await t.owner
    .insertInto('records')
    .values({ item_id: 'BL', record_type: 'blacklist', record_key: 'k-zfcg', authority_uscc: '11350100003626020T', doc_no: '榕财采〔2026〕3号', subject_id: ids.listed!, department_id: 1, current_version: 1, current_hash: 'h', status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  entryRecord = rec.id;
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: ids.listed!, decisionNo: '榕财采〔2026〕3号', origin: 'collected', recordId: rec.id, status: 'listed', listedOn: '2026-03-01', expiresOn: '2029-02-28' });
  await registerEntry(t.db, { listType: 'ANSRX', subjectId: ids.red!, decisionNo: '2025年度A级', origin: 'collected', status: 'listed', listedOn: '2026-04-01' });
  await registerEntry(t.db, { listType: 'SXBZXR', subjectId: ids.person!, decisionNo: '(2026)闽0102执1号', origin: 'collected', status: 'listed', listedOn: '2026-05-01' });
  await t.owner
    .insertInto('records')
    .values({
      item_id: 'XZCF',
      record_type: 'penalty',
      record_key: 'k-pen',
      authority_uscc: '11350100003626020T',
      doc_no: '榕市监罚〔2026〕9号',
      subject_id: ids.penalised!,
      department_id: 1,
      current_version: 1,
      current_hash: 'h2',
      status: 'active',
      audience: 'public',
      public_until: '2029-12-31',
      decision_date: '2026-06-01',
      publicity: JSON.stringify({ severity: '严重' }),
    })
    .execute();
});
after(() => t.close());

const check = (s: Session, scenario: string, subjects: unknown[]) => t.app.inject({ method: 'POST', url: '/api/sanctions/checks', headers: s.headers, payload: { scenario, subjects } });

function signed(body: unknown) {
  const url = '/api/ext/sanctions/check';
  const raw = JSON.stringify(body);
  return t.app.inject({ method: 'POST', url, headers: { ...signRequest(key.appKey, key.secret, 'POST', url, raw), 'content-type': 'application/json' }, payload: raw });
}

describe('pre-action check', () => {
  test('a listed subject before a 政府采购 award: its entry, the measure with its basis, a case id', async () => {
    const r = await check(clerk, '政府采购', [{ uscc: USCC.listed }]);
    assert.equal(r.statusCode, 200, r.body);
    const a = r.json();
    assert.match(a.caseNo, /^HC\d{8}\d{8}$/);
    const s = a.subjects[0];
    assert.equal(s.status, 'found');
    assert.deepEqual(s.black.map((e: { listType: string }) => e.listType), ['ZFCGSX']);
    assert.deepEqual(s.measures.map((m: { code: string }) => m.code), ['DF-ZFCG-01']);
    assert.match(s.measures[0].legalBasis, /政府采购/);
    assert.equal(s.measures[0].basisDocNo, '财办库〔2014〕526号');
    const stored = await t.db.selectFrom('sanction_checks').select(['case_no', 'hits', 'feedback_due', 'department_id', 'channel']).where('id', '=', a.checkId).executeTakeFirstOrThrow();
    assert.deepEqual(stored, { case_no: a.caseNo, hits: 1, feedback_due: 1, department_id: await deptId(t.db, 'CZJ'), channel: 'console' });
  });

  test('a subject not found is answered as such, never as clean; a clean one says so', async () => {
    const r = await check(clerk, '政府采购', [{ uscc: '91350100M0001047XF' }, { uscc: USCC.clean }]);
    assert.equal(r.statusCode, 200, r.body);
    const [missing, clean] = r.json().subjects;
    assert.equal(missing.status, 'not_found');
    assert.match(missing.message, /不代表没有失信记录/);
    assert.equal(clean.status, 'found');
    assert.equal(clean.message, '未在红黑名单中');
  });

  test('serious penalties still public are answered; red-list subjects get their incentive measures', async () => {
    const r = await check(clerk, '政府采购', [{ uscc: USCC.penalised }, { uscc: USCC.red }]);
    const [pen, red] = r.json().subjects;
    assert.deepEqual(pen.seriousPenalties.map((p: { docNo: string }) => p.docNo), ['榕市监罚〔2026〕9号']);
    assert.deepEqual(red.red.map((e: { listType: string }) => e.listType), ['ANSRX']);
    assert.deepEqual(red.incentives.map((m: { code: string }) => m.code), ['JL2016-03']);
    assert.deepEqual(red.measures, []);
  });

  test('names: exact, then 繁简/full-width and without the legal-form suffix; several alike are candidates, never hits', async () => {
    const r = await check(clerk, '政府采购', [{ name: '福州某某建材有限公司' }, { name: '福州某某建材有限責任公司' }, { name: '福州同名贸易' }, { name: '福州某某' }]);
    const [exact, folded, twins, fuzzy] = r.json().subjects;
    assert.equal(exact.matchedBy, 'name');
    assert.equal(folded.status, 'found');
    assert.equal(folded.matchedBy, 'name_normalised');
    assert.equal(folded.subject.id, ids.listed);
    assert.equal(twins.status, 'not_found');
    assert.deepEqual(twins.candidates.map((c: { id: string }) => c.id).sort(), [ids.twin1, ids.twin2].sort());
    assert.equal(fuzzy.status, 'not_found');
    assert.ok(fuzzy.candidates.some((c: { id: string }) => c.id === ids.listed));
    assert.equal(r.json().subjects.filter((s: { black: unknown[] }) => s.black.length).length, 2, 'candidates are never hits');
  });

  test('a natural person by ID number: the number never comes back unmasked and is not stored', async () => {
    const r = await check(clerk, '任职', [{ idNumber: PERSON_ID }, { name: '张三' }]);
    const [byId, byName] = r.json().subjects;
    assert.equal(byId.status, 'found');
    assert.deepEqual(byId.black.map((e: { listType: string }) => e.listType), ['SXBZXR']);
    assert.ok(!r.body.includes(PERSON_ID));
    assert.notEqual(byId.query.idNumber, PERSON_ID);
    assert.equal(byName.status, 'not_found', 'a person is never matched by name');
    assert.deepEqual(byName.candidates, []);
    const stored = await t.db.selectFrom('sanction_checks').select('answer').where('id', '=', r.json().checkId).executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(stored.answer).includes(PERSON_ID));
  });

  test('bad input: unknown scenario → 400 listing the valid ones; an invalid code is answered on its row', async () => {
    const r = await check(clerk, '采购', [{ uscc: USCC.listed }]);
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'sanction_scenario_unknown');
    assert.match(r.json().error.message, /行政审批、政府采购、招标投标、财政资金、评优评先、任职、融资信贷、其他/);
    const n = await t.db.selectFrom('sanction_checks').select((eb) => eb.fn.countAll<string>().as('n')).where('scenario', '=', '采购').executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 0);
    const bad = await check(clerk, '政府采购', [{ uscc: '91350100M000100Y44' }, { uscc: USCC.listed }]);
    assert.equal(bad.statusCode, 200);
    assert.equal(bad.json().subjects[0].status, 'invalid');
    assert.match(bad.json().subjects[0].message, /不是有效的统一社会信用代码/);
    assert.equal(bad.json().subjects[1].black.length, 1);
  });

  test('the signed department API answers the same, as the calling department; unsigned is refused', async () => {
    const r = await signed({ scenario: '政府采购', subjects: [{ uscc: USCC.listed }, { name: '福州清白科技有限公司' }] });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().departmentId, await deptId(t.db, 'CZJ'));
    assert.deepEqual(r.json().subjects[0].measures.map((m: { code: string }) => m.code), ['DF-ZFCG-01']);
    const row = await t.db.selectFrom('sanction_checks').select(['channel', 'api_key_id']).where('id', '=', r.json().checkId).executeTakeFirstOrThrow();
    assert.equal(row.channel, 'api');
    assert.ok(row.api_key_id);
    const u = await signed({ scenario: '采购', subjects: [{ uscc: USCC.listed }] });
    assert.equal(u.statusCode, 400);
    const unsigned = await t.app.inject({ method: 'POST', url: '/api/ext/sanctions/check', payload: { scenario: '政府采购', subjects: [{ uscc: USCC.listed }] } });
    assert.equal(unsigned.statusCode, 401);
  });
});

describe('feedback, to-dos, statistics and cases', () => {
  let checkId: string;
  let measureId: string;
  before(async () => {
    const r = await check(clerk, '政府采购', [{ uscc: USCC.listed }]);
    checkId = r.json().checkId;
    measureId = r.json().subjects[0].measures[0].id;
  });
  const fb = (s: Session, id: string, items: unknown[]) => t.app.inject({ method: 'POST', url: `/api/sanctions/checks/${id}/feedback`, headers: s.headers, payload: { items } });

  test('feedback on another department\'s check → 403, nothing written', async () => {
    const r = await fb(other, checkId, [{ subjectId: ids.listed, measureId, applied: true, caseDescription: 'x', actedOn: '2026-12-01' }]);
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'sanction_check_other_department');
    const n = await t.db.selectFrom('sanction_feedback').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 0);
  });

  test('not applied needs a reason; a measure not answered is refused; then the department records it once', async () => {
    const noReason = await fb(clerk, checkId, [{ subjectId: ids.listed, measureId, applied: false, caseDescription: '中标候选人', actedOn: '2026-12-01' }]);
    assert.equal(noReason.statusCode, 400);
    const wrong = await fb(clerk, checkId, [{ subjectId: ids.clean, measureId, applied: true, caseDescription: 'x', actedOn: '2026-12-01' }]);
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error.code, 'sanction_feedback_invalid');
    const before = await sanctionsTodos[0]!(t.db, { id: clerk.userId, username: clerk.username, displayName: '', role: 'reporter', departmentId: await deptId(t.db, 'CZJ'), departmentName: null, mustChangePassword: false });
    assert.ok((before[0]?.count ?? 0) >= 1, 'an open check is on the department\'s to-do list');
    const ok = await fb(clerk, checkId, [{ subjectId: ids.listed, measureId, applied: true, caseDescription: '取消其中标候选人资格', actedOn: '2026-12-01' }]);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { given: 1, due: 1 });
    const again = await fb(clerk, checkId, [{ subjectId: ids.listed, measureId, applied: true, caseDescription: 'x', actedOn: '2026-12-01' }]);
    assert.equal(again.statusCode, 409);
    const row = await t.db.selectFrom('sanction_feedback').select(['officer_id', 'applied', 'list_types']).executeTakeFirstOrThrow();
    assert.deepEqual(row, { officer_id: clerk.userId, applied: true, list_types: ['ZFCGSX'] });
  });

  test('checks owing feedback past N working days are overdue on the credit office overview', async () => {
    const r = await check(clerk, '政府采购', [{ uscc: USCC.listed }]);
    await t.owner.updateTable('sanction_checks').set({ checked_at: new Date('2026-01-05T02:00:00Z') }).where('id', '=', r.json().checkId).execute();
    const o = await t.app.inject({ method: 'GET', url: '/api/sanctions/overview', headers: admin.headers });
    assert.equal(o.statusCode, 200, o.body);
    const czj = o.json().items.find((i: { departmentId: number }) => i.departmentId === clerk_dept);
    assert.ok(czj.overdue >= 1);
    assert.equal(o.json().feedbackWorkingDays, 10);
  });

  test('statistics by department × list type × measure, and the XLSX export', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const r = await t.app.inject({ method: 'GET', url: `/api/sanctions/stats?from=2026-01-01&to=${today}`, headers: admin.headers });
    assert.equal(r.statusCode, 200, r.body);
    const s = r.json();
    const dept = s.departments.find((d: { departmentId: number }) => d.departmentId === clerk_dept);
    assert.ok(dept.checks >= 5);
    assert.ok(dept.feedbackComplete >= 1 && dept.feedbackRate > 0 && dept.feedbackRate < 1);
    assert.deepEqual(
      s.measures.filter((m: { departmentId: number }) => m.departmentId === clerk_dept).map((m: { listType: string; measureCode: string; applied: number; notApplied: number }) => [m.listType, m.measureCode, m.applied, m.notApplied]),
      [['ZFCGSX', 'DF-ZFCG-01', 1, 0]],
    );
    assert.equal(s.totals.punishmentCases, 1);
    assert.ok(s.listTypes.some((l: { listType: string; departmentId: number }) => l.listType === 'ZFCGSX' && l.departmentId === clerk_dept));
    const x = await t.app.inject({ method: 'GET', url: `/api/sanctions/stats.xlsx?from=2026-01-01&to=${today}`, headers: auditor.headers });
    assert.equal(x.statusCode, 200);
    assert.equal(x.rawPayload.subarray(0, 2).toString(), 'PK');
  });

  test('assessment: the feedback rate becomes the scorecards\' joint-punishment feedback component with a real weight', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const r = await scorecardsFor(t.db, month);
    assert.ok(r.weights.feedback > 0);
    const card = r.cards.find((c) => c.department === String(clerk_dept));
    assert.ok(card, 'the checking department has a scorecard');
    assert.ok(card.feedbackRate !== null && card.feedbackRate > 0 && card.feedbackRate < 1, String(card.feedbackRate));
  });

  test('a notable case is published with lawful fields only', async () => {
    const f = await t.db.selectFrom('sanction_feedback').select('id').executeTakeFirstOrThrow();
    const m = await t.app.inject({ method: 'POST', url: `/api/sanctions/feedback/${f.id}/notable`, headers: admin.headers, payload: { title: '政府采购中限制严重失信供应商', summary: '财政局在某采购项目中依法取消列入名单供应商的中标候选资格。' } });
    assert.equal(m.statusCode, 204, m.body);
    const r = await t.app.inject({ method: 'GET', url: '/api/public/sanctions/cases' });
    assert.equal(r.statusCode, 200);
    const [c] = r.json().items;
    assert.equal(c.title, '政府采购中限制严重失信供应商');
    assert.equal(c.basisDocNo, '财办库〔2014〕526号');
    assert.deepEqual(Object.keys(c).sort(), ['actedOn', 'basisDocNo', 'department', 'id', 'kind', 'legalBasis', 'listTypes', 'measure', 'summary', 'title']);
    assert.ok(!r.body.includes('取消其中标候选人资格'), 'the internal case description stays internal');
  });

  test('exit cascades at once: after the record is repaired the check sees no entry and no measure', async () => {
    await endEntriesForRecords(t.db, [entryRecord], 'repaired', ctx);
    const r = await check(clerk, '政府采购', [{ uscc: USCC.listed }]);
    assert.deepEqual(r.json().subjects[0].black, []);
    assert.deepEqual(r.json().subjects[0].measures, []);
  });
});


describe('role denials, one per route', () => {
  // [method, url, the session that is refused, body]
  const routes: Array<[string, string, () => Session, unknown?]> = [
    ['GET', '/api/sanctions/scenarios', () => ({ headers: {} }) as Session],
    ['GET', '/api/sanctions/measures', () => ({ headers: {} }) as Session],
    ['POST', '/api/sanctions/measures', () => clerk, { name: '某措施', class: 1, kind: 'punishment', listTypes: ['ZFCGSX'], scenarios: ['政府采购'], legalBasis: 'x', implementingDept: 'y', edition: 'local' }],
    ['PUT', '/api/sanctions/measures/DF-ZFCG-01', () => auditor, { name: '某措施', class: 1, kind: 'punishment', listTypes: ['ZFCGSX'], scenarios: ['政府采购'], legalBasis: 'x', implementingDept: 'y', edition: 'local' }],
    ['POST', '/api/sanctions/measures/DF-ZFCG-01/activate', () => clerk],
    ['POST', '/api/sanctions/measures/DF-ZFCG-01/retire', () => clerk],
    ['POST', '/api/sanctions/checks', () => admin, { scenario: '政府采购', subjects: [{ uscc: USCC.listed }] }],
    ['GET', '/api/sanctions/checks', () => auditor],
    ['GET', '/api/sanctions/checks/1', () => other],
    ['POST', '/api/sanctions/checks/1/feedback', () => auditor, { items: [{ subjectId: '1', measureId: '1', applied: true, caseDescription: 'x', actedOn: '2026-12-01' }] }],
    ['GET', '/api/sanctions/overview', () => clerk],
    ['GET', '/api/sanctions/stats?from=2026-01-01&to=2026-12-31', () => clerk],
    ['GET', '/api/sanctions/stats.xlsx?from=2026-01-01&to=2026-12-31', () => clerk],
    ['POST', '/api/sanctions/feedback/1/notable', () => auditor, { title: '标题', summary: '摘要内容' }],
  ];
  for (const [method, url, who, body] of routes) {
    test(`${method} ${url} is refused`, async () => {
      const s = who();
      const r = await t.app.inject({ method: method as 'GET', url, headers: s.headers, ...(body ? { payload: body as object } : {}) });
      assert.ok([401, 403].includes(r.statusCode), `${r.statusCode} ${r.body}`);
    });
  }
});
