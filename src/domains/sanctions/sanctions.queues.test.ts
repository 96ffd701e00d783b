// Issue 15 §4 for feedback on checks with hits, on a real database: the reminders across 中秋, National Day and the
// 调休 Saturday (once however often the job runs), the feedback-deadline setting's routes (roles, validation,
// audit) and its effect on the check's overdue state in the department's badge and the credit office's desk.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { createNotifier } from '../../platform/notifier.ts';
import { searchColumns } from '../subjects/index.ts';
import { registerEntry } from '../lists/index.ts';
import { feedbackDeadlineNotices } from './feedback.deadlines.ts';
import { installShippedMeasures } from './measures.seed.ts';

let t: TestApp;
type Session = Awaited<ReturnType<typeof loginAs>>;
let clerk: Session;
let admin: Session;
const USCC = '91350100M000100Y43';

before(async () => {
  t = await createTestApp();
  await installShippedMeasures(t.db);
  clerk = await loginAs(t, 'reporter', 'CZJ');
  admin = await loginAs(t, 'admin');
  const { nameNorm, pinyinInitials } = searchColumns('福州某某建材有限公司');
  const s = await t.db
    .insertInto('subjects')
    .values({ kind: 'legal', name: '福州某某建材有限公司', uscc: USCC, name_norm: nameNorm, pinyin_initials: pinyinInitials, created_at: new Date(), updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: s.id, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed', listedOn: '2026-03-01', expiresOn: '2029-02-28' });
});
after(() => t.close());

/** A 政府采购 check with a hit by the clerk's department, dated `at` (the test sets the day the check was made). */
async function checkOn(at: Date): Promise<string> {
  const r = await t.app.inject({ method: 'POST', url: '/api/sanctions/checks', headers: clerk.headers, payload: { scenario: '政府采购', subjects: [{ uscc: USCC }] } });
  assert.equal(r.statusCode, 200, r.body);
  assert.ok(r.json().subjects[0].measures.length > 0, 'a hit with a measure owing feedback');
  await t.owner.updateTable('sanction_checks').set({ checked_at: at }).where('id', '=', r.json().checkId).execute();
  return r.json().checkId as string;
}

test('reminders: a check on the Thursday before 中秋 is due after 10 working days across National Day and the 调休 Saturday; once per stage', async () => {
  // 2026-09-24 (Thu) + 10 working days: 09-28, 09-29, 09-30, 10-08, 10-09, 10-10 (调休), 10-12, 10-13, 10-14, 10-15.
  const id = await checkOn(new Date('2026-09-24T10:00:00+08:00'));
  const run = (day: string) => feedbackDeadlineNotices(t.db, createNotifier(), 'https://credit.example.gov.cn', new Date(`${day}T10:00:00+08:00`));
  const mine = (stage: string) => t.db.selectFrom('notifications').select(['recipient', 'subject', 'body']).where('ref', '=', `sanction_check:${id}`).where('topic', '=', `sanctions.feedback_deadline.${stage}`).execute();
  await run('2026-10-12');
  await run('2026-10-13');
  assert.equal((await mine('due_soon')).length, 0);
  await run('2026-10-14');
  await run('2026-10-14');
  const soon = await mine('due_soon');
  assert.deepEqual(soon.map((n) => n.recipient).sort(), [`user:${clerk.userId}`, `user:${admin.userId}`].sort(), 'the department’s clerk and the credit office, once each');
  assert.match(soon[0].body, /将于 2026-10-15 到期/);
  assert.match(soon[0].subject, /^【即将到期】联合奖惩核查（HC\d+）的措施实施情况反馈$/);
  await run('2026-10-15');
  await run('2026-10-16');
  assert.equal((await mine('due')).length, 2);
});

test('settings: roles and validation; the feedback deadline changes a check’s overdue state in the badges at once', async () => {
  const auditor = await loginAs(t, 'auditor');
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/sanctions/settings' })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/sanctions/settings', headers: clerk.headers })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/sanctions/settings', payload: { feedbackWorkingDays: 5 } })).statusCode, 401);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/sanctions/settings', headers: clerk.headers, payload: { feedbackWorkingDays: 5 } })).statusCode, 403);
  assert.equal((await t.app.inject({ method: 'PUT', url: '/api/sanctions/settings', headers: auditor.headers, payload: { feedbackWorkingDays: 5 } })).statusCode, 403);
  const read = await t.app.inject({ method: 'GET', url: '/api/sanctions/settings', headers: auditor.headers });
  assert.equal(read.statusCode, 200, read.body);
  assert.deepEqual(read.json().settings, { feedbackWorkingDays: 10 });
  assert.match(read.json().source, /待信用办确认（可配置）/);
  assert.doesNotMatch(read.json().source, /docs\/domain|\[M\]/, 'no developer citations on screen (issue 17 §4)');
  const bad = await t.app.inject({ method: 'PUT', url: '/api/sanctions/settings', headers: admin.headers, payload: { feedbackWorkingDays: 0 } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.message, '反馈时限须为 1–60 个工作日');

  // Only this test's check owes feedback from here on: mark the first test's as answered.
  await t.owner.updateTable('sanction_checks').set({ feedback_given: 99 }).execute();
  // Thirty calendar days ago: fewer than 60 working days, more than 1, whatever the holidays.
  await checkOn(new Date(Date.now() - 30 * 86_400_000));
  const put = (days: number) => t.app.inject({ method: 'PUT', url: '/api/sanctions/settings', headers: admin.headers, payload: { feedbackWorkingDays: days } });
  const badge = async (s: Session, path: string) => ((await t.app.inject({ method: 'GET', url: '/api/desk/counts', headers: s.headers })).json() as { pages: Array<{ path: string; count: number; overdue: number }> }).pages.find((p) => p.path === path);

  assert.equal((await put(60)).statusCode, 200);
  assert.deepEqual(await badge(clerk, '/console/sanctions/check'), { path: '/console/sanctions/check', count: 1, overdue: 0 });
  assert.equal(await badge(admin, '/console/sanctions/stats'), undefined, 'nothing overdue for the credit office');
  const one = await put(1);
  assert.equal(one.statusCode, 200, one.body);
  assert.deepEqual(one.json().settings, { feedbackWorkingDays: 1 });
  assert.deepEqual(await badge(clerk, '/console/sanctions/check'), { path: '/console/sanctions/check', count: 1, overdue: 1 });
  assert.deepEqual(await badge(admin, '/console/sanctions/stats'), { path: '/console/sanctions/stats', count: 1, overdue: 1 });
  const audits = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'sanctions.settings').orderBy('id').execute();
  assert.deepEqual(audits.map((a) => a.detail), [{ before: 10, after: 60 }, { before: 60, after: 1 }]);
});
