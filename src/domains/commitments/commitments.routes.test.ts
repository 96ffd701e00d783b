// 信用承诺 over HTTP on a real database: collected through ingest as the built-in catalogue item, published
// on the portal (list and subject tab), a 主动型 commitment made online, fulfilment marked by the department
// (违诺 visible to credit staff, counted in the figures), and the refusals.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { importRecords } from '../../../test/factories.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../ingest/fixtures.ts';
import { refreshPublicity } from '../publicity/publicity.service.ts';

let t: TestApp;
let authority: { id: number; uscc: string };
let ipSeq = 0;
const newIp = () => `10.8.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
const COMPANY = { name: '西宁承诺测试商贸有限公司', uscc: generateUscc(mulberry32(515), { prefix: '91', region: '630104' }) };

const row = (no: string, kind: string, matter: string) => ({
  法定名称或姓名: COMPANY.name,
  主体类别: '法人及非法人组织',
  统一社会信用代码: COMPANY.uscc,
  承诺类型: kind,
  承诺事项: matter,
  承诺内容: `本单位承诺符合${matter}的条件，如有不实愿承担责任`,
  承诺书编号: no,
  承诺日期: '2026-11-02',
  受理部门: '西宁市市场监督管理局',
  受理部门统一社会信用代码: authority.uscc,
});

let recordIds: string[] = [];
let subjectId = '';

before(async () => {
  t = await createTestApp();
  authority = await allowFixtureAuthorities(t.db, 'SCJGJ');
  const r = await importRecords(t, [row('CN2026-001', '告知承诺制', '食品经营许可'), row('CN2026-002', '容缺受理型', '营业执照变更')], { catalog: '信用承诺', channel: 'form' });
  assert.equal(r.accepted, 2, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
  const recs = await t.db.selectFrom('records').select(['id', 'subject_id', 'record_type', 'audience']).where('item_id', '=', 'credit_commitment_v1').orderBy('id').execute();
  assert.deepEqual(recs.map((x) => [x.record_type, x.audience]), [['commitment', 'public'], ['commitment', 'public']]);
  recordIds = recs.map((x) => x.id);
  subjectId = recs[0].subject_id!;
});
after(async () => {
  await t?.close();
});

test('collected commitments are published: the 信用承诺公示 list and the subject page tab, with kind and matter', async () => {
  const list = await t.app.inject({ method: 'GET', url: '/api/public/commitments', remoteAddress: newIp() });
  assert.equal(list.statusCode, 200);
  const items = list.json().items as Array<{ id: string; type: string; fields: Array<{ name: string; value: string }> }>;
  assert.equal(items.length, 2);
  const first = items.find((i) => i.id === recordIds[0])!;
  assert.ok(first.fields.some((f) => f.name === '承诺类型' && f.value === '审批替代型'), JSON.stringify(first.fields));
  assert.ok(first.fields.some((f) => f.name === '承诺事项' && f.value === '食品经营许可'));
  const tab = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${subjectId}/records?tab=commitment`, remoteAddress: newIp() });
  assert.equal((tab.json().items as unknown[]).length, 2);
});

test('a subject makes a 主动型 commitment online; it shows on the list and the subject page; refusals are Chinese', async () => {
  const text = await t.app.inject({ method: 'GET', url: `/api/public/commitments/text?subjectId=${subjectId}&matter=${encodeURIComponent('诚信经营')}`, remoteAddress: newIp() });
  assert.equal(text.statusCode, 200);
  assert.match(text.json().text, new RegExp(`${COMPANY.name}就“诚信经营”郑重承诺`));
  const base = { subjectId, subjectCode: COMPANY.uscc, matter: '诚信经营', applicantName: '赵经办', mobile: '13900139000', confirmed: true };
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['not confirmed', { confirmed: false }, /确认信用承诺书/],
    ['wrong code', { subjectCode: '91630100MA0000000X' }, /不符/],
  ];
  for (const [name, over, message] of bad) {
    const res = await t.app.inject({ method: 'POST', url: '/api/public/commitments', payload: { ...base, ...over }, remoteAddress: newIp() });
    assert.equal(res.statusCode, 422, name);
    assert.match(res.json().error.message, message, name);
  }
  assert.equal(Number((await t.db.selectFrom('commitments').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n), 0);
  const made = await t.app.inject({ method: 'POST', url: '/api/public/commitments', payload: base, remoteAddress: newIp() });
  assert.equal(made.statusCode, 200, made.body);
  assert.equal(made.json().kindLabel, '主动型');
  assert.doesNotMatch(made.body, /13900139000/);
  const mine = await t.app.inject({ method: 'GET', url: `/api/public/commitments/voluntary?subjectId=${subjectId}`, remoteAddress: newIp() });
  assert.deepEqual((mine.json().items as Array<{ matter: string }>).map((i) => i.matter), ['诚信经营']);
  assert.doesNotMatch(mine.body, /1390013|赵经办/);
});

test('fulfilment: the department marks 违诺 with a basis; credit staff see the breach; once only; another department 403; figures count it', async () => {
  const dept = await loginAs(t, 'reporter', 'SCJGJ');
  const other = await loginAs(t, 'reporter', 'GAJ');
  const admin = await loginAs(t, 'admin');
  const auditor = await loginAs(t, 'auditor');
  const mark = (headers: Record<string, string> | undefined, payload: object) => t.app.inject({ method: 'POST', url: '/api/commitments/fulfilments', headers, payload });
  assert.equal((await mark(undefined, { recordId: recordIds[0], outcome: 'breached', basis: '现场核查不符合承诺条件' })).statusCode, 401);
  assert.equal((await mark(auditor.headers, { recordId: recordIds[0], outcome: 'breached', basis: '现场核查不符合承诺条件' })).statusCode, 403);
  const foreign = await mark(other.headers, { recordId: recordIds[0], outcome: 'breached', basis: '现场核查不符合承诺条件' });
  assert.equal(foreign.statusCode, 403);
  assert.match(foreign.json().error.message, /受理该承诺的部门/);
  const breached = await mark(dept.headers, { recordId: recordIds[0], outcome: 'breached', basis: '现场核查不符合承诺条件（核查记录 2026-11-20）' });
  assert.equal(breached.statusCode, 200, breached.body);
  const twice = await mark(dept.headers, { recordId: recordIds[0], outcome: 'kept', basis: '改判' });
  assert.equal(twice.statusCode, 409);
  assert.match(twice.json().error.message, /不能重复标记/);
  assert.equal((await mark(dept.headers, { recordId: recordIds[1], outcome: 'kept', basis: '按期补齐材料' })).statusCode, 200);
  const neither = await mark(dept.headers, { outcome: 'kept', basis: '按期补齐材料' });
  assert.equal(neither.statusCode, 422);

  const seen = await t.app.inject({ method: 'GET', url: '/api/commitments/breaches', headers: admin.headers });
  const items = seen.json().items as Array<{ recordId: string; kindLabel: string; matter: string; subjectName: string }>;
  assert.deepEqual(items.map((i) => [i.recordId, i.kindLabel, i.matter, i.subjectName]), [[recordIds[0], '审批替代型（告知承诺制）', '食品经营许可', COMPANY.name]]);
  const otherSees = await t.app.inject({ method: 'GET', url: '/api/commitments/breaches', headers: other.headers });
  assert.deepEqual(otherSees.json().items, []);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/commitments/breaches' })).statusCode, 401);
  // Not published: the public record carries no fulfilment.
  assert.doesNotMatch((await t.app.inject({ method: 'GET', url: '/api/public/commitments', remoteAddress: newIp() })).body, /违诺|核查记录/);

  const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const stats = await t.app.inject({ method: 'GET', url: `/api/commitments/stats?from=2026-11-01&to=${day > '2026-11-30' ? day : '2026-11-30'}`, headers: admin.headers });
  assert.equal(stats.statusCode, 200, stats.body);
  assert.equal(stats.json().collected, 2);
  assert.equal(stats.json().breached, 1);
  assert.equal(stats.json().kept, 1);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/commitments/stats?from=2026-11-01&to=2026-11-30', headers: dept.headers })).statusCode, 403);
});
