// Issue 15 §4 for repair on a real database: the deadline reminders (即将到期 one working day before, 已到期 on the
// day) across National Day 2026 and the 调休 Saturday 2026-10-10, sent once per item, deadline, stage and
// recipient however often and from however many runners the job runs; and the settings form's routes (roles,
// validation in Chinese, audit, effect on the next application).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords, makeUser } from '../../../test/factories.ts';
import { createNotifier, type Notice } from '../../platform/notifier.ts';
import type { SessionUser } from '../../platform/http.ts';
import { mulberry32 } from '../../platform/random.ts';
import { generateUscc } from '../codes/index.ts';
import { refreshPublicity } from '../publicity/index.ts';
import { companyPenaltyRows } from '../reports/reports.fixtures.ts';
import { repairDeadlineNotices } from './repair.deadlines.ts';
import { applyForRepair, forwardRepair, repairQueue, repairTodoItems, type RepairApplicationInput, type RepairDeps } from './repair.service.ts';
import { countsByPage } from '../../platform/todos.ts';
import { DEFAULT_REPAIR_SETTINGS, REPAIR_SETTINGS_KEY } from './repair.settings.ts';

let t: TestApp;
let deps: RepairDeps;
let admin: SessionUser;
const A = { name: '西宁修复提醒测试有限公司', uscc: generateUscc(mulberry32(501), { prefix: '91', region: '630104' }), legalRepresentative: '周提醒' };
const FINE = { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' };
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const ctx = { actor: null };
const on = (day: string) => new Date(`${day}T10:00:00+08:00`);
let recs: string[] = [];
/** What the outside sender (the only double) was handed. */
const outside: Notice[] = [];

const input = (recordIds: string[], over: Partial<RepairApplicationInput> = {}): RepairApplicationInput => ({
  uscc: A.uscc,
  agentName: '吴经办',
  agentMobile: '13700002222',
  channel: 'standard',
  recordIds,
  commitmentConfirmed: true,
  materials: [{ kind: 'power_of_attorney', fileName: '授权委托书.pdf', content: PDF }],
  ...over,
});

before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  // 2026 regime 一般 fines decided 2026-04-10: repairable from 2026-07-11.
  const r = await importRecords(t, companyPenaltyRows(4, 77, { company: A, from: '2026-04-10', to: '2026-04-10', docPrefix: 61, over: FINE }));
  assert.equal(r.rejected, 0, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
  recs = (await t.db.selectFrom('records').select('id').where('doc_no', 'like', '%〕61%').orderBy('doc_no').execute()).map((x) => x.id);
  assert.equal(recs.length, 4);
  const a = await makeUser(t.db, { role: 'admin' });
  admin = { id: a.id, username: a.username, displayName: a.username, role: 'admin', departmentId: null, departmentName: null, mustChangePassword: false };
  await makeUser(t.db, { role: 'reviewer', deptCode: 'SCJGJ' });
  await makeUser(t.db, { role: 'reporter', deptCode: 'SCJGJ' });
  // Another department's clerk and an inactive admin get nothing.
  await makeUser(t.db, { role: 'reporter', deptCode: 'FY' });
  const gone = await makeUser(t.db, { role: 'admin' });
  await t.db.updateTable('users').set({ active: false }).where('id', '=', gone.id).execute();
  deps = { secret: t.ctx.config.secret, notifier: createNotifier() };
});
after(async () => {
  await t?.close();
});

test('reminders across National Day and the 调休 Saturday: 即将到期 the working day before, 已到期 on the day, each once', async () => {
  // Forwarded on 09-30, the last working day before National Day: 3 working days are 10-08, 10-09 and the 调休
  // Saturday 10-10 (docs/domain/03-publicity.md §3.3).
  const app = await applyForRepair(t.db, deps, input([recs[0]]), ctx, on('2026-09-28'));
  const f = await forwardRepair(t.db, deps, admin, app.id, ctx, on('2026-09-30'));
  assert.equal(f.decideDue, '2026-10-10');
  // A second application the credit office has not forwarded: its answer is due 10-16.
  const waiting = await applyForRepair(t.db, deps, input([recs[1]]), ctx, on('2026-09-28'));
  assert.equal(waiting.answerDue, '2026-10-16');

  const users = await t.db.selectFrom('users').innerJoin('departments as d', 'd.id', 'users.department_id').select('users.id').where('d.code', '=', 'SCJGJ').where('users.active', '=', true).execute();
  const admins = await t.db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).execute();
  const recipients = [...users, ...admins].map((u) => `user:${u.id}`).sort();
  // The only double: the SMS/mail gateway outside the machine, here taking every user recipient.
  const notifier = createNotifier([{ channel: 'mail', accepts: (r) => r.startsWith('user:'), send: async (n) => void outside.push(n) }]);
  const run = (day: string) => repairDeadlineNotices(t.db, notifier, 'https://credit.example.gov.cn', on(day));
  const logged = async (stage: string) =>
    (await t.db.selectFrom('notifications').select(['recipient', 'subject', 'body', 'status', 'channel']).where('ref', '=', `repair:${app.id}`).where('topic', '=', `repair.deadline.${stage}`).orderBy('recipient').execute());

  const table: Array<{ day: string; why: string; sent: number }> = [
    { day: '2026-10-07', why: 'the last holiday day: two working days remain (10-08, 10-09, then the day itself)', sent: 0 },
    { day: '2026-10-08', why: 'two working days remain (10-09, 10-10)', sent: 0 },
    { day: '2026-10-09', why: 'one working day remains (the 调休 Saturday): 即将到期', sent: recipients.length },
    { day: '2026-10-09', why: 'the same run again: nothing new', sent: 0 },
    { day: '2026-10-10', why: 'the deadline, a 调休 Saturday: 已到期', sent: recipients.length },
    { day: '2026-10-11', why: 'Sunday after it: already told', sent: 0 },
    { day: '2026-10-12', why: 'overdue days later: already told', sent: 0 },
  ];
  for (const c of table) assert.equal(await run(c.day), c.sent, `${c.day}: ${c.why}`);

  const soon = await logged('due_soon');
  assert.deepEqual(soon.map((n) => n.recipient).sort(), recipients, 'the department’s active clerks and the active credit office, nobody else');
  assert.ok(soon.every((n) => n.subject.startsWith('【即将到期】') && n.body.includes('2026-10-10') && n.body.includes(`https://credit.example.gov.cn/console/repair?id=${app.id}`)), JSON.stringify(soon[0]));
  assert.ok(soon.every((n) => n.status === 'sent' && n.channel === 'mail'));
  const due = await logged('due');
  assert.equal(due.length, recipients.length);
  assert.match(due[0].subject, /【已到期】信用修复申请（编号 \d+，西宁修复提醒测试有限公司）的部门决定/);
  assert.equal(outside.filter((n) => n.ref === `repair:${app.id}`).length, 2 * recipients.length, 'the gateway got each notice once');

  // The unforwarded one is the credit office's alone: 即将到期 on 10-15.
  assert.equal(await run('2026-10-15'), admins.length);
  const office = await t.db.selectFrom('notifications').select('recipient').where('ref', '=', `repair:${waiting.id}`).where('topic', '=', 'repair.deadline.due_soon').execute();
  assert.deepEqual(office.map((n) => n.recipient).sort(), admins.map((u) => `user:${u.id}`).sort());
});

test('two runners at once (two processes): each reminder is logged and sent once', async () => {
  const app = await applyForRepair(t.db, deps, input([recs[2]]), ctx, on('2026-11-02'));
  await forwardRepair(t.db, deps, admin, app.id, ctx, on('2026-11-02'));
  const handed: Notice[] = [];
  const mk = () => createNotifier([{ channel: 'mail', accepts: (r) => r.startsWith('user:'), send: async (n) => void handed.push(n) }]);
  const total = async () => Number((await t.db.selectFrom('notifications').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const before_ = await total();
  const [a, b] = await Promise.all([repairDeadlineNotices(t.db, mk(), 'http://x', on('2026-11-04')), repairDeadlineNotices(t.db, mk(), 'http://x', on('2026-11-04'))]);
  const rows = await t.db.selectFrom('notifications').select('recipient').where('ref', '=', `repair:${app.id}`).where('topic', '=', 'repair.deadline.due_soon').execute();
  assert.ok(rows.length > 0);
  assert.equal(a + b, (await total()) - before_, 'what the two runners report is what was logged');
  assert.equal(new Set(rows.map((r) => r.recipient)).size, rows.length);
  assert.equal(handed.filter((n) => n.ref === `repair:${app.id}`).length, rows.length);
});

test('settings routes: credit office reads, only its administrators save; validated in Chinese; audited; in force at once', async () => {
  const adminS = await loginAs(t, 'admin');
  const auditor = await loginAs(t, 'auditor');
  const reporter = await loginAs(t, 'reporter', 'SCJGJ');
  const body = { ...DEFAULT_REPAIR_SETTINGS, deadlines: { default: { answerDays: 10, decideDays: 3 }, '2026': { answerDays: 7, decideDays: 2 } }, repeatOffenderBar: { enabled: true, years: 2, count: 4 } };

  // Denials, one per route and role that may not.
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/repair/settings' })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/repair/settings', headers: reporter.headers })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/repair/settings', payload: body })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/repair/settings', headers: reporter.headers, payload: body })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/repair/settings', headers: auditor.headers, payload: body })).statusCode, 403);

  const read = await t.app.inject({ method: 'GET', url: '/api/repair/settings', headers: auditor.headers });
  assert.equal(read.statusCode, 200, read.body);
  const v = read.json();
  assert.equal(v.editable, false);
  assert.equal(v.scan.command, null, 'the server command is shown to administrators only');
  assert.equal(v.settings.repeatOffenderBar.enabled, false, 'default off');
  assert.match(v.sources.repeatOffenderBar, /待信用办确认（可配置）/);
  assert.doesNotMatch(JSON.stringify(v.sources), /docs\/domain|\[M\]/, 'no developer citations on screen (issue 17 §4)');
  // The scan is told in words: what it does when configured and when not, and who sets it; no env name on screen.
  assert.doesNotMatch(JSON.stringify(v.sources), /[A-Z][A-Z0-9]*_[A-Z0-9_]+/, 'no env or enum name on screen (issue 17 §4)');
  assert.match(v.sources.scan, /由服务器部署配置设定.*未配置时只按文件内容核验类型，不做病毒扫描/);

  const bad = await t.app.inject({ method: 'PUT', url: '/api/repair/settings', headers: adminS.headers, payload: { ...body, deadlines: { default: { answerDays: 0, decideDays: 3 }, '2026': { answerDays: 2, decideDays: 5 } }, maxFiles: 30 } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'workflow_settings_invalid');
  assert.match(bad.json().error.message, /默认：答复申请人时限须为 1–60 个工作日/);
  assert.match(bad.json().error.message, /2026 年规则：认定部门决定时限不能长于答复申请人的时限/);
  assert.match(bad.json().error.message, /材料数量上限须为 1–20 个/);
  assert.equal(await t.db.selectFrom('settings').select('key').where('key', '=', REPAIR_SETTINGS_KEY).executeTakeFirst(), undefined, 'nothing stored');

  const ok = await t.app.inject({ method: 'PUT', url: '/api/repair/settings', headers: adminS.headers, payload: body });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json().settings.deadlines['2026'], { answerDays: 7, decideDays: 2 });
  const a = await t.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'repair.settings').executeTakeFirstOrThrow();
  assert.deepEqual((a.detail as { after: { repeatOffenderBar: unknown } }).after.repeatOffenderBar, { enabled: true, years: 2, count: 4 });

  // In force for the next application: the 2026 regime's 7 working days from 2026-11-09 (Monday) → 11-18.
  await t.db.updateTable('settings').set({ value: JSON.stringify({ ...body, repeatOffenderBar: { enabled: false, years: 2, count: 4 } }) }).where('key', '=', REPAIR_SETTINGS_KEY).execute();
  const next = await applyForRepair(t.db, deps, input([recs[3]]), ctx, on('2026-11-09'));
  assert.equal(next.answerDue, '2026-11-18');
});

test('the queue: the credit office sees every open application, the deciding department its forwarded ones', async () => {
  const q = await repairQueue(t.db, admin, { status: 'open' }, on('2026-10-20'));
  assert.ok(q.length >= 3);
  assert.ok(q.some((x) => x.status === 'submitted'));
  const overdueFirst = q.findIndex((x) => !x.overdue);
  assert.ok(overdueFirst === -1 || q.slice(overdueFirst).every((x) => !x.overdue), 'overdue first');
  // The credit office's badge counts each late application once: a late one still to forward is not also counted
  // among the late ones at a department.
  const late = q.filter((x) => x.overdue);
  assert.ok(late.some((x) => x.status === 'submitted') && late.some((x) => x.status === 'forwarded'));
  const [page] = countsByPage(await repairTodoItems(t.db, admin, on('2026-10-20')));
  assert.equal(page.path, '/console/repair');
  assert.equal(page.overdue, late.length);
  assert.equal(page.count, q.filter((x) => x.status === 'submitted').length + late.filter((x) => x.status === 'forwarded').length);
});
