// Issue 15 §4 for objections on a real database: the navigation badges (GET /api/desk/counts) follow an
// objection from filing to its outcome, scoped by role; the deadline reminders across National Day and the 调休
// Saturday, once however often the job runs; the settings form's routes (roles, Chinese validation, audit,
// effect: the evidence limit refuses a filing at once).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { importRecords } from '../../../test/factories.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { createNotifier } from '../../platform/notifier.ts';
import type { SessionUser } from '../../platform/http.ts';
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../ingest/fixtures.ts';
import { refreshPublicity } from '../publicity/publicity.service.ts';
import { companyPenaltyRows } from '../reports/reports.fixtures.ts';
import { objectionDeadlineNotices } from './objections.deadlines.ts';
import { fileObjection, precheck } from './objections.service.ts';

let t: TestApp;
let ipSeq = 0;
const newIp = () => `10.8.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const file = (name: string) => ({ name, contentBase64: PDF.toString('base64') });
const ctx = { actor: null };

let seq = 0;
/** A company with `n` public penalty records reported by 市场监管局 (SCJGJ). */
async function company(n = 1) {
  const k = ++seq;
  const c = { name: `西宁队列测试${k}商贸有限公司`, uscc: generateUscc(mulberry32(8100 + k), { prefix: '91', region: '630104' }), legalRepresentative: '钱队列' };
  const rows = companyPenaltyRows(n, 1900 + k, { company: c, from: '2026-06-01', to: '2026-11-20', docPrefix: 70 + k, over: { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' } });
  const r = await importRecords(t, rows);
  assert.equal(r.rejected, 0, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
  const recs = await t.db.selectFrom('records').select(['id', 'department_id']).where('doc_no', 'like', `%${70 + k}__号`).orderBy('id').execute();
  assert.equal(recs.length, n);
  return { uscc: c.uscc, recordIds: recs.map((x) => x.id), departmentId: recs[0].department_id };
}

const body = (recordIds: string[], subjectCode: string, files = [file('复议决定书.pdf')]) => ({
  recordIds,
  subjectCode,
  scope: 'error',
  statement: '处罚决定已被行政复议决定撤销，公示内容与复议结果不一致。',
  relation: 'subject',
  applicantName: '郑经办',
  mobile: '13800138011',
  pledgeConfirmed: true,
  files,
});
const fileVia = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/public/objections', payload: payload as object, remoteAddress: newIp() });
const idOf = async (recordId: string) =>
  (await t.db.selectFrom('objection_records').select('objection_id').where('record_id', '=', recordId).orderBy('objection_id', 'desc').executeTakeFirstOrThrow()).objection_id;

before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

type Counts = { pages: Array<{ path: string; count: number; overdue: number }>; partial: boolean };
const badge = async (headers: Record<string, string>, path = '/console/objections') => {
  const r = await t.app.inject({ method: 'GET', url: '/api/desk/counts', headers });
  assert.equal(r.statusCode, 200, r.body);
  const c = r.json() as Counts;
  assert.equal(c.partial, false);
  return c.pages.find((p) => p.path === path) ?? { path, count: 0, overdue: 0 };
};

test('badges: the count changes when an objection is filed, sent and decided; a department sees its own, the credit office all', async () => {
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/desk/counts' })).statusCode, 401);
  const admin = await loginAs(t, 'admin');
  const clerk = await loginAs(t, 'reviewer', 'SCJGJ');
  const other = await loginAs(t, 'reviewer', 'FY');
  const auditor = await loginAs(t, 'auditor');
  const start = { admin: (await badge(admin.headers)).count, clerk: (await badge(clerk.headers)).count };

  const c = await company(1);
  assert.equal((await fileVia(body(c.recordIds, c.uscc))).statusCode, 200);
  const id = await idOf(c.recordIds[0]);
  assert.equal((await badge(admin.headers)).count, start.admin + 1, '初审 is the credit office’s');
  assert.equal((await badge(clerk.headers)).count, start.clerk, 'not yet the department’s');

  const sent = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/precheck`, headers: admin.headers, payload: { action: 'send' } });
  assert.equal(sent.statusCode, 200, sent.body);
  assert.equal((await badge(admin.headers)).count, start.admin + 1, 'the credit office still sees it (at the department)');
  assert.equal((await badge(clerk.headers)).count, start.clerk + 1, 'now the department’s');
  assert.equal((await badge(other.headers)).count, 0, 'another department sees nothing');
  assert.equal((await badge(auditor.headers)).count, 0, 'the auditor has no work here');

  const done = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/decide`, headers: clerk.headers, payload: { outcome: 'refused', reason: '经核实信息无误' } });
  assert.equal(done.statusCode, 200, done.body);
  assert.equal((await badge(admin.headers)).count, start.admin);
  assert.equal((await badge(clerk.headers)).count, start.clerk);
});

test('badges agree with the desk: each page’s count is the sum of its to-dos, overdue included', async () => {
  const admin = await loginAs(t, 'admin');
  const desk = (await t.app.inject({ method: 'GET', url: '/api/desk', headers: admin.headers })).json() as { items: Array<{ link: string; count: number; overdue?: number }> };
  const counts = (await t.app.inject({ method: 'GET', url: '/api/desk/counts', headers: admin.headers })).json() as Counts;
  for (const p of counts.pages) {
    const mine = desk.items.filter((i) => i.link.split('?')[0] === p.path);
    assert.equal(p.count, mine.reduce((s, i) => s + i.count, 0), p.path);
    assert.equal(p.overdue, mine.reduce((s, i) => s + (i.overdue ?? 0), 0), p.path);
  }
});

test('reminders: sent to the department on the last working day before National Day, due across it and the 调休 Saturday; once per stage', async () => {
  const env = (at: string) => ({ secret: t.ctx.config.secret, notifier: createNotifier(), now: new Date(`${at}T10:00:00+08:00`) });
  const c = await company(1);
  const admin = (await t.db.selectFrom('users').select(['id', 'username']).where('role', '=', 'admin').executeTakeFirstOrThrow());
  const office: SessionUser = { id: admin.id, username: admin.username, displayName: admin.username, role: 'admin', departmentId: null, departmentName: null, mustChangePassword: false };
  await fileObjection(t.db, env('2026-09-29'), body(c.recordIds, c.uscc) as Parameters<typeof fileObjection>[2], ctx);
  const id = await idOf(c.recordIds[0]);
  await precheck(t.db, env('2026-09-30'), office, id, { action: 'send' }, ctx);
  // 5 working days after 09-30 (docs/domain/03-publicity.md §3.4): 10-08, 10-09, 10-10 (调休), 10-12, 10-13.
  const due = (await t.db.selectFrom('objections').select('due_on').where('id', '=', id).executeTakeFirstOrThrow()).due_on;
  assert.equal(due, '2026-10-13');

  const run = (day: string) => objectionDeadlineNotices(t.db, createNotifier(), 'https://credit.example.gov.cn', new Date(`${day}T10:00:00+08:00`));
  const mine = async (stage: string) => t.db.selectFrom('notifications').select(['recipient', 'subject', 'body']).where('ref', '=', `objection:${id}`).where('topic', '=', `objection.deadline.${stage}`).execute();
  await run('2026-10-09');
  await run('2026-10-10');
  await run('2026-10-11');
  assert.equal((await mine('due_soon')).length, 0, 'two working days remain on the 调休 Saturday and the Sunday after it');
  await run('2026-10-12');
  await run('2026-10-12');
  const soon = await mine('due_soon');
  const clerks = await t.db.selectFrom('users').select('id').where('department_id', '=', c.departmentId).where('role', 'in', ['reporter', 'reviewer']).where('active', '=', true).execute();
  const admins = await t.db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).execute();
  assert.equal(soon.length, clerks.length + admins.length, 'once per recipient, however often it runs');
  assert.ok(clerks.length > 0);
  assert.match(soon[0].subject, /^【即将到期】异议申诉（受理编号 YS\d+）的部门核实$/);
  assert.match(soon[0].body, /将于 2026-10-13 到期（还剩 1 个工作日）.*https:\/\/credit\.example\.gov\.cn\/console\/objections\?id=\d+/);
  await run('2026-10-13');
  await run('2026-10-14');
  const late = await mine('due');
  assert.equal(late.length, soon.length);
  assert.match(late[0].body, /今日（2026-10-13）到期/);
});

test('settings routes: roles, Chinese validation, audit, and the evidence limit in force at once', async () => {
  const admin = await loginAs(t, 'admin');
  const auditor = await loginAs(t, 'auditor');
  const reporter = await loginAs(t, 'reporter', 'SCJGJ');
  const good = { precheckDays: 3, departmentDays: 5, materialDays: 10, whileOpen: 'mark', maxFiles: 1, maxFileBytes: 2 * 1024 * 1024 };
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/objections/settings' })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/objections/settings', headers: reporter.headers })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/objections/settings', payload: good })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/objections/settings', headers: reporter.headers, payload: good })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/objections/settings', headers: auditor.headers, payload: good })).statusCode, 403);

  const read = await t.app.inject({ method: 'GET', url: '/api/objections/settings', headers: auditor.headers });
  assert.equal(read.statusCode, 200, read.body);
  assert.equal(read.json().settings.whileOpen, 'mark', 'default: shown with 异议处理中');
  assert.equal(read.json().settings.departmentDays, 5);
  assert.match(read.json().sources.departmentDays, /5 个工作日/);
  assert.doesNotMatch(JSON.stringify(read.json().sources), /docs\/domain|\[M\]/, 'no developer citations on screen (issue 17 §4)');
  assert.equal(read.json().editable, false);

  const bad = await t.app.inject({ method: 'PUT', url: '/api/objections/settings', headers: admin.headers, payload: { ...good, departmentDays: 0, maxFiles: 11, maxFileBytes: 9 * 1024 * 1024 } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /认定部门核实更正时限须为 1–60 个工作日；证明材料数量上限须为 1–10 个；单个证明材料大小上限须在 0\.1–5 MB 之间/);

  const ok = await t.app.inject({ method: 'PUT', url: '/api/objections/settings', headers: admin.headers, payload: good });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().settings.maxFiles, 1);
  const a = await t.db.selectFrom('audit_log').select(['detail']).where('action', '=', 'objection.settings').executeTakeFirstOrThrow();
  assert.equal((a.detail as { before: { maxFiles: number } }).before.maxFiles, 5);

  try {
    const c = await company(1);
    const two = await fileVia(body(c.recordIds, c.uscc, [file('一.pdf'), file('二.pdf')]));
    assert.equal(two.statusCode, 422);
    assert.equal(two.json().error.message, '证明材料最多 1 个文件，本次提交了 2 个');
    assert.equal((await fileVia(body(c.recordIds, c.uscc))).statusCode, 200);
  } finally {
    await t.db.deleteFrom('settings').where('key', '=', 'objections').execute();
  }
});
