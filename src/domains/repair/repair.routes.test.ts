// Credit repair over HTTP on a real database (issue 15 §1): a company applies on the portal with its materials,
// the credit office forwards, the department decides; approval takes the record off the public pages, the
// 双公示 list and a newly issued credit report, and ends the list entry resting on it. Bad input ends in a
// Chinese message with nothing written; every console route refuses the wrong role; the 查询码 discloses
// nothing without the subject's USCC and is rate-limited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords } from '../../../test/factories.ts';
import { pdfText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { mulberry32 } from '../../platform/random.ts';
import { chinaEpochDay, isoOfEpochDay } from '../../platform/workCalendar.ts';
import { generateUscc } from '../codes/index.ts';
import { registerEntry } from '../lists/index.ts';
import { refreshPublicity } from '../publicity/index.ts';
import { companyPenaltyRows } from '../reports/reports.fixtures.ts';
import { REPAIR_RATE_LIMITS } from './repair.routes.ts';

let t: TestApp;
let ipSeq = 0;
const newIp = () => `10.9.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

const COMPANY = { name: '西宁修复测试商贸有限公司', uscc: generateUscc(mulberry32(20261207), { prefix: '91', region: '630104' }), legalRepresentative: '李修复' };
const FINE = { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' };
// Relative to today, so the test keeps its meaning whenever it runs: 200 days ago is past the 3-month minimum
// of a 一般 penalty (docs/domain/03-publicity.md §3.3); 10 days ago is not.
const today = isoOfEpochDay(chinaEpochDay(new Date()));
const daysAgo = (n: number) => isoOfEpochDay(chinaEpochDay(new Date()) - n);

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);

let subjectId: string;
const rec: Record<string, string> = {};

async function load(rows: Array<Record<string, string>>) {
  const r = await importRecords(t, rows);
  assert.equal(r.rejected, 0, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
}
const recordByDoc = async (docPrefix: number) =>
  (await t.db.selectFrom('records').select('id').where('subject_id', '=', subjectId).where('doc_no', 'like', `%〕${docPrefix}%`).orderBy('id').executeTakeFirstOrThrow()).id;

before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  const rows = (n: number, seed: number, day: string, docPrefix: number) => companyPenaltyRows(n, seed, { company: COMPANY, from: day, to: day, docPrefix, over: FINE });
  await load(rows(1, 1, daysAgo(200), 51)); // eligible: the browser-less happy path
  await load(rows(1, 2, daysAgo(200), 52)); // eligible: refused below
  await load(rows(1, 3, daysAgo(10), 53)); // not yet eligible
  await load(rows(1, 4, daysAgo(200), 54)); // eligible: bad-input attempts
  await load(rows(1, 5, daysAgo(200), 55)); // eligible: the 告知书
  subjectId = (await t.db.selectFrom('subjects').select('id').where('uscc', '=', COMPANY.uscc).executeTakeFirstOrThrow()).id;
  for (const p of [51, 52, 53, 54, 55]) rec[p] = await recordByDoc(p);
  // A black-list entry resting on record 51 (the cascade into lists).
  await t.db.insertInto('list_types').values({ code: 'test_black', version: 1, name: '测试黑名单', color: 'black', definition: '{}' }).execute();
  await registerEntry(t.db, { listType: 'test_black', subjectId, decisionNo: 'HMD-51', origin: 'collected', recordId: rec[51], status: 'listed', listedOn: daysAgo(100) });
});
after(async () => {
  await t?.close();
});

/** A multipart application: the JSON part and one file per [kind, name, content]. */
function applicationBody(fields: Record<string, unknown>, files: Array<[string, string, Buffer]>) {
  const boundary = `----rp${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="application"\r\n\r\n${JSON.stringify(fields)}\r\n`)];
  for (const [kind, name, content] of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${kind}"; filename="${encodeURIComponent(name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`), content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const AGENT = { agentName: '王经办', agentMobile: '13912345678' };
const MATERIALS: Array<[string, string, Buffer]> = [
  ['power_of_attorney', '授权委托书.pdf', PDF],
  ['performance_proof', '罚款缴纳凭证.png', PNG],
];
function apply(recordIds: string[], files = MATERIALS, over: Record<string, unknown> = {}, ip = newIp()) {
  const b = applicationBody({ uscc: COMPANY.uscc, ...AGENT, recordIds, commitmentConfirmed: true, ...over }, files);
  return t.app.inject({ method: 'POST', url: '/api/public/repair/applications', payload: b.payload, headers: b.headers, remoteAddress: ip });
}
const counts = async () => ({
  applications: Number((await t.db.selectFrom('repair_applications').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
  materials: Number((await t.db.selectFrom('repair_materials').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
});

test('eligibility shows each public record with its state, earliest date and the regime\'s materials', async () => {
  const res = await t.app.inject({ method: 'GET', url: `/api/public/repair/eligibility?uscc=${COMPANY.uscc}`, remoteAddress: newIp() });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.subject.name, COMPANY.name);
  const byId = new Map(body.records.map((r: { recordId: string }) => [r.recordId, r]));
  const eligible = byId.get(rec[51]) as Record<string, unknown>;
  assert.equal(eligible.state, 'eligible');
  assert.equal(eligible.regime, '2026');
  assert.deepEqual((eligible.materials as Array<{ kind: string }>).map((m) => m.kind), ['commitment', 'performance_proof']);
  const notYet = byId.get(rec[53]) as Record<string, string>;
  assert.equal(notYet.state, 'not_yet');
  assert.ok(notYet.earliestDate > today);
  assert.match(notYet.reason, new RegExp(`最短公示期未满，${notYet.earliestDate} 起可申请信用修复`));
  // An unknown USCC: a Chinese 404.
  const none = await t.app.inject({ method: 'GET', url: `/api/public/repair/eligibility?uscc=${generateUscc(mulberry32(9), { prefix: '91', region: '630104' })}`, remoteAddress: newIp() });
  assert.equal(none.statusCode, 404);
  assert.equal(none.json().error.code, 'repair_subject_not_found');
});

test('bad input ends in a Chinese message and writes nothing', async () => {
  const before_ = await counts();
  const cases: Array<{ name: string; files?: Array<[string, string, Buffer]>; records?: string[]; over?: Record<string, unknown>; status: number; code: string; message?: RegExp }> = [
    { name: 'a wrong type', files: [['power_of_attorney', '委托书.docx', PDF]], status: 400, code: 'repair_material_type', message: /只接受 PDF、JPG、PNG/ },
    { name: 'a file that claims to be a PDF and is not', files: [['power_of_attorney', '委托书.pdf', Buffer.from('MZ\x90\x00 not a pdf')]], status: 400, code: 'repair_material_fake', message: /不是 PDF 文件/ },
    { name: 'a PNG named .jpg', files: [['power_of_attorney', '委托书.jpg', PNG]], status: 400, code: 'repair_material_fake' },
    { name: 'too many materials', files: Array.from({ length: 11 }, (_, i): [string, string, Buffer] => ['other', `材料${i}.pdf`, PDF]), status: 400, code: 'repair_too_many_materials' },
    { name: 'too large', files: [['power_of_attorney', '委托书.pdf', Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)])]], status: 413, code: 'repair_material_too_large', message: /超过 10 MB/ },
    { name: 'no proof of authority', files: [['performance_proof', '凭证.pdf', PDF]], status: 400, code: 'repair_identity_missing', message: /授权委托书或法定代表人身份证明书/ },
    { name: 'commitment not confirmed', over: { commitmentConfirmed: false }, status: 400, code: 'repair_commitment_required' },
    { name: 'a record not yet eligible', records: [rec[53]], status: 409, code: 'repair_not_yet_eligible', message: /最短公示期未满，\d{4}-\d{2}-\d{2} 起可申请/ },
    { name: 'another subject\'s or an unknown record', records: ['999999999'], status: 404, code: 'repair_record_not_found' },
    { name: 'restructuring without the court ruling', over: { channel: 'restructuring' }, status: 400, code: 'repair_court_ruling_missing' },
  ];
  for (const c of cases) {
    const res = await apply(c.records ?? [rec[54]], c.files ?? MATERIALS, c.over ?? {});
    assert.equal(res.statusCode, c.status, `${c.name}: ${res.body}`);
    assert.equal(res.json().error.code, c.code, c.name);
    if (c.message) assert.match(res.json().error.message, c.message, c.name);
  }
  const notYet = await apply([rec[53]]);
  assert.ok(notYet.json().error.details.earliestDate > today, 'the 409 carries the date');
  assert.deepEqual(await counts(), before_);
});

async function forward(id: string) {
  const admin = await loginAs(t, 'admin');
  const res = await t.app.inject({ method: 'POST', url: `/api/repair/applications/${id}/forward`, headers: admin.headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('apply → forward → approve: the record leaves the public page, the 双公示 list, a new report and the list', async () => {
  const before_ = await counts();
  const res = await apply([rec[51]]);
  assert.equal(res.statusCode, 200, res.body);
  const applied = res.json();
  assert.match(applied.queryCode, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  assert.match(applied.commitment, /信用修复承诺书[\s\S]*所提交的全部材料真实/);
  assert.deepEqual(await counts(), { applications: before_.applications + 1, materials: before_.materials + 2 });
  // The material is in the database, not on a public path; the agent's mobile is sealed.
  const stored = await t.db.selectFrom('repair_applications').select(['agent_mobile_enc', 'agent_mobile_masked', 'commitment_text']).where('id', '=', applied.id).executeTakeFirstOrThrow();
  assert.equal(stored.agent_mobile_masked, '139****5678');
  assert.doesNotMatch(stored.agent_mobile_enc, /13912345678/);
  assert.equal(stored.commitment_text, applied.commitment);

  // A second open application for the same record: 409 pointing to the open one.
  const again = await apply([rec[51]]);
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'repair_open_exists');
  assert.equal(again.json().error.details.applicationId, applied.id);

  const reviewer = await loginAs(t, 'reviewer', 'SCJGJ');
  // The department sees nothing until the credit office forwards it, and cannot decide it yet.
  const early = await t.app.inject({ method: 'POST', url: `/api/repair/applications/${applied.id}/decision`, headers: reviewer.headers, payload: { approve: true } });
  assert.equal(early.statusCode, 409);
  assert.equal(early.json().error.code, 'repair_not_forwarded');
  await forward(applied.id);

  // Before approval: public.
  const page = () => t.app.inject({ method: 'GET', url: `/api/public/subjects/${subjectId}/records?tab=penalty&limit=100`, remoteAddress: newIp() });
  const docNo = (await t.db.selectFrom('records').select('doc_no').where('id', '=', rec[51]).executeTakeFirstOrThrow()).doc_no;
  const shown = await page();
  assert.ok(shown.body.includes(docNo), `${docNo} on the page: ${shown.body.slice(0, 600)}`);

  // Another department: 403, nothing changes.
  const other = await loginAs(t, 'reviewer', 'FY');
  const denied = await t.app.inject({ method: 'POST', url: `/api/repair/applications/${applied.id}/decision`, headers: other.headers, payload: { approve: true } });
  assert.equal(denied.statusCode, 403);
  const deniedAudit = await t.db.selectFrom('audit_log').select('outcome').where('action', '=', 'repair.decide').where('target', '=', `repair:${applied.id}`).execute();
  assert.deepEqual(deniedAudit, [{ outcome: 'denied' }], 'the refused attempt is audited');

  const ok = await t.app.inject({ method: 'POST', url: `/api/repair/applications/${applied.id}/decision`, headers: reviewer.headers, payload: { approve: true, reason: '已履行处罚决定' } });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().status, 'approved');
  assert.equal(ok.json().endedListEntries, 1);
  // Deciding twice: 409.
  const twice = await t.app.inject({ method: 'POST', url: `/api/repair/applications/${applied.id}/decision`, headers: reviewer.headers, payload: { approve: false, reason: '重复' } });
  assert.equal(twice.statusCode, 409);
  assert.equal(twice.json().error.code, 'repair_already_decided');

  // The record: repaired, audience none (no public, no government sharing), its versions kept.
  const r = await t.db.selectFrom('records').select(['audience', 'repaired_at', 'current_version']).where('id', '=', rec[51]).executeTakeFirstOrThrow();
  assert.equal(r.audience, 'none');
  assert.equal(r.repaired_at, today);
  assert.equal(r.current_version, 1);
  // Public page, record page, 双公示 list, a newly issued report: gone.
  assert.ok(!(await page()).body.includes(docNo));
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/public/records/${rec[51]}`, remoteAddress: newIp() })).statusCode, 404);
  const sgs = await t.app.inject({ method: 'GET', url: '/api/public/sgs?type=penalty&limit=100', remoteAddress: newIp() });
  assert.equal(sgs.statusCode, 200, sgs.body);
  assert.ok(!sgs.body.includes(docNo));
  const report = await t.app.inject({ method: 'POST', url: '/api/public/reports', payload: { subjectId }, remoteAddress: newIp() });
  assert.equal(report.statusCode, 200, report.body);
  const reportText = pdfText(report.rawPayload);
  assert.ok(!reportText.includes(docNo), 'the repaired record is not in a new report');
  const otherDoc = (await t.db.selectFrom('records').select('doc_no').where('id', '=', rec[54]).executeTakeFirstOrThrow()).doc_no;
  assert.ok(reportText.includes(otherDoc), 'the subject\'s other public records still are');
  // The list entry ended with reason repaired, and is kept.
  const entry = await t.db.selectFrom('list_entries').select(['status', 'removed_reason']).where('decision_no', '=', 'HMD-51').executeTakeFirstOrThrow();
  assert.deepEqual(entry, { status: 'removed', removed_reason: 'repaired' });
  const why = await t.db.selectFrom('list_entry_history as h').innerJoin('list_entries as e', 'e.id', 'h.entry_id').select('h.reason').where('e.decision_no', '=', 'HMD-51').where('h.to_status', '=', 'removed').executeTakeFirstOrThrow();
  assert.equal(why.reason, '依据记录已完成信用修复，名单条目随之移出。');

  // Progress and the decision document with the code and the USCC together.
  const prog = await t.app.inject({ method: 'POST', url: '/api/public/repair/progress', payload: { uscc: COMPANY.uscc, code: applied.queryCode }, remoteAddress: newIp() });
  assert.equal(prog.statusCode, 200, prog.body);
  assert.equal(prog.json().status, 'approved');
  assert.deepEqual(prog.json().docNos, [docNo]);
  assert.doesNotMatch(prog.body, /1391234|139\*/);
  const pdf = await t.app.inject({ method: 'POST', url: '/api/public/repair/decision', payload: { uscc: COMPANY.uscc, code: applied.queryCode }, remoteAddress: newIp() });
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const text = pdfText(pdf.rawPayload);
  for (const s of ['信用修复决定书', COMPANY.name, COMPANY.uscc, docNo, '决定予以信用修复', '终止公示']) assert.ok(text.includes(s), `${s} in the decision`);

  // Notices: accepted, forwarded (department and applicant), decided.
  const notices = await t.db.selectFrom('notifications').select(['topic', 'recipient']).where('ref', '=', `repair:${applied.id}`).orderBy('id').execute();
  assert.deepEqual(
    notices.map((n) => n.topic),
    ['repair.accepted', 'repair.forwarded', 'repair.forwarded', 'repair.decided'],
  );
  const scjgj = (await t.db.selectFrom('departments').select('id').where('code', '=', 'SCJGJ').executeTakeFirstOrThrow()).id;
  assert.ok(notices.some((n) => n.recipient === `department:${scjgj}`));
  assert.ok(notices.some((n) => n.recipient === AGENT.agentMobile));
  // Every step is audited.
  const actions = (await t.db.selectFrom('audit_log').select('action').where('target', '=', `repair:${applied.id}`).execute()).map((a) => a.action);
  for (const a of ['repair.apply', 'repair.forward', 'repair.approve']) assert.ok(actions.includes(a), a);
});

test('refusal needs reasons and yields a 不予信用修复决定书; the record stays public and may be applied for again', async () => {
  const applied = (await apply([rec[52]])).json();
  await forward(applied.id);
  const reviewer = await loginAs(t, 'reviewer', 'SCJGJ');
  const noReason = await t.app.inject({ method: 'POST', url: `/api/repair/applications/${applied.id}/decision`, headers: reviewer.headers, payload: { approve: false } });
  assert.equal(noReason.statusCode, 400);
  assert.equal(noReason.json().error.code, 'repair_reason_required');
  const res = await t.app.inject({ method: 'POST', url: `/api/repair/applications/${applied.id}/decision`, headers: reviewer.headers, payload: { approve: false, reason: '罚款尚未缴清' } });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((await t.db.selectFrom('records').select('audience').where('id', '=', rec[52]).executeTakeFirstOrThrow()).audience, 'public');
  const pdf = await t.app.inject({ method: 'GET', url: `/api/repair/applications/${applied.id}/decision.pdf`, headers: reviewer.headers });
  assert.equal(pdf.statusCode, 200);
  const text = pdfText(pdf.rawPayload);
  for (const s of ['不予信用修复决定书', '罚款尚未缴清', '行政复议']) assert.ok(text.includes(s), s);
  // Closed: a new application for the same record is accepted.
  const again = await apply([rec[52]]);
  assert.equal(again.statusCode, 200, again.body);
});

test('the 查询码 discloses nothing without the subject\'s USCC, and guessing is rate-limited', async () => {
  const applied = (await apply([rec[55]])).json();
  const otherUscc = generateUscc(mulberry32(77), { prefix: '91', region: '630104' });
  const ip = newIp();
  const tries = [
    { uscc: otherUscc, code: applied.queryCode },
    { uscc: COMPANY.uscc, code: 'AAAA-BBBB-CCCC' },
  ];
  for (const p of tries) {
    const res = await t.app.inject({ method: 'POST', url: '/api/public/repair/progress', payload: p, remoteAddress: ip });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(Object.keys(res.json()), ['error']);
    assert.equal(res.json().error.code, 'repair_query_not_found');
    assert.doesNotMatch(res.body, new RegExp(COMPANY.name));
  }
  let last = 0;
  for (let i = tries.length; i < REPAIR_RATE_LIMITS.progress + 1; i++) {
    last = (await t.app.inject({ method: 'POST', url: '/api/public/repair/progress', payload: { uscc: COMPANY.uscc, code: `GUES-S${String(i).padStart(3, '0')}-XXXX` }, remoteAddress: ip })).statusCode;
  }
  assert.equal(last, 429, 'the next guess from the same client is refused');
  // Even the right pair is refused from that client within the window.
  const blocked = await t.app.inject({ method: 'POST', url: '/api/public/repair/progress', payload: { uscc: COMPANY.uscc, code: applied.queryCode }, remoteAddress: ip });
  assert.equal(blocked.statusCode, 429);
});

test('queue: the credit office sees all, overdue first; a department its forwarded ones; masked mobiles', async () => {
  // Make one open application overdue: its answer was due long ago.
  const open = await t.db.selectFrom('repair_applications').select('id').where('status', '=', 'submitted').orderBy('id').execute();
  assert.ok(open.length >= 2);
  const late = open[open.length - 1].id;
  await t.db.updateTable('repair_applications').set({ answer_due: daysAgo(3) }).where('id', '=', late).execute();
  const admin = await loginAs(t, 'admin');
  const q = await t.app.inject({ method: 'GET', url: '/api/repair/applications', headers: admin.headers });
  assert.equal(q.statusCode, 200, q.body);
  const items = q.json().items;
  assert.equal(items[0].id, late);
  assert.equal(items[0].overdue, true);
  assert.ok(items.every((i: { agentMobile: string }) => i.agentMobile === '139****5678'));
  assert.doesNotMatch(q.body, /13912345678/);
  const reviewer = await loginAs(t, 'reviewer', 'SCJGJ');
  const mine = (await t.app.inject({ method: 'GET', url: '/api/repair/applications?status=all', headers: reviewer.headers })).json().items;
  assert.ok(mine.length > 0 && mine.every((i: { status: string }) => i.status !== 'submitted'));
  const otherDept = await loginAs(t, 'reviewer', 'FY');
  assert.deepEqual((await t.app.inject({ method: 'GET', url: '/api/repair/applications?status=all', headers: otherDept.headers })).json().items, []);
  // Details and materials: staff in scope only, audited.
  const detail = await t.app.inject({ method: 'GET', url: `/api/repair/applications/${late}`, headers: admin.headers });
  assert.equal(detail.statusCode, 200, detail.body);
  const m = detail.json().materials[0];
  const file = await t.app.inject({ method: 'GET', url: `/api/repair/applications/${late}/materials/${m.id}`, headers: admin.headers });
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['content-type'], m.mediaType);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/repair/applications/${late}/materials/${m.id}`, headers: otherDept.headers })).statusCode, 404);
});

test('两书同达: the department downloads a 信用修复告知书 with the earliest repair date and how to apply', async () => {
  const reviewer = await loginAs(t, 'reviewer', 'SCJGJ');
  const res = await t.app.inject({ method: 'GET', url: `/api/repair/notices/${rec[53]}`, headers: reviewer.headers });
  assert.equal(res.statusCode, 200, res.body);
  const text = pdfText(res.rawPayload);
  const earliest = (await t.app.inject({ method: 'GET', url: `/api/public/repair/eligibility?uscc=${COMPANY.uscc}`, remoteAddress: newIp() })).json().records.find((r: { recordId: string }) => r.recordId === rec[53]).earliestDate;
  for (const s of ['信用修复告知书', COMPANY.name, `自 ${earliest} 起可以申请信用修复`, '不收取任何费用', '履行行政处罚决定的证明', '受理后 10 个工作日内答复', '3 个工作日内作出决定']) assert.ok(text.includes(s), `${s} in the notice`);
  // Another department: not found.
  const other = await loginAs(t, 'reviewer', 'FY');
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/repair/notices/${rec[53]}`, headers: other.headers })).statusCode, 404);
});

test('every console route refuses a caller without a session (401) and the wrong role (403)', async () => {
  const id = (await t.db.selectFrom('repair_applications').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
  const auditor = await loginAs(t, 'auditor');
  const admin = await loginAs(t, 'admin');
  const district = await loginAs(t, 'district_admin', 'SCJGJ');
  const routes: Array<{ method: 'GET' | 'POST'; url: string; payload?: object; wrong: { headers: Record<string, string> } }> = [
    { method: 'GET', url: '/api/repair/applications', wrong: district },
    { method: 'GET', url: `/api/repair/applications/${id}`, wrong: district },
    { method: 'GET', url: `/api/repair/applications/${id}/materials/1`, wrong: district },
    { method: 'POST', url: `/api/repair/applications/${id}/forward`, wrong: auditor },
    { method: 'POST', url: `/api/repair/applications/${id}/decision`, payload: { approve: true }, wrong: admin },
    { method: 'GET', url: `/api/repair/applications/${id}/decision.pdf`, wrong: district },
    { method: 'GET', url: `/api/repair/notices/${rec[53]}`, wrong: auditor },
    { method: 'GET', url: `/api/repair/stats?from=2026-01-01&to=2026-12-31`, wrong: district },
  ];
  for (const r of routes) {
    const anon = await t.app.inject({ method: r.method, url: r.url, payload: r.payload });
    assert.equal(anon.statusCode, 401, `${r.url} anonymous`);
    const wrong = await t.app.inject({ method: r.method, url: r.url, payload: r.payload, headers: r.wrong.headers });
    assert.equal(wrong.statusCode, 403, `${r.url} wrong role: ${wrong.body}`);
  }
});

test('statistics for monitoring and the scorecards', async () => {
  const admin = await loginAs(t, 'admin');
  const res = await t.app.inject({ method: 'GET', url: `/api/repair/stats?from=${daysAgo(30)}&to=${today}`, headers: admin.headers });
  assert.equal(res.statusCode, 200, res.body);
  const s = res.json();
  assert.equal(s.approved, 1);
  assert.equal(s.refused, 1);
  assert.equal(s.applied, s.approved + s.refused + s.open);
  assert.equal(s.averageWorkingDays, 0, 'decided the day they were filed');
  assert.ok(s.overdue >= 1);
  assert.equal(s.byDepartment.length, 1);
});
