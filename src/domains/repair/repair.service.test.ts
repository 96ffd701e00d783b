// Repair services on a real database with the clock given (issue 15 §1): working-day deadlines across the
// National Day holiday (2026-10-01..07) and the 调休 working Saturday 2026-10-10, per regime from settings;
// eligibility under the 2019 regime (特定严重失信 is never repairable, docs/domain/03-publicity.md §3.1); the
// restructuring channel (§3.3); the repeat-offender bar; the virus-scan command hook; notices through an
// outside sender double; to-dos and figures.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords, makeUser } from '../../../test/factories.ts';
import { createNotifier, type Notice } from '../../platform/notifier.ts';
import type { SessionUser } from '../../platform/http.ts';
import { mulberry32 } from '../../platform/random.ts';
import { generateUscc } from '../codes/index.ts';
import { refreshPublicity } from '../publicity/index.ts';
import { companyPenaltyRows } from '../reports/reports.fixtures.ts';
import { commandScanner } from './materials.ts';
import { applyForRepair, decideRepair, forwardRepair, repairQueue, repairStats, repairTodoItems, subjectEligibility, type RepairApplicationInput, type RepairDeps } from './repair.service.ts';
import { REPAIR_SETTINGS_KEY } from './repair.settings.ts';

let t: TestApp;
let deps: RepairDeps;
const sent: Notice[] = [];
const A = { name: '西宁修复期限测试有限公司', uscc: generateUscc(mulberry32(301), { prefix: '91', region: '630104' }), legalRepresentative: '赵期限' };
const B = { name: '西宁二〇一九规则测试有限公司', uscc: generateUscc(mulberry32(302), { prefix: '91', region: '630104' }), legalRepresentative: '钱规则' };
const FINE = { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' };
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const ctx = { actor: null };
/** A moment on a China calendar day (10:00 Beijing time). */
const on = (day: string) => new Date(`${day}T10:00:00+08:00`);

const recs: Record<number, string> = {};
let admin: SessionUser;
let reviewer: SessionUser;

async function load(company: typeof A, n: number, seed: number, day: string, docPrefix: number, over: Record<string, string> = FINE) {
  const r = await importRecords(t, companyPenaltyRows(n, seed, { company, from: day, to: day, docPrefix, over }));
  assert.equal(r.rejected, 0, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
  const rows = await t.db.selectFrom('records').select(['id', 'doc_no']).where('doc_no', 'like', `%〕${docPrefix}%`).orderBy('doc_no').execute();
  rows.forEach((row, i) => (recs[docPrefix * 100 + i] = row.id));
}

const sessionOf = (u: { id: number; username: string; departmentId: number | null }, role: SessionUser['role']): SessionUser => ({
  id: u.id,
  username: u.username,
  displayName: u.username,
  role,
  departmentId: u.departmentId,
  departmentName: null,
  mustChangePassword: false,
});

before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  // Company A, 2026 regime: 一般 fines decided 2026-04-10, repairable from 2026-07-11 (3-month minimum).
  await load(A, 6, 31, '2026-04-10', 31);
  // Company B, 2019 regime: a 2019 一般 fine, and 吊销 for 传销 (特定严重失信, §3.1), both decided 2020-08-01.
  await load(B, 1, 41, '2020-08-01', 41);
  await load(B, 1, 42, '2020-08-01', 42, { CF_CFLB: '吊销许可证件', CF_NR_FK: '', CF_NR_WFFF: '', CF_NR_ZKDX: '营业执照 91630104000000000X', CF_WFXW: '组织传销活动', CF_NR: '吊销营业执照' });
  admin = sessionOf(await makeUser(t.db, { role: 'admin' }), 'admin');
  reviewer = sessionOf(await makeUser(t.db, { role: 'reviewer', deptCode: 'SCJGJ' }), 'reviewer');
  // The outside SMS gateway is the only double: the notices' log is the real table.
  deps = {
    secret: t.ctx.config.secret,
    notifier: createNotifier([{ channel: 'sms', accepts: (r) => /^1\d{10}$/.test(r), send: async (n) => void sent.push(n) }]),
  };
});
after(async () => {
  await t?.close();
});

const input = (recordIds: string[], over: Partial<RepairApplicationInput> = {}): RepairApplicationInput => ({
  uscc: A.uscc,
  agentName: '孙经办',
  agentMobile: '13700001111',
  channel: 'standard',
  recordIds,
  commitmentConfirmed: true,
  materials: [{ kind: 'power_of_attorney', fileName: '授权委托书.pdf', content: PDF }],
  ...over,
});

test('deadlines in working days across the National Day holiday and the 调休 Saturday, per regime from settings', async () => {
  const cases = [
    { name: 'applied the Monday before National Day; forwarded on the last day before it: decision due on the 调休 Saturday', record: recs[3100], applied: '2026-09-28', answerDue: '2026-10-16', forwarded: '2026-09-30', decideDue: '2026-10-10' },
    { name: 'applied before 中秋 and the 调休 Sunday 2026-09-20', record: recs[3101], applied: '2026-09-18', answerDue: '2026-10-09', forwarded: '2026-10-08', decideDue: '2026-10-12' },
    { name: 'applied on the Friday before the 调休 Saturday', record: recs[3102], applied: '2026-10-09', answerDue: '2026-10-22', forwarded: '2026-10-09', decideDue: '2026-10-13' },
    { name: 'the 2026 regime\'s own deadlines (5 and 2 working days) from settings', record: recs[3103], settings: { deadlines: { '2026': { answerDays: 5, decideDays: 2 } } }, applied: '2026-09-28', answerDue: '2026-10-10', forwarded: '2026-09-30', decideDue: '2026-10-09' },
  ];
  for (const c of cases) {
    await t.db.deleteFrom('settings').where('key', '=', REPAIR_SETTINGS_KEY).execute();
    if (c.settings) await t.db.insertInto('settings').values({ key: REPAIR_SETTINGS_KEY, value: JSON.stringify(c.settings) }).execute();
    const a = await applyForRepair(t.db, deps, input([c.record]), ctx, on(c.applied));
    assert.equal(a.answerDue, c.answerDue, c.name);
    const f = await forwardRepair(t.db, deps, admin, a.id, ctx, on(c.forwarded));
    assert.equal(f.decideDue, c.decideDue, c.name);
  }
  await t.db.deleteFrom('settings').where('key', '=', REPAIR_SETTINGS_KEY).execute();
});

test('overdue: flagged first in the queue and in the to-dos; statistics count working days across the holiday', async () => {
  // On 2026-10-12: the 2-day case (decision due 10-09) and the first (10-10) are late for the department; the
  // second is late for the applicant (answer due 10-09) though its department has until 10-12; the third is not.
  const queue = await repairQueue(t.db, admin, { status: 'open' }, on('2026-10-12'));
  assert.equal(queue[0].overdue, true);
  assert.equal(queue[0].decideDue, '2026-10-09', 'the most overdue first');
  assert.equal(queue[1].overdue, true);
  assert.equal(queue[1].decideDue, '2026-10-10');
  assert.deepEqual(
    queue.map((q) => [q.decideDue, q.overdue]),
    [
      ['2026-10-09', true],
      ['2026-10-10', true],
      ['2026-10-12', true],
      ['2026-10-13', false],
    ],
  );
  const todos = await repairTodoItems(t.db, reviewer, on('2026-10-12'));
  assert.deepEqual(todos, [{ key: 'repair.due', label: '待决定的信用修复申请', count: 4, overdue: 3, link: '/console/repair?status=open' }]);
  assert.deepEqual(await repairTodoItems(t.db, admin, on('2026-10-12')), [{ key: 'repair.overdue', label: '超期的信用修复申请', count: 3, overdue: 3, link: '/console/repair?status=open' }]);
  // Decided on the 调休 Saturday: 5 working days after 2026-09-28 (09-29, 09-30, 10-08, 10-09, 10-10).
  const first = queue.find((q) => q.decideDue === '2026-10-10' && q.appliedOn === '2026-09-28' && q.answerDue === '2026-10-16')!;
  const d = await decideRepair(t.db, deps, reviewer, first.id, { approve: true }, ctx, on('2026-10-10'));
  assert.equal(d.status, 'approved');
  const s = await repairStats(t.db, { from: '2026-09-01', to: '2026-10-31' }, on('2026-10-12'));
  assert.equal(s.applied, 4);
  assert.equal(s.approved, 1);
  assert.equal(s.averageWorkingDays, 5);
  assert.equal(s.overdue, 2, 'the approved one was decided in time; the 2-day case and the answer of the second are late');
});

test('2019 regime: 特定严重失信 is never repairable; the general one from its date, with the 2019 materials', async () => {
  const e = await subjectEligibility(t.db, deps.secret, B.uscc, on('2021-06-01'));
  const general = e.records.find((r) => r.recordId === recs[4100])!;
  const serious = e.records.find((r) => r.recordId === recs[4200])!;
  assert.equal(general.state, 'eligible');
  assert.equal(general.regime, '2019');
  assert.equal(general.earliestDate, '2020-11-02');
  assert.deepEqual(general.materials.map((m) => m.kind), ['commitment', 'licence', 'performance_proof']);
  assert.equal(serious.state, 'not_repairable');
  assert.equal(serious.specificSerious, true);
  assert.equal(serious.earliestDate, null);
  assert.match(serious.reason!, /特定严重失信行为/);
  await assert.rejects(
    applyForRepair(t.db, deps, input([recs[4200]], { uscc: B.uscc }), ctx, on('2021-06-01')),
    (err: { code?: string; status?: number }) => err.code === 'repair_not_repairable' && err.status === 409,
  );
  // Before the minimum: not yet, with the date.
  const early = await subjectEligibility(t.db, deps.secret, B.uscc, on('2020-09-01'));
  const g = early.records.find((r) => r.recordId === recs[4100])!;
  assert.equal(g.state, 'not_yet');
  assert.equal(g.earliestDate, '2020-11-02');
});

test('restructuring channel (§3.3): no wait for the minimum, the court ruling required; it can be switched off', async () => {
  const at = on('2020-09-01');
  await assert.rejects(applyForRepair(t.db, deps, input([recs[4100]], { uscc: B.uscc }), ctx, at), (e: { code?: string }) => e.code === 'repair_not_yet_eligible');
  await assert.rejects(applyForRepair(t.db, deps, input([recs[4100]], { uscc: B.uscc, channel: 'restructuring' }), ctx, at), (e: { code?: string }) => e.code === 'repair_court_ruling_missing');
  await t.db.insertInto('settings').values({ key: REPAIR_SETTINGS_KEY, value: JSON.stringify({ restructuringChannel: false }) }).execute();
  const withRuling = input([recs[4100]], { uscc: B.uscc, channel: 'restructuring', materials: [{ kind: 'legal_rep_proof', fileName: '证明.pdf', content: PDF }, { kind: 'court_ruling', fileName: '裁定书.pdf', content: PDF }] });
  await assert.rejects(applyForRepair(t.db, deps, withRuling, ctx, at), (e: { code?: string }) => e.code === 'repair_channel_disabled');
  await t.db.deleteFrom('settings').where('key', '=', REPAIR_SETTINGS_KEY).execute();
  const ok = await applyForRepair(t.db, deps, withRuling, ctx, at);
  assert.match(ok.commitment, /重整计划或和解协议已经人民法院裁定批准/);
});

test('the repeat-offender bar (default off) refuses an application when switched on', async () => {
  const at = on('2026-10-20');
  assert.equal((await subjectEligibility(t.db, deps.secret, A.uscc, at)).barred, null);
  await t.db.insertInto('settings').values({ key: REPAIR_SETTINGS_KEY, value: JSON.stringify({ repeatOffenderBar: { enabled: true, years: 3, count: 5 } }) }).execute();
  try {
    assert.match((await subjectEligibility(t.db, deps.secret, A.uscc, at)).barred ?? '', /近 3 年内受到行政处罚 6 次（达到 5 次）/);
    await assert.rejects(applyForRepair(t.db, deps, input([recs[3104]]), ctx, at), (e: { code?: string; status?: number }) => e.code === 'repair_repeat_offender' && e.status === 409);
  } finally {
    await t.db.deleteFrom('settings').where('key', '=', REPAIR_SETTINGS_KEY).execute();
  }
});

test('the virus-scan command runs on each file: infected → refused with nothing written; a broken scanner fails closed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-scan-test-'));
  const script = join(dir, 'scan.sh');
  await writeFile(script, '#!/bin/sh\nif grep -q EICAR "$1"; then echo "Eicar-Test-Signature FOUND"; exit 1; fi\nexit 0\n');
  await chmod(script, 0o755);
  const count = async () => Number((await t.db.selectFrom('repair_materials').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const before_ = await count();
  const scanning = { ...deps, scanner: commandScanner(`/bin/sh ${script}`) };
  const infected = input([recs[3104]], { materials: [{ kind: 'power_of_attorney', fileName: '委托书.pdf', content: Buffer.concat([PDF, Buffer.from('EICAR')]) }] });
  await assert.rejects(applyForRepair(t.db, scanning, infected, ctx, on('2026-10-20')), (e: { code?: string; message?: string }) => e.code === 'repair_material_infected' && /Eicar-Test-Signature/.test(e.message ?? ''));
  const broken = { ...deps, scanner: commandScanner('/bin/sh -c "exit 2"') };
  await assert.rejects(applyForRepair(t.db, broken, input([recs[3104]]), ctx, on('2026-10-20')), (e: { code?: string; status?: number }) => e.code === 'repair_scan_failed' && e.status === 503);
  assert.equal(await count(), before_);
  const ok = await applyForRepair(t.db, scanning, input([recs[3104]]), ctx, on('2026-10-20'));
  assert.ok(ok.id);
  assert.equal(await count(), before_ + 1);
});

test('notices go to the log and, for a mobile, through the outside sender', async () => {
  const accepted = sent.filter((n) => n.topic === 'repair.accepted');
  assert.ok(accepted.length >= 1);
  assert.equal(accepted[0].recipient, '13700001111');
  const rows = await t.db.selectFrom('notifications').select(['topic', 'status', 'channel']).where('recipient', '=', '13700001111').execute();
  assert.ok(rows.length >= accepted.length);
  assert.ok(rows.every((r) => r.status === 'sent' && r.channel === 'sms'));
  const dept = await t.db.selectFrom('notifications').select(['status', 'channel']).where('recipient', 'like', 'department:%').execute();
  assert.ok(dept.length > 0 && dept.every((r) => r.status === 'logged' && r.channel === 'log'));
});
