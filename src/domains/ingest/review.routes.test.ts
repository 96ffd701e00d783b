// The review step (issue 17 §3) through HTTP: the credit office sets 报送需审核 on a department (audited); its
// uploads are held ('pending_review', nothing in records), its 审核员 returns one with a note or approves it (then
// it is committed), role and department denials, four eyes, a race of two approvals, and an interrupted approval.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { generatePenaltyRows, PENALTY_HEADERS, penaltyCsvChunks } from './fixtures.ts';
import { sweepAbandonedImports } from './import.job.ts';
import { columnNames } from './review.ts';
import { compileItem, SGS_CF_V2 } from '../catalog/index.ts';

let t: TestApp;
let scjgj: number;
before(async () => {
  t = await createTestApp();
  for (const code of ['SCJGJ', 'SWUJU']) await allowFixtureAuthorities(t.db, code);
  scjgj = await deptId(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

type Session = Awaited<ReturnType<typeof loginAs>>;
type Batch = { batchId: string; status: string; total: number; accepted: number; rejected: number; new: number; reviewNote: string | null; reviewedBy: number | null };

const csv = (n: number, seed: number) => Buffer.concat([...penaltyCsvChunks(n, seed, { encoding: 'utf-8', invalidRate: 0.1 })]);

async function upload(s: Session, content: Buffer): Promise<string> {
  const m = multipartFile('处罚.csv', content);
  const r = await t.app.inject({ method: 'POST', url: `/api/ingest/upload?${encodeURI('catalog=行政处罚')}`, headers: { ...s.headers, ...m.headers }, payload: m.payload });
  assert.equal(r.statusCode, 202, r.body);
  return r.json().batchId as string;
}

async function waitBatch(s: Session, id: string): Promise<Batch> {
  for (let i = 0; i < 400; i++) {
    const r = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id}`, headers: s.headers });
    assert.equal(r.statusCode, 200, r.body);
    const b = r.json() as Batch;
    if (b.status !== 'processing') return b;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('batch did not finish');
}

const versionsOf = async (batchId: string) =>
  Number((await t.db.selectFrom('record_versions').select((eb) => eb.fn.countAll<string>().as('n')).where('batch_id', '=', batchId).executeTakeFirstOrThrow()).n);
const heldOf = async (batchId: string) =>
  Number((await t.db.selectFrom('ingest_review_rows').select((eb) => eb.fn.countAll<string>().as('n')).where('batch_id', '=', batchId).executeTakeFirstOrThrow()).n);
const approve = (s: Session, id: string) => t.app.inject({ method: 'POST', url: `/api/ingest/batches/${id}/approve`, headers: s.headers });
const giveBack = (s: Session, id: string, note: string) => t.app.inject({ method: 'POST', url: `/api/ingest/batches/${id}/return`, headers: s.headers, payload: { note } });

describe('review step', () => {
  let admin: Session;
  let reporter: Session;
  let reviewer: Session;
  before(async () => {
    admin = await loginAs(t, 'admin');
    reporter = await loginAs(t, 'reporter', 'SCJGJ');
    reviewer = await loginAs(t, 'reviewer', 'SCJGJ');
  });

  test('only the credit office sets 报送需审核 on a department, audited', async () => {
    const denied = await t.app.inject({ method: 'PATCH', url: `/api/departments/${scjgj}`, headers: reviewer.headers, payload: { reviewRequired: true } });
    assert.equal(denied.statusCode, 403);
    const r = await t.app.inject({ method: 'PATCH', url: `/api/departments/${scjgj}`, headers: admin.headers, payload: { reviewRequired: true } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().reviewRequired, true);
    const a = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'departments.update').where('target', '=', `department:${scjgj}`).orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual((a.detail as { patch: unknown }).patch, { reviewRequired: true });
  });

  test('a department without the setting keeps today’s flow: committed at once', async () => {
    const other = await loginAs(t, 'reporter', 'SWUJU');
    const b = await waitBatch(other, await upload(other, csv(10, 3)));
    assert.equal(b.status, 'committed');
    assert.ok((await versionsOf(b.batchId)) > 0);
  });

  test('upload → held; return with a note; corrected upload → approved → committed', async () => {
    const id = await upload(reporter, csv(40, 7));
    const held = await waitBatch(reporter, id);
    assert.equal(held.status, 'pending_review');
    assert.equal(held.total, 40);
    assert.equal(held.total, held.accepted + held.rejected);
    assert.ok(held.rejected > 0 && held.accepted > 0);
    // Nothing written: no record version, no new record; the rows wait masked for the reviewer.
    assert.equal(await versionsOf(id), 0);
    assert.equal(await heldOf(id), 40);
    const rows = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id}/held-rows`, headers: reviewer.headers });
    assert.equal(rows.statusCode, 200, rows.body);
    assert.equal(rows.json().items.length, 40);
    assert.ok(rows.json().header.length > 5);
    // The reviewer reads the data items' names above the columns, never their codes (issue 17 §4).
    const { header, columns } = rows.json() as { header: string[]; columns: string[] };
    assert.equal(columns.length, header.length);
    for (const c of columns) assert.doesNotMatch(c, /[A-Z][A-Z0-9]*_[A-Z0-9_]+/, c);
    assert.doesNotMatch(rows.body, /\d{17}[\dX]/, 'ID numbers are masked');
    // Rejected rows are listed with reasons at once, so the reporter can start correcting them.
    const rej = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id}/rejects`, headers: reporter.headers });
    assert.equal(rej.json().items.length, held.rejected);
    // The queue: the reviewer's department's held batches.
    const queue = await t.app.inject({ method: 'GET', url: '/api/ingest/batches?status=pending_review', headers: reviewer.headers });
    assert.deepEqual((queue.json().items as Batch[]).map((b) => b.batchId), [id]);
    // Collection figures count committed batches only.
    const stats = await t.app.inject({ method: 'GET', url: '/api/ingest/stats', headers: admin.headers });
    assert.equal((stats.json().items as Array<{ departmentId: number; batches: number }>).find((x) => x.departmentId === scjgj)?.batches ?? 0, 0);

    const ret = await giveBack(reviewer, id, '第 3 行处罚依据不完整，请核对后重新报送');
    assert.equal(ret.statusCode, 200, ret.body);
    assert.equal(ret.json().status, 'returned');
    const seen = await waitBatch(reporter, id);
    assert.equal(seen.reviewNote, '第 3 行处罚依据不完整，请核对后重新报送');
    assert.equal(seen.reviewedBy, reviewer.userId);
    assert.equal(await heldOf(id), 0);
    assert.equal(await versionsOf(id), 0);
    assert.equal((await approve(reviewer, id)).statusCode, 409, 'a returned batch cannot be approved');
    const audited = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'ingest.review.return').where('target', '=', `batch:${id}`).executeTakeFirstOrThrow();
    assert.equal((audited.detail as { note: string }).note, '第 3 行处罚依据不完整，请核对后重新报送');

    const id2 = await upload(reporter, csv(40, 8));
    const held2 = await waitBatch(reporter, id2);
    assert.equal(held2.status, 'pending_review');
    const a = await approve(reviewer, id2);
    assert.equal(a.statusCode, 202, a.body);
    const done = await waitBatch(reviewer, id2);
    assert.equal(done.status, 'committed');
    assert.equal(done.total, held2.total);
    assert.equal(done.accepted, held2.accepted);
    assert.equal(done.rejected, held2.rejected);
    assert.equal(done.new, held2.accepted);
    assert.equal(done.reviewedBy, reviewer.userId);
    assert.equal(await versionsOf(id2), held2.accepted);
    assert.equal(await heldOf(id2), 0);
    const rej2 = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id2}/rejects`, headers: reporter.headers });
    assert.equal(rej2.json().items.length, held2.rejected, 'the rejects are those of the commit, not doubled');
    const audit = await t.db.selectFrom('audit_log').select('actor_user_id').where('action', '=', 'ingest.review.approve').where('target', '=', `batch:${id2}`).executeTakeFirstOrThrow();
    assert.equal(audit.actor_user_id, reviewer.userId);
  });

  test('denials: a reporter, another department’s reviewer, an auditor, and the uploader cannot decide', async () => {
    const id = await upload(reporter, csv(5, 11));
    assert.equal((await waitBatch(reporter, id)).status, 'pending_review');
    const r1 = await approve(reporter, id);
    assert.equal(r1.statusCode, 403);
    assert.equal((await giveBack(reporter, id, '退回试试')).statusCode, 403);
    const foreign = await loginAs(t, 'reviewer', 'SWUJU');
    const r2 = await approve(foreign, id);
    assert.equal(r2.statusCode, 403);
    assert.equal(r2.json().error.code, 'review_forbidden');
    assert.equal((await giveBack(foreign, id, '退回试试')).statusCode, 403);
    assert.equal((await approve(await loginAs(t, 'auditor'), id)).statusCode, 403);
    const denied = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'ingest.review').where('target', '=', `batch:${id}`).where('outcome', '=', 'denied').execute();
    assert.ok(denied.length >= 2);
    // Four eyes: a 审核员 who uploaded the batch may not approve it.
    const own = await upload(reviewer, csv(5, 12));
    assert.equal((await waitBatch(reviewer, own)).status, 'pending_review');
    const r3 = await approve(reviewer, own);
    assert.equal(r3.statusCode, 403);
    assert.equal(r3.json().error.code, 'review_own_batch');
    // Still held after all that.
    assert.equal((await waitBatch(reporter, id)).status, 'pending_review');
    assert.equal(await versionsOf(id), 0);
  });

  test('two reviewers approving at once: one wins, the other gets 409', async () => {
    const id = await upload(reporter, csv(10, 13));
    assert.equal((await waitBatch(reporter, id)).status, 'pending_review');
    const second = await loginAs(t, 'reviewer', 'SCJGJ');
    const [x, y] = await Promise.all([approve(reviewer, id), approve(second, id)]);
    assert.deepEqual([x.statusCode, y.statusCode].sort(), [202, 409]);
    assert.equal((x.statusCode === 409 ? x : y).json().error.code, 'batch_not_pending_review');
    assert.equal((await waitBatch(reporter, id)).status, 'committed');
  });

  test('the online form is held too; a credit-office correction is not', async () => {
    const [a, b] = [...generatePenaltyRows(2, 4343)].map((r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])));
    const f = await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: reporter.headers, payload: { catalog: '行政处罚', values: a } });
    assert.equal(f.statusCode, 201, f.body);
    assert.equal(f.json().status, 'pending_review');
    assert.equal(f.json().accepted, 1);
    assert.equal(await versionsOf(f.json().batchId), 0);
    const c = await t.app.inject({
      method: 'POST', url: '/api/ingest/form', headers: admin.headers, payload: { catalog: '行政处罚', departmentId: scjgj, correctionReason: '信用办核实更正', values: b },
    });
    assert.equal(c.statusCode, 201, c.body);
    assert.equal(c.json().status, 'committed');
  });

  test('an approval whose commit died goes back to the queue with its rows', async () => {
    const id = await upload(reporter, csv(6, 17));
    assert.equal((await waitBatch(reporter, id)).status, 'pending_review');
    // As if the approving process died after taking the batch: processing, no job, no lock.
    await t.db.updateTable('ingest_batches').set({ status: 'processing', reviewed_by: reviewer.userId }).where('id', '=', id).execute();
    assert.equal(await sweepAbandonedImports(t.db, [id]), 1);
    const b = await waitBatch(reporter, id);
    assert.equal(b.status, 'pending_review');
    assert.equal(b.reviewedBy, null);
    assert.equal(await heldOf(id), 6);
    assert.equal((await approve(reviewer, id)).statusCode, 202);
    assert.equal((await waitBatch(reporter, id)).status, 'committed');
  });
});

test('a held batch headed with codes shows the data items’ names above its columns (issue 17 §4)', () => {
  const [a, b, c] = compileItem(SGS_CF_V2).templateFields;
  // [header cell, what the reviewer reads]
  const cases: [string, string][] = [
    [a.code, a.name],
    [b.code.toLowerCase(), b.name],
    [c.name, c.name],
    ['本部门自用列', '本部门自用列'],
  ];
  assert.deepEqual(columnNames(SGS_CF_V2, cases.map(([h]) => h)), cases.map(([, n]) => n));
});
