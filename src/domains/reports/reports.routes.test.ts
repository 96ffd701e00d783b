// 公共信用信息报告 over HTTP on a real database: a report holds exactly the subject's public records (not
// the withdrawn, repaired, expired or unpublished ones); verification by number and code and by the PDF's
// bytes; a tampered copy fails; a later public record shows as changedSince; rate limits; natural persons.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadConfig } from '../../config.ts';
import { mulberry32 } from '../../platform/random.ts';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import { importRecords } from '../../../test/factories.ts';
import { pdfText } from '../../../test/fixtures/monitoring/doc-text.ts';
import { compileItem } from '../catalog/catalog.model.ts';
import { SGS_CF_V2 } from '../catalog/builtin/index.ts';
import { checkIdNumber, generateUscc } from '../codes/index.ts';
import { generatePenaltyRows } from '../ingest/fixtures.ts';
import { refreshPublicity } from '../publicity/publicity.service.ts';
import { companyPenaltyRows } from './reports.fixtures.ts';
import { REPORT_RATE_LIMITS } from './reports.routes.ts';

let t: TestApp;
// Each test calls from its own address, so that the per-client rate limits of one test do not touch another.
let ipSeq = 0;
const newIp = () => `10.0.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

const FIELDS = compileItem(SGS_CF_V2).templateFields;
const COMPANY = { name: '西宁报告测试商贸有限公司', uscc: generateUscc(mulberry32(20261128), { prefix: '91', region: '630104' }), legalRepresentative: '张报告' };

type Row = Record<string, string>;
const companyRows = (n: number, seed: number, from: string, to: string, docPrefix: number, over: Record<string, string> = {}): Row[] =>
  companyPenaltyRows(n, seed, { company: COMPANY, from, to, docPrefix, over });

async function load(rows: Row[]) {
  const r = await importRecords(t, rows);
  assert.equal(r.status, 'committed', JSON.stringify(r));
  assert.equal(r.rejected, 0, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
  return r;
}

const FINE = { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' };
let companyId: string;

// The public address of the instance, configured as an operator does (PUBLIC_BASE_URL); requests below come
// with a Host header of the client's choosing.
const PUBLIC_BASE_URL = 'https://credit.xining.example';

before(async () => {
  t = await createTestApp({ publicBaseUrl: loadConfig({ PUBLIC_BASE_URL: `${PUBLIC_BASE_URL}/` }).publicBaseUrl });
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  await load(companyRows(4, 11, '2026-06-01', '2026-11-20', 71, FINE)); // public
  await load(companyRows(2, 12, '2026-06-01', '2026-11-20', 72, { CF_CFLB: '警告', CF_NR_FK: '', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '警告' })); // 轻微 under the 2026 rules: not published
  await load(companyRows(3, 13, '2019-08-01', '2020-06-30', 73, FINE)); // past the maximum period
  const withdrawn = companyRows(1, 14, '2026-06-01', '2026-11-20', 74, FINE);
  await load(withdrawn);
  await load(withdrawn.map((r) => ({ ...r, CF_ZT: '2' }))); // the department withdraws it (撤销)
  await load(companyRows(1, 15, '2026-06-01', '2026-11-20', 75, FINE)); // repaired below
  companyId = (await t.db.selectFrom('subjects').select('id').where('uscc', '=', COMPANY.uscc).executeTakeFirstOrThrow()).id;
  // Imports do not fill the registry's basic information; the subject registry would.
  await t.db.updateTable('subjects').set({ legal_representative: COMPANY.legalRepresentative, registered_on: '2015-06-18' }).where('id', '=', companyId).execute();
  const repaired = await t.db.selectFrom('records').select('id').where('subject_id', '=', companyId).where('doc_no', 'like', '%〕75%').executeTakeFirstOrThrow();
  await t.db.updateTable('records').set({ repaired_at: '2026-11-25' }).where('id', '=', repaired.id).execute();
  await refreshPublicity(t.db, t.ctx.config.secret, { all: true });
  // Other subjects, natural persons among them.
  await load([...generatePenaltyRows(40, 515, { from: '2026-06-01', to: '2026-11-20' })].map((r) => Object.fromEntries(FIELDS.map((f, k) => [f.name, r.cells[k]]))));
});
after(async () => {
  await t?.close();
});

async function issue(subjectId: string, ip = newIp()) {
  return t.app.inject({ method: 'POST', url: '/api/public/reports', payload: { subjectId }, remoteAddress: ip, headers: { host: 'evil.example' } });
}
test('the verification URL in the PDF is PUBLIC_BASE_URL whatever Host or X-Forwarded-Host the request carries', async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/public/reports',
    payload: { subjectId: companyId },
    remoteAddress: newIp(),
    headers: { host: 'evil.example', 'x-forwarded-host': 'evil2.example', 'x-forwarded-proto': 'http' },
  });
  assert.equal(res.statusCode, 200, res.body);
  const text = pdfText(res.rawPayload);
  // The printed URL is the QR code's content (model.verifyUrl; the render test checks the QR modules against it).
  const url = `${PUBLIC_BASE_URL}/verify?no=${res.headers['x-report-number']}&code=${res.headers['x-verification-code']}`;
  assert.ok(text.includes(url), `${url} in the PDF`);
  assert.doesNotMatch(text, /evil/);
});

const verify = (no: string, code: string, ip = newIp()) => t.app.inject({ method: 'GET', url: `/api/public/reports/verify?no=${encodeURIComponent(no)}&code=${encodeURIComponent(code)}`, remoteAddress: ip });
const verifyPdf = (pdf: Buffer, ip = newIp()) => {
  const m = multipartFile('报告.pdf', pdf);
  return t.app.inject({ method: 'POST', url: '/api/public/reports/verify', payload: m.payload, headers: m.headers, remoteAddress: ip });
};
const idNumbersIn = (text: string) => (text.match(/\d{17}[\dXx]/g) ?? []).filter((s) => checkIdNumber(s).kind === 'id' && checkIdNumber(s).verdict !== 'invalid');

test('a report holds exactly the public records: not withdrawn, repaired, expired or unpublished ones', async () => {
  const res = await issue(companyId);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'application/pdf');
  const number = String(res.headers['x-report-number']);
  assert.match(number, /^XYBG-630100-\d{8}-\d{6}$/);
  assert.match(String(res.headers['x-verification-code']), /^[A-HJKMNP-Z2-9]{8}$/);
  assert.equal(
    res.headers['content-disposition'],
    `attachment; filename="${number}.pdf"; filename*=UTF-8''${encodeURIComponent(`公共信用信息报告-${COMPANY.name}-${number}.pdf`)}`,
  );
  const text = pdfText(res.rawPayload);
  const records = await t.db
    .selectFrom('records')
    .select(['doc_no', 'audience', 'status', 'repaired_at', sql<boolean>`public_until >= (now() AT TIME ZONE 'Asia/Shanghai')::date`.as('current')])
    .where('subject_id', '=', companyId)
    .execute();
  const shown = records.filter((r) => r.audience === 'public' && r.current);
  const hidden = records.filter((r) => !(r.audience === 'public' && r.current));
  assert.equal(shown.length, 4, JSON.stringify(records));
  assert.equal(hidden.length, 7);
  assert.ok(hidden.some((r) => r.status === 'withdrawn'));
  assert.ok(hidden.some((r) => r.repaired_at !== null));
  for (const r of shown) assert.ok(text.includes(r.doc_no), `public ${r.doc_no} is in the report`);
  for (const r of hidden) assert.ok(!text.includes(r.doc_no), `non-public ${r.doc_no} is not in the report`);
  // No permit was public: the summary says 暂无 and the PDF has no empty 行政许可 section (issue 17 §5).
  assert.ok(!text.includes('行政许可信息（0 条）'));
  for (const s of [COMPANY.name, COMPANY.uscc, COMPANY.legalRepresentative, number, '行政处罚信息（4 条）', '暂无', `${PUBLIC_BASE_URL}/verify?no=`, '信用西宁']) {
    assert.ok(text.includes(s), s);
  }
  assert.deepEqual(idNumbersIn(text), []);
  // Issuing is audited, with the client's address and no actor.
  const entry = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'report.issue').where('target', '=', `report:${number}`).executeTakeFirstOrThrow();
  assert.equal(entry.actor_user_id, null);
  assert.ok(entry.ip);
  // Numbers run on within the day.
  const again = await issue(companyId);
  const [, , day, seq] = number.split('-');
  assert.equal(again.headers['x-report-number'], `XYBG-630100-${day}-${String(Number(seq) + 1).padStart(6, '0')}`);
});

test('verification by number and code: genuine; a wrong code and an unknown number get the same neutral answer', async () => {
  const res = await issue(companyId);
  const no = String(res.headers['x-report-number']);
  const code = String(res.headers['x-verification-code']);
  const ok = await verify(no, code.toLowerCase());
  assert.equal(ok.statusCode, 200);
  const body = ok.json();
  assert.equal(body.genuine, true);
  assert.equal(body.number, no);
  assert.equal(body.subjectName, COMPANY.name);
  assert.match(body.issuedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
  assert.equal(body.changedSince, false);
  assert.match(body.message, /核验通过/);
  const wrongCode = code.slice(0, 7) + (code[7] === 'A' ? 'B' : 'A');
  const bad = (await verify(no, wrongCode)).json();
  const unknown = (await verify(no.replace(/\d{6}$/, '999999'), code)).json();
  const garbage = (await verify('not-a-number', 'x')).json();
  assert.equal(bad.genuine, false);
  assert.deepEqual(unknown, bad);
  assert.deepEqual(garbage, bad);
  assert.deepEqual(Object.keys(bad).sort(), Object.keys(body).sort());
  assert.equal(bad.subjectName, null);
});

test('verification by upload: the exact PDF is genuine; a flipped byte or an appended byte is not', async () => {
  const res = await issue(companyId);
  const pdf = res.rawPayload;
  const ok = (await verifyPdf(pdf)).json();
  assert.equal(ok.genuine, true);
  assert.equal(ok.number, res.headers['x-report-number']);
  const flipped = Buffer.from(pdf);
  flipped[Math.floor(flipped.length / 2)] ^= 0x01;
  assert.equal((await verifyPdf(flipped)).json().genuine, false);
  const appended = Buffer.concat([pdf, Buffer.from('\n')]);
  const r = (await verifyPdf(appended)).json();
  assert.equal(r.genuine, false);
  assert.match(r.message, /核验未通过/);
  // Not multipart, or no file.
  const plain = await t.app.inject({ method: 'POST', url: '/api/public/reports/verify', payload: { x: 1 }, remoteAddress: newIp() });
  assert.equal(plain.statusCode, 415);
});

test('an upload over the size limit is refused with 413, not verified', async () => {
  const big = Buffer.alloc(10 * 1024 * 1024 + 10, 0x20);
  const res = await verifyPdf(big);
  assert.equal(res.statusCode, 413, res.body);
  assert.equal(res.json().error.code, 'file_too_large');
});

test('after a new public record for the subject, verification says the record has changed since', async () => {
  const res = await issue(companyId);
  const no = String(res.headers['x-report-number']);
  const code = String(res.headers['x-verification-code']);
  assert.equal((await verify(no, code)).json().changedSince, false);
  await load(companyRows(1, 16, '2026-11-01', '2026-11-20', 76, FINE));
  const after = (await verify(no, code)).json();
  assert.equal(after.genuine, true);
  assert.equal(after.changedSince, true);
  assert.match(after.message, /已发生变化/);
  assert.equal((await verifyPdf(res.rawPayload)).json().changedSince, true);
});

test('unknown subjects are 404; natural persons get no public report (404 with a reason); bad ids are 400', async () => {
  const unknown = await issue('999999999');
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().error.code, 'subject_not_found');
  const person = await t.db.selectFrom('subjects').select('id').where('kind', '=', 'natural_person').executeTakeFirstOrThrow();
  const p = await issue(person.id);
  assert.equal(p.statusCode, 404);
  assert.equal(p.json().error.code, 'personal_report_unavailable');
  assert.match(p.json().error.message, /本人/);
  assert.deepEqual(idNumbersIn(p.body), []);
  assert.equal((await issue('abc')).statusCode, 400);
  assert.equal((await t.db.selectFrom('audit_log').select('id').where('action', '=', 'report.issue').where('detail', '@>', sql<string>`${JSON.stringify({ subjectId: person.id })}::jsonb`).execute()).length, 0);
});

test('reports for other legal persons and 个体工商户 in the data set carry no unmasked ID number', async () => {
  const of = (kind: 'legal' | 'individual_business') => t.db.selectFrom('subjects').select(['id', 'kind']).where('kind', '=', kind).orderBy('id').limit(3).execute();
  const subjects = [...(await of('legal')), ...(await of('individual_business'))];
  assert.equal(subjects.length, 6);
  for (const s of subjects) {
    const res = await issue(s.id);
    assert.equal(res.statusCode, 200);
    const text = pdfText(res.rawPayload);
    assert.deepEqual(idNumbersIn(text), [], s.id);
    if (s.kind === 'individual_business') assert.ok(!text.includes('法定代表人'), 'no operator name for 个体工商户');
  }
});

test('each route is rate-limited per client (429)', async () => {
  const ip = newIp();
  for (let i = 0; i < REPORT_RATE_LIMITS.issue; i++) assert.equal((await issue('999999999', ip)).statusCode, 404);
  const limited = await issue('999999999', ip);
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json().error.code, 'rate_limited');
  assert.equal((await issue('999999999')).statusCode, 404, 'another client is not limited');

  const vip = newIp();
  for (let i = 0; i < REPORT_RATE_LIMITS.verify; i++) assert.equal((await verify('XYBG-1', 'AAAAAAAA', vip)).statusCode, 200);
  assert.equal((await verify('XYBG-1', 'AAAAAAAA', vip)).statusCode, 429);

  const uip = newIp();
  for (let i = 0; i < REPORT_RATE_LIMITS.verifyUpload; i++) assert.equal((await verifyPdf(Buffer.from('%PDF-1.3'), uip)).statusCode, 200);
  assert.equal((await verifyPdf(Buffer.from('%PDF-1.3'), uip)).statusCode, 429);
});
