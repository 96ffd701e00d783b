// What lists, joint punishment, repair, objections and commitments feed to the monitoring and the scorecards
// (issue 14 §7, issue 15 §1 and §5), on a real database with every row made through the owning domain's own
// services: the month's local estimates and the indicators they inform in the index API, an empty month
// without them (never a made-up zero), the credit-services statistics API and its .xlsx with a role denial
// per route, and the scorecards' handling part (repair decisions and objection verifications by their deadline).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { importRecords, makeUser } from '../../../test/factories.ts';
import { createNotifier } from '../../platform/notifier.ts';
import type { SessionUser } from '../../platform/http.ts';
import { mulberry32 } from '../../platform/random.ts';
import { scorecardsFor } from '../assessment/index.ts';
import { updateDepartment } from '../auth/auth.service.ts';
import { generateUscc } from '../codes/index.ts';
import { makeVoluntaryCommitment, markFulfilment } from '../commitments/index.ts';
import { installBuiltinListTypes, registerEntry } from '../lists/index.ts';
import { decideObjection, fileObjection, precheck } from '../objections/index.ts';
import { refreshPublicity } from '../publicity/index.ts';
import { companyPenaltyRows } from '../reports/reports.fixtures.ts';
import { applyForRepair, decideRepair, forwardRepair } from '../repair/repair.service.ts';
import { installShippedMeasures, runCheck } from '../sanctions/index.ts';
import { markNotable, recordFeedback } from '../sanctions/feedback.service.ts';
import { ESTIMATE_DEFS, type LocalEstimates } from './estimates.ts';
import { creditServiceEstimates } from './feeds.service.ts';
import { localEstimates } from './index.service.ts';
import { currentMonth } from './period.ts';

let t: TestApp;
const ctx = { actor: null };
const on = (day: string) => new Date(`${day}T10:00:00+08:00`);
const M = '2026-11';
const NOW_MONTH = currentMonth();
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const FINE = { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' };
const A = { name: '西宁监测反馈测试有限公司', uscc: generateUscc(mulberry32(901), { prefix: '91', region: '630104' }), legalRepresentative: '赵反馈' };
const B = { name: '西宁守信承诺测试有限公司', uscc: generateUscc(mulberry32(902), { prefix: '91', region: '630104' }), legalRepresentative: '钱守信' };
const C = { name: '西宁十一月处罚测试有限公司', uscc: generateUscc(mulberry32(903), { prefix: '91', region: '630104' }), legalRepresentative: '孙十一' };
const NEW_KEYS = [
  'blacklistEnterpriseShare',
  'organisationBlacklistEntries',
  'redListShare',
  'preActionChecks',
  'measuresApplied',
  'sanctionFeedbackRate',
  'casesPublished',
  'commitments',
  'repairs',
  'objectionHandlingDays',
  'repairAverageDays',
  'objectionShare',
  'blacklistPublicityCount',
] as const satisfies readonly (keyof LocalEstimates)[];

const sessionOf = (u: { id: number; username: string; departmentId: number | null }, role: SessionUser['role']): SessionUser => ({
  id: u.id,
  username: u.username,
  displayName: u.username,
  role,
  departmentId: u.departmentId,
  departmentName: null,
  mustChangePassword: false,
});

let admin: SessionUser;
let reviewer: SessionUser; // 市场监管局, the department that reported A's penalties
let subjectA = '';
let subjectB = '';
const penalties: string[] = [];
let commitmentRecords: string[] = [];
const notifier = createNotifier([]);
let sessions: Record<'admin' | 'auditor' | 'reporter' | 'reviewer' | 'district', Awaited<ReturnType<typeof loginAs>>>;

async function load(company: typeof A, n: number, seed: number, day: string, docPrefix: number) {
  const r = await importRecords(t, companyPenaltyRows(n, seed, { company, from: day, to: day, docPrefix, over: FINE }));
  assert.equal(r.rejected, 0, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
  return r;
}

/** The shipped score files, one month of each relabelled as the months under test (the city's official scores). */
async function importScores(file: string, fromMonth: string, months: string[]) {
  const lines = readFileSync(new URL(`../../../test/fixtures/monitoring/${file}`, import.meta.url), 'utf8').trim().split('\n');
  const body = lines.slice(1).filter((l) => l.startsWith(`${fromMonth},`));
  const csv = [lines[0], ...months.flatMap((m) => body.map((l) => `${m}${l.slice(7)}`))].join('\n');
  const m = multipartFile(file, Buffer.from(csv));
  const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/scores/import', payload: m.payload, headers: { ...sessions.admin.headers, ...m.headers } });
  assert.equal(r.statusCode, 200, r.body);
}

before(async () => {
  t = await createTestApp();
  const authority = await allowFixtureAuthorities(t.db, 'SCJGJ');
  await installBuiltinListTypes(t.db);
  await installShippedMeasures(t.db);
  admin = sessionOf(await makeUser(t.db, { role: 'admin' }), 'admin');
  reviewer = sessionOf(await makeUser(t.db, { role: 'reviewer', deptCode: 'SCJGJ' }), 'reviewer');
  sessions = {
    admin: await loginAs(t, 'admin'),
    auditor: await loginAs(t, 'auditor'),
    reporter: await loginAs(t, 'reporter', 'SCJGJ'),
    reviewer: await loginAs(t, 'reviewer', 'SCJGJ'),
    district: await loginAs(t, 'district_admin', (await t.db.selectFrom('departments').select('code').where('kind', '=', 'district').orderBy('sort_order').executeTakeFirstOrThrow()).code),
  };
  // A: five 一般 fines decided 2026-07-01 (repairable from October under the 2026 regime); C: four decided in November.
  await load(A, 5, 91, '2026-07-01', 91);
  await load(C, 4, 93, '2026-11-10', 93);
  const rows = await t.db.selectFrom('records').select(['id', 'subject_id', 'doc_no']).where('doc_no', 'like', '%〕91%').orderBy('doc_no').execute();
  penalties.push(...rows.map((r) => r.id));
  subjectA = rows[0].subject_id!;
  // B: collected commitments (two 告知承诺制, one 容缺受理) dated in November.
  const commitment = (no: string, kind: string) => ({
    法定名称或姓名: B.name,
    主体类别: '法人及非法人组织',
    统一社会信用代码: B.uscc,
    承诺类型: kind,
    承诺事项: '食品经营许可',
    承诺内容: '本单位承诺符合食品经营许可的条件，如有不实愿承担责任',
    承诺书编号: no,
    承诺日期: '2026-11-02',
    受理部门: '西宁市市场监督管理局',
    受理部门统一社会信用代码: authority.uscc,
  });
  const cr = await importRecords(t, [commitment('CN-M-1', '告知承诺制'), commitment('CN-M-2', '告知承诺制'), commitment('CN-M-3', '容缺受理型')], { catalog: '信用承诺', channel: 'form' });
  assert.equal(cr.accepted, 3, JSON.stringify(cr));
  const crs = await t.db.selectFrom('records').select(['id', 'subject_id']).where('item_id', '=', 'credit_commitment_v1').orderBy('doc_no').execute();
  commitmentRecords = crs.map((r) => r.id);
  subjectB = crs[0].subject_id!;
  await importScores('scores-36.csv', '2017-12', [M, NOW_MONTH]);
  await importScores('scores-36-2020.csv', '2021-01', [M, NOW_MONTH]);
});
after(async () => {
  await t?.close();
});

test('a month with nothing behind it has none of these estimates (absent, never a made-up zero)', async () => {
  const e = await localEstimates(t.db, '2020-01');
  for (const k of NEW_KEYS) assert.equal(e[k], undefined, k);
  // Every new key is mapped to indicator codes that exist in the shipped trees.
  for (const k of NEW_KEYS) assert.ok(Object.values(ESTIMATE_DEFS[k].indicators).flat().length > 0, k);
});

test('the list register: 黑名单企业占比, 单位黑名单记录, 黑名单公开 and the red-list share, informing PF3/PF4/PF5 and B3', async () => {
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: subjectA, decisionNo: '宁财采〔2026〕1号', origin: 'local', status: 'listed', listedOn: '2026-01-10', expiresOn: '2029-01-09' });
  await registerEntry(t.db, { listType: 'SXBZXR', subjectId: subjectA, decisionNo: '(2026)青0104执9号', origin: 'local', status: 'listed', listedOn: '2026-11-03', expiresOn: '2028-11-02' });
  // Ended before the month closed: neither in force nor published at its end.
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: subjectB, decisionNo: '宁财采〔2025〕7号', origin: 'local', status: 'listed', listedOn: '2025-01-10', expiresOn: '2026-10-31' });
  await registerEntry(t.db, { listType: 'ANSRX', subjectId: subjectB, decisionNo: '2025年度A级', origin: 'collected', status: 'listed', listedOn: '2026-11-05' });
  const e = await localEstimates(t.db, M);
  assert.equal(e.blacklistPublicityCount, 2, 'two black entries of A in force and published at the end of November');
  assert.deepEqual(e.organisationBlacklistEntries, { inForce: 2, added: 1 });
  assert.equal(e.blacklistEnterpriseShare!.black, 1, 'one organisation, counted once');
  const organisations = e.blacklistEnterpriseShare!.organisations;
  assert.ok(organisations >= 3, String(organisations));
  assert.equal(e.redListShare, 1 / organisations);
  // The index API shows them beside the indicators they inform.
  const gen1 = await t.app.inject({ method: 'GET', url: `/api/monitoring/compare?tree=gen1&month=${M}`, headers: { cookie: sessions.auditor.cookie } });
  assert.equal(gen1.statusCode, 200, gen1.body);
  const keysOf = (body: { indicators: { code: string; estimates?: { key: string; text: string }[] }[] }, code: string) => (body.indicators.find((i) => i.code === code)?.estimates ?? []).map((x) => x.key);
  assert.ok(keysOf(gen1.json(), 'PF3').includes('blacklistEnterpriseShare'));
  assert.ok(keysOf(gen1.json(), 'PF4').includes('organisationBlacklistEntries'));
  assert.ok(keysOf(gen1.json(), 'PF5').includes('blacklistPublicityCount'));
  assert.equal(gen1.json().estimates.blacklistPublicityCount, 2);
  assert.equal(gen1.json().indicators.find((i: { code: string }) => i.code === 'PF4').estimates.find((x: { key: string }) => x.key === 'organisationBlacklistEntries').text, '在列 2 条，本期新列入 1 条');
  const y2020 = await t.app.inject({ method: 'GET', url: `/api/monitoring/compare?tree=2020&month=${M}`, headers: { cookie: sessions.auditor.cookie } });
  assert.ok(keysOf(y2020.json(), 'B3').includes('redListShare'));
});

test('in the current month, "in force at the end" means today: an entry ending later in the month still counts', async () => {
  const c = await t.db.selectFrom('records').select('subject_id').where('doc_no', 'like', '%〕93%').executeTakeFirstOrThrow();
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: c.subject_id!, decisionNo: '宁财采〔2026〕11号', origin: 'local', status: 'listed', listedOn: '2026-11-01', expiresOn: '2026-11-20' });
  const midMonth = await creditServiceEstimates(t.db, M, 0, on('2026-11-15'));
  assert.deepEqual(midMonth.organisationBlacklistEntries, { inForce: 3, added: 2 });
  assert.equal(midMonth.blacklistEnterpriseShare!.black, 2);
  const later = await creditServiceEstimates(t.db, M, 0, on('2026-12-05'));
  assert.deepEqual(later.organisationBlacklistEntries, { inForce: 2, added: 2 }, 'a past month is taken at its last day');
  assert.equal(later.blacklistEnterpriseShare!.black, 1);
});

test('pre-action checks, measures applied, feedback and published cases: the 2020 tree’s 事前 (C1) and 事后 (C3)', async () => {
  const clerk = await makeUser(t.db, { role: 'reporter', deptCode: 'CZJ' });
  const answer = await runCheck(t.db, { secret: t.ctx.config.secret, departmentId: clerk.departmentId!, channel: 'console', userId: clerk.id, scenario: '政府采购', subjects: [{ uscc: A.uscc }] }, ctx);
  const found = answer.subjects[0];
  assert.equal(found.status, 'found');
  assert.ok(found.measures.length > 0, 'a black-listed subject before a 政府采购 award has measures');
  await recordFeedback(
    t.db,
    answer.checkId,
    { id: clerk.id, departmentId: clerk.departmentId! },
    found.measures.map((m) => ({ subjectId: found.subject!.id, measureId: m.id, applied: true, caseDescription: '取消中标资格', actedOn: new Date().toISOString().slice(0, 10) })),
    ctx,
  );
  const fb = await t.db.selectFrom('sanction_feedback').select('id').where('check_id', '=', answer.checkId).orderBy('id').executeTakeFirstOrThrow();
  await markNotable(t.db, fb.id, admin.id, { title: '某公司被取消政府采购中标资格', summary: '依法取消中标资格' }, ctx);
  const e = await localEstimates(t.db, NOW_MONTH);
  assert.deepEqual(e.preActionChecks, { checks: 1, withHits: 1, departments: 1 });
  assert.deepEqual(e.measuresApplied, { punishment: found.measures.length, incentive: 0, notApplied: 0 });
  assert.equal(e.sanctionFeedbackRate, 1);
  assert.deepEqual(e.casesPublished, { punishment: 1, incentive: 0 });
  const r = await t.app.inject({ method: 'GET', url: `/api/monitoring/compare?tree=2020&month=${NOW_MONTH}`, headers: { cookie: sessions.auditor.cookie } });
  assert.equal(r.statusCode, 200, r.body);
  const c1 = r.json().indicators.find((i: { code: string }) => i.code === 'C1').estimates.map((x: { key: string }) => x.key);
  const c3 = r.json().indicators.find((i: { code: string }) => i.code === 'C3').estimates.map((x: { key: string }) => x.key);
  assert.ok(c1.includes('preActionChecks'), c1.join());
  for (const k of ['measuresApplied', 'sanctionFeedbackRate', 'casesPublished']) assert.ok(c3.includes(k), `${k} in ${c3.join()}`);
});

test('repair, objections and commitments of November: estimates for D1, D2, C1/C2, the statistics API and the scorecards', async () => {
  const deps = { secret: t.ctx.config.secret, notifier };
  const apply = (record: string, day: string) =>
    applyForRepair(t.db, deps, { uscc: A.uscc, agentName: '孙经办', agentMobile: '13700001111', channel: 'standard', recordIds: [record], commitmentConfirmed: true, materials: [{ kind: 'power_of_attorney', fileName: '授权委托书.pdf', content: PDF }] }, ctx, on(day));
  // Decision due 3 working days after forwarding: 11-05 for the first two, 11-19 for the third.
  const r1 = await apply(penalties[0], '2026-11-02');
  const r2 = await apply(penalties[1], '2026-11-02');
  const r3 = await apply(penalties[2], '2026-11-16');
  for (const [a, day] of [[r1, '2026-11-02'], [r2, '2026-11-02'], [r3, '2026-11-16']] as const) await forwardRepair(t.db, deps, admin, a.id, ctx, on(day));
  await decideRepair(t.db, deps, reviewer, r1.id, { approve: true }, ctx, on('2026-11-04')); // on time, 2 working days
  await decideRepair(t.db, deps, reviewer, r2.id, { approve: false, reason: '未履行行政处罚决定' }, ctx, on('2026-11-09')); // late, 5 working days
  // r3 is never decided: late from 11-20.

  const env = (day: string) => ({ secret: t.ctx.config.secret, notifier, now: on(day) });
  const file = (record: string) =>
    fileObjection(t.db, env('2026-11-02'), { recordIds: [record], subjectCode: A.uscc, scope: 'error', statement: '处罚金额与决定书不一致，请核实更正', relation: 'subject', applicantName: '李申诉', mobile: '13900002222', pledgeConfirmed: true, files: [{ name: '决定书.pdf', contentBase64: PDF.toString('base64') }] }, ctx);
  await file(penalties[3]);
  await file(penalties[4]);
  const objections = await t.db.selectFrom('objections').select('id').orderBy('id').execute();
  for (const o of objections) await precheck(t.db, env('2026-11-03'), admin, o.id, { action: 'send' }, ctx); // department due 11-10
  await decideObjection(t.db, env('2026-11-06'), reviewer, objections[0].id, { outcome: 'refused', reason: '经核实信息无误' }, ctx); // on time
  // The second stays open past 11-10: late.

  const online = await makeVoluntaryCommitment(t.db, t.ctx.config.secret, { subjectId: subjectB, subjectCode: B.uscc, matter: '诚信经营', applicantName: '周承诺', mobile: '13600003333', confirmed: true }, ctx, on('2026-11-05'));
  await markFulfilment(t.db, reviewer, { recordId: commitmentRecords[0], outcome: 'breached', basis: '未按承诺期限补交材料' }, ctx, on('2026-11-20'));
  await markFulfilment(t.db, admin, { commitmentId: online.id, outcome: 'kept', basis: '年度检查未见违诺' }, ctx, on('2026-11-25'));

  const e = await localEstimates(t.db, M);
  assert.deepEqual(e.repairs, { applied: 3, approved: 1, refused: 1 });
  assert.equal(e.repairAverageDays, 3.5, '(2 + 5) / 2 working days');
  assert.equal(e.objectionShare, 2 / 4, 'two objections per four 双公示 records decided in November');
  assert.equal(e.objectionHandlingDays, 4, 'filed 11-02, decided 11-06');
  assert.deepEqual(e.commitments, { made: 4, kept: 1, breached: 1 });

  const y2020 = (await t.app.inject({ method: 'GET', url: `/api/monitoring/compare?tree=2020&month=${M}`, headers: { cookie: sessions.auditor.cookie } })).json();
  const keys = (code: string) => (y2020.indicators.find((i: { code: string }) => i.code === code).estimates ?? []).map((x: { key: string }) => x.key);
  assert.deepEqual(keys('D1').sort(), ['repairAverageDays', 'repairs']);
  assert.deepEqual(keys('D2').sort(), ['objectionHandlingDays', 'objectionShare']);
  assert.ok(keys('C1').includes('commitments') && keys('C2').includes('commitments'));
  assert.deepEqual(y2020.estimates.repairs, { applied: 3, approved: 1, refused: 1 });
  // The 通报 shows them in its indicator table's 本地测算 column.
  const report = await t.app.inject({ method: 'GET', url: `/api/monitoring/report?tree=2020&month=${M}&format=html`, headers: { cookie: sessions.auditor.cookie } });
  assert.equal(report.statusCode, 200, report.body.slice(0, 300));
  for (const text of ['信用修复申请 受理 3 件，准予 1 件，不予 1 件', '信用修复平均办理时间 3.5 个工作日', '异议平均办理时间 4.0 个工作日', '信用承诺 作出 4 件，履约 1 件，违诺 1 件']) {
    assert.ok(report.body.includes(text), text);
  }

  // The credit office's statistics API.
  const url = '/api/stats/credit-services?from=2026-11-01&to=2026-11-30';
  const s = await t.app.inject({ method: 'GET', url, headers: { cookie: sessions.auditor.cookie } });
  assert.equal(s.statusCode, 200, s.body);
  const stats = s.json();
  assert.deepEqual([stats.repairs.applied, stats.repairs.approved, stats.repairs.refused, stats.repairs.averageWorkingDays], [3, 1, 1, 3.5]);
  assert.equal(stats.objections.filed, 2);
  assert.equal(stats.objections.byScope.find((x: { scope: string }) => x.scope === 'error').count, 2);
  assert.equal(stats.objections.byOutcome.find((x: { outcome: string }) => x.outcome === 'refused').count, 1);
  assert.equal(stats.objections.averageWorkingDays, 4);
  assert.deepEqual(
    stats.commitments.byKind.map((k: { kind: string; made: number; kept: number; breached: number }) => [k.kind, k.made, k.kept, k.breached]),
    [
      ['approval', 2, 0, 1],
      ['tolerance', 1, 0, 0],
      ['industry', 0, 0, 0],
      ['repair', 0, 0, 0],
      ['voluntary', 1, 1, 0],
    ],
  );
  const empty = (await t.app.inject({ method: 'GET', url: '/api/stats/credit-services?from=2020-01-01&to=2020-01-31', headers: { cookie: sessions.admin.cookie } })).json();
  assert.equal(empty.repairs.averageWorkingDays, null, 'nothing decided: no average, not a zero');
  assert.equal(empty.objections.averageWorkingDays, null);

  const x = await t.app.inject({ method: 'GET', url: url.replace('credit-services', 'credit-services.xlsx'), headers: { cookie: sessions.admin.cookie } });
  assert.equal(x.statusCode, 200, x.body);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
  assert.deepEqual(wb.worksheets.map((w) => w.name), ['信用修复', '异议申诉', '信用承诺']);
  const total = wb.getWorksheet('信用修复')!.getRow(wb.getWorksheet('信用修复')!.rowCount).values as unknown[];
  assert.deepEqual(total.slice(1), ['合计', 3, 1, 1, 2, 3.5]);
  const kinds = wb.getWorksheet('信用承诺')!;
  assert.deepEqual((kinds.getRow(3).values as unknown[]).slice(1), ['审批替代型（告知承诺制）', 2, 0, 1]);

  // Scorecards: 市场监管局 owed 3 repair decisions and 2 objection verifications in November, 2 made in time.
  const cards = await scorecardsFor(t.db, M, on('2026-11-30'));
  const card = cards.cards.find((c) => c.department === String(reviewer.departmentId))!;
  assert.equal(card.handlingOwed, 5);
  assert.equal(card.handlingRate, 0.4);
  // Its batches were committed today, not in November, so the department is 未报送 there and scores no part
  // (the core's table test covers the handling component of a reporting department).
  assert.equal(card.status, 'not_reported');
  const api = await t.app.inject({ method: 'GET', url: `/api/monitoring/scorecards?month=${M}`, headers: { cookie: sessions.auditor.cookie } });
  const item = api.json().items.find((i: { departmentId: number }) => i.departmentId === reviewer.departmentId);
  assert.deepEqual([item.handlingOwed, item.handlingRate], [5, 0.4]);
  assert.ok(api.json().weights.handling > 0, 'the default weights give handling a weight');
  const xs = await t.app.inject({ method: 'GET', url: `/api/monitoring/scorecards.xlsx?month=${M}`, headers: { cookie: sessions.auditor.cookie } });
  const sheet = new ExcelJS.Workbook();
  await sheet.xlsx.load(xs.rawPayload as unknown as ExcelJS.Buffer);
  const header = (sheet.worksheets[0].getRow(1).values as unknown[]).slice(1);
  const row = sheet.worksheets[0].getRows(2, sheet.worksheets[0].rowCount - 1)!.find((r) => r.getCell(2).value === card.name)!;
  assert.equal(row.getCell(header.indexOf('修复异议按期办结率') + 1).value, '40%');
  assert.equal(row.getCell(header.indexOf('修复异议应办件数') + 1).value, 5);
  // A weights row written before handling existed keeps its own weights (handling 0) and stays valid.
  await t.db.insertInto('settings').values({ key: 'monitoring.scorecardWeights', value: JSON.stringify({ volume: 0.4, timeliness: 0.3, firstPass: 0.2, correction: 0.1 }) }).execute();
  try {
    assert.equal((await scorecardsFor(t.db, M, on('2026-11-30'))).weights.handling, 0);
  } finally {
    await t.db.deleteFrom('settings').where('key', '=', 'monitoring.scorecardWeights').execute();
  }
});

test('the credit-services .xlsx neutralises a hostile department name (formula injection)', async () => {
  const old = (await t.db.selectFrom('departments').select('name').where('id', '=', reviewer.departmentId!).executeTakeFirstOrThrow()).name;
  await updateDepartment(t.db, reviewer.departmentId!, { name: '=HYPERLINK("http://evil.example","市场监管局")' }, ctx);
  try {
    const x = await t.app.inject({ method: 'GET', url: '/api/stats/credit-services.xlsx?from=2026-11-01&to=2026-11-30', headers: { cookie: sessions.admin.cookie } });
    assert.equal(x.statusCode, 200, x.body);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
    const cell = wb.getWorksheet('信用修复')!.getRow(3).getCell(1);
    assert.equal(cell.value, `'=HYPERLINK("http://evil.example","市场监管局")`);
    assert.equal(cell.formula, undefined);
  } finally {
    await updateDepartment(t.db, reviewer.departmentId!, { name: old }, ctx);
  }
});

test('the credit-services statistics: a role denial per route, and a bad period', async () => {
  for (const url of ['/api/stats/credit-services?from=2026-11-01&to=2026-11-30', '/api/stats/credit-services.xlsx?from=2026-11-01&to=2026-11-30']) {
    assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 401, url);
    for (const who of ['reporter', 'reviewer', 'district'] as const) {
      const r = await t.app.inject({ method: 'GET', url, headers: { cookie: sessions[who].cookie } });
      assert.equal(r.statusCode, 403, `${who} ${url}`);
    }
  }
  for (const q of ['from=2026-11-30&to=2026-11-01', 'from=2026-02-30&to=2026-03-01']) {
    const r = await t.app.inject({ method: 'GET', url: `/api/stats/credit-services?${q}`, headers: { cookie: sessions.admin.cookie } });
    assert.equal(r.statusCode, 400, q);
    assert.equal(r.json().error.code, 'invalid_period');
  }
});
