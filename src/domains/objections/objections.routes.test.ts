// 异议申诉 end to end over HTTP on a real database: filing with evidence and a 查询码, the 异议处理中 mark on the
// public record and in the credit report, 初审 with a material request, the department's outcome (a new version
// through ingest, or a withdrawal), deadlines on the holiday calendar, and every kind of bad input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { importRecords } from '../../../test/factories.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { pdfText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../ingest/fixtures.ts';
import { refreshPublicity } from '../publicity/publicity.service.ts';
import { companyPenaltyRows } from '../reports/reports.fixtures.ts';
import { createNotifier } from '../../platform/notifier.ts';
import { decideObjection, fileObjection, precheck } from './objections.service.ts';
import { objectionStats } from './objections.stats.ts';
import { objectionsTodo } from './objections.todos.ts';
import { MAX_FILE_BYTES } from './evidence.ts';

let t: TestApp;
let ipSeq = 0;
const newIp = () => `10.9.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);
const file = (name: string, content: Buffer) => ({ name, contentBase64: content.toString('base64') });

let seq = 0;
/** A company with `n` public penalty records reported by 市场监管局 (SCJGJ); returns its id, USCC and record ids. */
async function company(n = 2) {
  const k = ++seq;
  const c = { name: `西宁异议测试${k}商贸有限公司`, uscc: generateUscc(mulberry32(7000 + k), { prefix: '91', region: '630104' }), legalRepresentative: '李异议' };
  const rows = companyPenaltyRows(n, 900 + k, { company: c, from: '2026-06-01', to: '2026-11-20', docPrefix: 40 + k, over: { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' } });
  const r = await importRecords(t, rows);
  assert.equal(r.rejected, 0, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
  const recs = await t.db.selectFrom('records').select(['id', 'subject_id', 'audience']).where('doc_no', 'like', `%${40 + k}__号`).orderBy('id').execute();
  assert.equal(recs.length, n);
  assert.ok(recs.every((x) => x.audience === 'public'));
  return { subjectId: recs[0].subject_id!, uscc: c.uscc, name: c.name, recordIds: recs.map((x) => x.id) };
}

const body = (recordIds: string[], subjectCode: string, over: Record<string, unknown> = {}) => ({
  recordIds,
  subjectCode,
  scope: 'error',
  statement: '处罚决定已被行政复议决定撤销，公示内容与复议结果不一致。',
  relation: 'subject',
  applicantName: '王经办',
  mobile: '13800138000',
  pledgeConfirmed: true,
  files: [file('复议决定书.pdf', PDF)],
  ...over,
});
const fileVia = (payload: unknown, ip = newIp()) => t.app.inject({ method: 'POST', url: '/api/public/objections', payload: payload as object, remoteAddress: ip });
const lookup = (queryCode: string, subjectCode: string, ip = newIp()) => t.app.inject({ method: 'POST', url: '/api/public/objections/lookup', payload: { queryCode, subjectCode }, remoteAddress: ip });
const objectionIdOf = async (recordId: string) =>
  (await t.db.selectFrom('objection_records').select('objection_id').where('record_id', '=', recordId).orderBy('objection_id', 'desc').executeTakeFirstOrThrow()).objection_id;
const counts = async () => ({
  objections: Number((await t.db.selectFrom('objections').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
  files: Number((await t.db.selectFrom('objection_files').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
  marked: Number((await t.db.selectFrom('records').select((e) => e.fn.countAll<string>().as('n')).where('objection_mark', 'is not', null).executeTakeFirstOrThrow()).n),
});

before(async () => {
  t = await createTestApp();
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

test('filed on the portal → 异议处理中 on the public pages and in the report → 初审 asks for material → added → sent → corrected as a new version; the mark is gone', async () => {
  const c = await company(2);
  const [rid, other] = c.recordIds;
  const pledge = await t.app.inject({ method: 'GET', url: `/api/public/objections/pledge?recordId=${rid}`, remoteAddress: newIp() });
  assert.equal(pledge.statusCode, 200);
  assert.match(pledge.json().text, /异议申诉信用承诺书[\s\S]*真实、准确、完整/);

  const filed = await fileVia(body([rid], c.uscc.toLowerCase()));
  assert.equal(filed.statusCode, 200, filed.body);
  const { no, queryCode, dueOn } = filed.json() as { no: string; queryCode: string; dueOn: string };
  assert.match(no, /^YS\d{8}\d{6,}$/);
  assert.match(queryCode, /^[A-Z2-9]{12}$/);
  assert.match(dueOn, /^\d{4}-\d{2}-\d{2}$/);
  // The code is never stored in clear.
  const stored = await t.db.selectFrom('objections').selectAll().where('id', '=', await objectionIdOf(rid)).executeTakeFirstOrThrow();
  assert.notEqual(stored.query_code_hash, queryCode);
  assert.ok(!stored.applicant_mobile_enc.includes('13800138000'));
  assert.equal(stored.applicant_mobile_masked, '138****8000');
  assert.match(stored.pledge_text, /王经办/);

  // The mark: the record page, the subject's tab and the credit report; the other record is untouched.
  const rec = await t.app.inject({ method: 'GET', url: `/api/public/records/${rid}`, remoteAddress: newIp() });
  assert.equal(rec.json().underObjection, true);
  const tab = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${c.subjectId}/records?tab=penalty`, remoteAddress: newIp() });
  const items = tab.json().items as Array<{ id: string; underObjection?: boolean }>;
  assert.equal(items.find((i) => i.id === rid)?.underObjection, true);
  assert.equal(items.find((i) => i.id === other)?.underObjection, undefined);
  const report = await t.app.inject({ method: 'POST', url: '/api/public/reports', payload: { subjectId: c.subjectId }, remoteAddress: newIp() });
  assert.equal(report.statusCode, 200);
  assert.match(pdfText(report.rawPayload), /异议处理中/);

  // The applicant follows progress with the code and the subject's code.
  const seen = await lookup(queryCode.toLowerCase(), c.uscc);
  assert.equal(seen.statusCode, 200, seen.body);
  assert.equal(seen.json().statusLabel, '初审中');
  assert.equal(seen.json().no, no);

  // Queue: the credit office sees it; the department does not until it is sent.
  const admin = await loginAs(t, 'admin');
  const dept = await loginAs(t, 'reporter', 'SCJGJ');
  const queue = await t.app.inject({ method: 'GET', url: '/api/objections', headers: admin.headers });
  const id = (queue.json().items as Array<{ id: string; no: string; mobileMasked: string }>).find((i) => i.no === no)!.id;
  assert.ok(id);
  assert.doesNotMatch(queue.body, /13800138000/);
  const deptQueue0 = await t.app.inject({ method: 'GET', url: '/api/objections', headers: dept.headers });
  assert.ok(!(deptQueue0.json().items as Array<{ no: string }>).some((i) => i.no === no));

  // 初审: ask for material; the applicant adds it with the code; then sent to the department.
  const ask = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/precheck`, headers: admin.headers, payload: { action: 'request_material', note: '请补充行政复议决定书的盖章页' } });
  assert.equal(ask.statusCode, 200, ask.body);
  const waiting = await lookup(queryCode, c.uscc);
  assert.equal(waiting.json().statusLabel, '待补充材料');
  assert.equal(waiting.json().materialNote, '请补充行政复议决定书的盖章页');
  const added = await t.app.inject({ method: 'POST', url: '/api/public/objections/material', remoteAddress: newIp(), payload: { queryCode, subjectCode: c.uscc, note: '已补充', files: [file('盖章页.png', PNG)] } });
  assert.equal(added.statusCode, 200, added.body);
  assert.equal(added.json().statusLabel, '初审中');
  const send = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/precheck`, headers: admin.headers, payload: { action: 'send' } });
  assert.equal(send.statusCode, 200, send.body);
  const deptQueue = await t.app.inject({ method: 'GET', url: '/api/objections', headers: dept.headers });
  assert.ok((deptQueue.json().items as Array<{ no: string }>).some((i) => i.no === no));

  // The department corrects the content: a new version through ingest; nothing overwritten.
  const before = await t.db.selectFrom('records').select(['current_version']).where('id', '=', rid).executeTakeFirstOrThrow();
  const decided = await t.app.inject({
    method: 'POST',
    url: `/api/objections/${id}/decide`,
    headers: dept.headers,
    payload: { outcome: 'corrected', reason: '经核实，处罚内容录入有误，已更正', corrections: [{ recordId: rid, values: { CF_NR: '罚款人民币3000元（经复议变更）' } }] },
  });
  assert.equal(decided.statusCode, 200, decided.body);
  const versions = await t.db.selectFrom('record_versions').select(['version', 'content']).where('record_id', '=', rid).orderBy('version').execute();
  assert.equal(versions.length, before.current_version + 1);
  assert.equal((versions.at(-1)!.content as Record<string, string>).CF_NR, '罚款人民币3000元（经复议变更）');
  assert.equal((versions.at(-2)!.content as Record<string, string>).CF_NR, '罚款人民币5000元');
  const after = await t.app.inject({ method: 'GET', url: `/api/public/records/${rid}`, remoteAddress: newIp() });
  assert.equal(after.statusCode, 200);
  assert.equal(after.json().underObjection, undefined);
  assert.ok((after.json().fields as Array<{ value: string }>).some((f) => f.value === '罚款人民币3000元（经复议变更）'));

  const done = await lookup(queryCode, c.uscc);
  assert.equal(done.json().statusLabel, '已办结');
  assert.equal(done.json().outcomeLabel, '已更正');
  assert.deepEqual(
    (done.json().steps as Array<{ step: string }>).map((s) => s.step),
    ['filed', 'material_requested', 'material_added', 'sent', 'decided'],
  );
  // Every step audited; notices logged for the applicant and the department.
  const audits = await t.db.selectFrom('audit_log').select(['action']).where('target', '=', `objection:${id}`).where('outcome', '=', 'ok').execute();
  for (const a of ['objection.file', 'objection.material_requested', 'objection.material_added', 'objection.sent', 'objection.decide']) assert.ok(audits.some((x) => x.action === a), a);
  const notices = await t.db.selectFrom('notifications').select(['topic', 'recipient']).where('ref', '=', `objection:${id}`).orderBy('id').execute();
  assert.deepEqual(notices.map((n) => n.topic), ['objection.filed', 'objection.material_requested', 'objection.sent', 'objection.decided']);

  // Deciding twice → 409.
  const again = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/decide`, headers: dept.headers, payload: { outcome: 'refused', reason: '再次处理' } });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'objection_already_decided');
  assert.match(again.json().error.message, /已办结/);
});

test('withdrawn: the record leaves the public pages; refused keeps it with the reasons; neither overwrites a version', async () => {
  const c = await company(2);
  const admin = await loginAs(t, 'admin');
  const dept = await loginAs(t, 'reviewer', 'SCJGJ');
  for (const [rid, outcome] of [
    [c.recordIds[0], 'withdrawn'],
    [c.recordIds[1], 'refused'],
  ] as const) {
    const f = await fileVia(body([rid], c.uscc, { scope: outcome === 'withdrawn' ? 'not_public' : 'over_period' }));
    assert.equal(f.statusCode, 200, f.body);
    const id = await objectionIdOf(rid);
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/objections/${id}/precheck`, headers: admin.headers, payload: { action: 'send' } })).statusCode, 200);
    const d = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/decide`, headers: dept.headers, payload: { outcome, reason: outcome === 'withdrawn' ? '处罚决定已撤销' : '经核实，信息准确，公示期未届满' } });
    assert.equal(d.statusCode, 200, d.body);
  }
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/public/records/${c.recordIds[0]}`, remoteAddress: newIp() })).statusCode, 404);
  const kept = await t.app.inject({ method: 'GET', url: `/api/public/records/${c.recordIds[1]}`, remoteAddress: newIp() });
  assert.equal(kept.statusCode, 200);
  assert.equal(kept.json().underObjection, undefined);
  const w = await t.db.selectFrom('record_versions').select(['version', 'withdrawn']).where('record_id', '=', c.recordIds[0]).orderBy('version').execute();
  assert.deepEqual(w.map((v) => v.withdrawn), [false, true]);
  assert.equal((await t.db.selectFrom('records').select('status').where('id', '=', c.recordIds[0]).executeTakeFirstOrThrow()).status, 'withdrawn');
  assert.equal((await t.db.selectFrom('record_versions').select('version').where('record_id', '=', c.recordIds[1]).execute()).length, 1);
});

test('bad input: each ends in a Chinese message and nothing is written (table)', async () => {
  const c = await company(1);
  const other = await company(1);
  const [rid] = c.recordIds;
  const cases: Array<[string, Record<string, unknown>, number, string, RegExp]> = [
    ['wrong type', { files: [file('材料.exe', PDF)] }, 422, 'objection_file_type', /不是 PDF、JPG 或 PNG/],
    ['fake PDF', { files: [file('复议决定书.pdf', Buffer.from('<html>not a pdf</html>'))] }, 422, 'objection_file_fake', /内容不是PDF文件/],
    ['PNG named .jpg', { files: [file('照片.jpg', PNG)] }, 422, 'objection_file_fake', /内容不是JPG文件/],
    ['too large', { files: [file('大文件.pdf', Buffer.concat([PDF, Buffer.alloc(MAX_FILE_BYTES)]))] }, 422, 'objection_file_too_large', /超过 5 MB/],
    ['too many', { files: Array.from({ length: 6 }, (_, i) => file(`材料${i}.pdf`, PDF)) }, 422, 'objection_too_many_files', /最多 5 个文件/],
    ['no evidence', { files: [] }, 422, 'objection_invalid', /至少一份证明材料/],
    ['pledge not confirmed', { pledgeConfirmed: false }, 422, 'objection_invalid', /信用承诺书/],
    ['another subject’s code', { subjectCode: other.uscc }, 422, 'objection_invalid', /主体代码不符/],
    ['records of two subjects', { recordIds: [rid, other.recordIds[0]] }, 422, 'objection_invalid', /主体代码不符/],
    ['unknown record', { recordIds: ['999999999'] }, 422, 'objection_invalid', /主体代码不符/],
  ];
  const before = await counts();
  for (const [name, over, status, code, message] of cases) {
    const res = await fileVia(body([rid], c.uscc, over));
    assert.equal(res.statusCode, status, `${name}: ${res.body}`);
    assert.equal(res.json().error.code, code, name);
    assert.match(res.json().error.message, message, name);
  }
  assert.deepEqual(await counts(), before, 'nothing half-written');
});

test('a second open objection on the same record → 409 naming the open one; after the outcome a new one is accepted', async () => {
  const c = await company(1);
  const [rid] = c.recordIds;
  const first = await fileVia(body([rid], c.uscc));
  assert.equal(first.statusCode, 200);
  const before = await counts();
  const second = await fileVia(body([rid], c.uscc, { scope: 'duplicate' }));
  assert.equal(second.statusCode, 409);
  assert.equal(second.json().error.code, 'objection_open_exists');
  assert.ok(second.json().error.message.includes(first.json().no), second.body);
  assert.deepEqual(await counts(), before);
  // Once decided, the record may be objected to again.
  const id = await objectionIdOf(rid);
  const admin = await loginAs(t, 'admin');
  const dept = await loginAs(t, 'reporter', 'SCJGJ');
  await t.app.inject({ method: 'POST', url: `/api/objections/${id}/precheck`, headers: admin.headers, payload: { action: 'send' } });
  await t.app.inject({ method: 'POST', url: `/api/objections/${id}/decide`, headers: dept.headers, payload: { outcome: 'refused', reason: '经核实信息无误' } });
  assert.equal((await fileVia(body([rid], c.uscc))).statusCode, 200);
});

test('another department acting → 403; the wrong step → 409; role denials on every console route', async () => {
  const c = await company(1);
  const f = await fileVia(body(c.recordIds, c.uscc));
  const id = await objectionIdOf(c.recordIds[0]);
  const admin = await loginAs(t, 'admin');
  const auditor = await loginAs(t, 'auditor');
  const mine = await loginAs(t, 'reporter', 'SCJGJ');
  const stranger = await loginAs(t, 'reporter', 'GAJ');
  assert.equal(f.statusCode, 200);
  // Not yet sent: the department cannot decide (409), another cannot either (403 first).
  const early = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/decide`, headers: mine.headers, payload: { outcome: 'refused', reason: '不予更正' } });
  assert.equal(early.statusCode, 409);
  assert.equal(early.json().error.code, 'objection_wrong_state');
  await t.app.inject({ method: 'POST', url: `/api/objections/${id}/precheck`, headers: admin.headers, payload: { action: 'send' } });
  const twice = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/precheck`, headers: admin.headers, payload: { action: 'send' } });
  assert.equal(twice.statusCode, 409);
  const foreign = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/decide`, headers: stranger.headers, payload: { outcome: 'refused', reason: '不予更正' } });
  assert.equal(foreign.statusCode, 403);
  assert.match(foreign.json().error.message, /认定部门/);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/objections/${id}`, headers: stranger.headers })).statusCode, 404);
  // Corrected without content and without a newer version → 409, nothing changed.
  const notYet = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/decide`, headers: mine.headers, payload: { outcome: 'corrected', reason: '已更正' } });
  assert.equal(notYet.statusCode, 409);
  assert.equal(notYet.json().error.code, 'objection_not_corrected');
  // A key field may not be changed here.
  const keyField = await t.app.inject({ method: 'POST', url: `/api/objections/${id}/decide`, headers: mine.headers, payload: { outcome: 'corrected', reason: '更正', corrections: [{ recordId: c.recordIds[0], values: { CF_WSH: '新文号' } }] } });
  assert.equal(keyField.statusCode, 422, keyField.body);
  assert.equal((await t.db.selectFrom('record_versions').select('version').where('record_id', '=', c.recordIds[0]).execute()).length, 1, 'nothing half-written');
  // Roles.
  const denials: Array<[string, string, Record<string, string> | undefined, unknown, number]> = [
    ['GET', '/api/objections', undefined, undefined, 401],
    ['GET', '/api/objections/stats', mine.headers, undefined, 403],
    ['GET', `/api/objections/${id}`, undefined, undefined, 401],
    ['GET', `/api/objections/${id}/files/1`, undefined, undefined, 401],
    ['POST', `/api/objections/${id}/precheck`, auditor.headers, { action: 'send' }, 403],
    ['POST', `/api/objections/${id}/precheck`, mine.headers, { action: 'send' }, 403],
    ['POST', `/api/objections/${id}/decide`, admin.headers, { outcome: 'refused', reason: '不予更正' }, 403],
    ['POST', `/api/objections/${id}/decide`, auditor.headers, { outcome: 'refused', reason: '不予更正' }, 403],
  ];
  for (const [method, url, headers, payload, status] of denials) {
    const res = await t.app.inject({ method: method as 'GET', url, headers, payload: payload as object });
    assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
  }
  // The department reads the evidence (audited).
  const detail = await t.app.inject({ method: 'GET', url: `/api/objections/${id}`, headers: mine.headers });
  const fileId = (detail.json().files as Array<{ id: string }>)[0].id;
  const dl = await t.app.inject({ method: 'GET', url: `/api/objections/${id}/files/${fileId}`, headers: mine.headers });
  assert.equal(dl.statusCode, 200);
  assert.equal(dl.headers['content-type'], 'application/pdf');
  assert.ok(dl.rawPayload.equals(PDF));
});

test('guessing a 查询码: a wrong pair discloses nothing, and look-ups are rate-limited', async () => {
  const c = await company(1);
  const other = await company(1);
  const f = await fileVia(body(c.recordIds, c.uscc));
  const code = f.json().queryCode as string;
  const ip = newIp();
  const wrongCode = await lookup('ABCDEFGHJKMN', c.uscc, ip);
  const wrongSubject = await lookup(code, other.uscc, ip);
  assert.equal(wrongCode.statusCode, 404);
  assert.equal(wrongSubject.statusCode, 404);
  assert.equal(wrongCode.body, wrongSubject.body.replace(wrongSubject.json().error.requestId ?? '', wrongCode.json().error.requestId ?? ''));
  assert.match(wrongCode.json().error.message, /查询码和主体代码/);
  let last = 0;
  for (let i = 0; i < 10; i++) last = (await lookup(code, c.uscc, ip)).statusCode;
  assert.equal(last, 429);
  const limited = await lookup(code, c.uscc, ip);
  assert.match(limited.json().error.message, /过于频繁/);
  // Material cannot be added when none was asked for.
  const m = await t.app.inject({ method: 'POST', url: '/api/public/objections/material', remoteAddress: newIp(), payload: { queryCode: code, subjectCode: c.uscc, files: [file('a.pdf', PDF)] } });
  assert.equal(m.statusCode, 409);
});

test('deadlines in working days across the National Day holiday and the 调休 Saturday (2026-10-10)', async () => {
  const c = await company(2);
  const env = (now: string) => ({ secret: t.ctx.config.secret, notifier: createNotifier(), now: new Date(now) });
  const ctx = { actor: null };
  // Filed on Wednesday 2026-09-30: 初审 within 2 working days → Oct 8 (Thu) = 1, Oct 9 (Fri) = 2.
  const filed = await fileObjection(t.db, env('2026-09-30T10:00:00+08:00'), body([c.recordIds[0]], c.uscc) as never, ctx);
  assert.equal(filed.dueOn, '2026-10-09');
  const id = await objectionIdOf(c.recordIds[0]);
  const admin = { id: 1, username: 'a', displayName: 'a', role: 'admin' as const, departmentId: null, departmentName: null, mustChangePassword: false };
  // Sent on Friday Oct 9: 5 working days → Sat Oct 10 (调休, a working day) = 1, Oct 12–15 → Thursday Oct 15
  // (a weekends-only count would give Oct 16).
  await precheck(t.db, env('2026-10-09T09:00:00+08:00'), admin, id, { action: 'send' }, ctx);
  const row = await t.db.selectFrom('objections').select(['due_on']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.due_on, '2026-10-15');
  // The configured figure applies (settings 'objections').
  await t.db.insertInto('settings').values({ key: 'objections', value: JSON.stringify({ departmentDays: 3 }) }).execute();
  const second = await fileObjection(t.db, env('2026-09-30T10:00:00+08:00'), body([c.recordIds[1]], c.uscc) as never, ctx);
  const id2 = await objectionIdOf(c.recordIds[1]);
  await precheck(t.db, env('2026-10-09T09:00:00+08:00'), admin, id2, { action: 'send' }, ctx);
  assert.equal((await t.db.selectFrom('objections').select('due_on').where('id', '=', id2).executeTakeFirstOrThrow()).due_on, '2026-10-13');
  assert.ok(second.no);
  // Decided on Friday Oct 16; the handling time counts working days after the filing day.
  const dept = { ...admin, id: 2, role: 'reporter' as const, departmentId: (await t.db.selectFrom('records').select('department_id').where('id', '=', c.recordIds[0]).executeTakeFirstOrThrow()).department_id };
  await decideObjection(t.db, env('2026-10-16T09:00:00+08:00'), dept, id, { outcome: 'refused', reason: '经核实信息无误' }, ctx);
  // Oct 8, 9, 10 (调休), 12, 13, 14, 15, 16 → 8 working days after Sept 30.
  assert.equal((await t.db.selectFrom('objections').select('working_days').where('id', '=', id).executeTakeFirstOrThrow()).working_days, 8);
  await t.db.deleteFrom('settings').where('key', '=', 'objections').execute();

  // The queue puts the overdue one first, the to-do counts it, the figures include it.
  const queue = await t.app.inject({ method: 'GET', url: '/api/objections', headers: (await loginAs(t, 'admin')).headers });
  const items = queue.json().items as Array<{ id: string; overdue: boolean }>;
  assert.equal(items[0].id, id2);
  assert.equal(items[0].overdue, true);
  const firstNotOverdue = items.findIndex((i) => !i.overdue);
  assert.ok(firstNotOverdue === -1 || items.slice(firstNotOverdue).every((i) => !i.overdue));
  const todos = await objectionsTodo(t.db, dept);
  const verify = todos.find((x) => x.key === 'objections.verify');
  assert.ok(verify && verify.count >= 1 && (verify.overdue ?? 0) >= 1, JSON.stringify(todos));
  const stats = await objectionStats(t.db, { from: '2026-09-30', to: '2026-09-30' });
  assert.equal(stats.filed, 2);
  assert.equal(stats.byOutcome.find((o) => o.outcome === 'refused')?.count, 1);
  assert.equal(stats.byScope.find((s) => s.scope === 'error')?.count, 2);
  assert.equal(stats.averageWorkingDays, 8);
});

test('setting whileOpen = hide: the record leaves the public pages while the objection is open', async () => {
  const c = await company(1);
  await t.db.insertInto('settings').values({ key: 'objections', value: JSON.stringify({ whileOpen: 'hide' }) }).execute();
  try {
    assert.equal((await fileVia(body(c.recordIds, c.uscc))).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/public/records/${c.recordIds[0]}`, remoteAddress: newIp() })).statusCode, 404);
    const tab = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${c.subjectId}/records?tab=penalty`, remoteAddress: newIp() });
    assert.deepEqual(tab.json().items, []);
  } finally {
    await t.db.deleteFrom('settings').where('key', '=', 'objections').execute();
  }
});
