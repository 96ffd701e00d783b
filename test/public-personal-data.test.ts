// Personal data on every public path (issue 11 §5, docs/domain/03-publicity.md §3.5), over HTTP on a real database: ID, mobile and
// bank-card numbers in free text come out scrubbed from the record page, the 双公示 list, the subject's record
// tab, search, the subject page and the credit report PDF, while USCCs and a licence number carrying the
// decision date stay; a natural person's name follows PUBLIC_PERSON_NAME the same way on the subject page,
// the record page and the list; ID-number fields and an individual business's operator are never public.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { importRecords } from './factories.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { allowFixtureAuthorities } from './helpers/authorities.ts';
import { pdfText } from './fixtures/monitoring/doc-text.ts';
import { loadConfig, ConfigError } from '../src/config.ts';
import { generateIdNumber, generateUscc, idCheckChar } from '../src/domains/codes/index.ts';
import { refreshPublicity } from '../src/domains/publicity/publicity.service.ts';
import { companyPenaltyRows } from '../src/domains/reports/reports.fixtures.ts';
import { backfillSearchColumns } from '../src/domains/subjects/subjects.service.ts';
import { findPersonalNumbers, luhnValid } from '../src/domains/codes/index.ts';
import { mulberry32 } from '../src/platform/random.ts';

const rng = mulberry32(20261207);
const ID = generateIdNumber(rng, { region: '630102', birth: new Date(Date.UTC(1979, 4, 6)) });
const ID_OTHER = generateIdNumber(rng, { region: '630103', birth: new Date(Date.UTC(1988, 10, 2)) });
const ID15 = '630104720315121';
const MOBILE = '13997123456';
const CARD = [...'0123456789'].map((d) => `621700663012345678${d}`).find(luhnValid)!;
const fw = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const DECISION = '2026-09-15';
// A licence number of region + the decision date + serial, whose last digit also passes the ID checksum:
// a "person" born on the decision day is implausible, so it stays.
const LICENCE = (() => {
  const first17 = `630102${DECISION.replaceAll('-', '')}012`;
  return first17 + idCheckChar(first17);
})();

// The free texts each path must scrub: one of every kind and way of writing, and the numbers that must stay.
const FACT = `经查，当事人（身份证号${fw(ID)}，联系电话+86 139-9712-3456）于${DECISION.replaceAll('-', '/')}在城东区经营，违反规定。`;
const REMARK = `代理人身份证 ${ID_OTHER.slice(0, 6)} ${ID_OTHER.slice(6, 14)} ${ID_OTHER.slice(14)}，原证号${ID15}，退款账户${CARD.replace(/(\d{4})(?=\d)/g, '$1 ')}`;
// One issued a week before the decision: "born" less than a year before it, so no person's either (pii.ts).
const LICENCE_EARLIER = (() => {
  const first17 = '63010220260908015';
  return first17 + idCheckChar(first17);
})();
const SPARE = `许可证编号${LICENCE}，原许可证编号${LICENCE_EARLIER}`;
/** The personal numbers in any form: none of them may appear, with or without separators. */
const SECRETS = [ID, fw(ID), ID_OTHER, ID15, MOBILE, CARD];

const COMPANY = { name: '西宁隐私测试商贸有限公司', uscc: generateUscc(rng, { prefix: '91', region: '630102' }), legalRepresentative: '赵法人' };
const SHOP = { name: '城东区隐私测试小吃店', uscc: generateUscc(rng, { prefix: '92', region: '630102' }), legalRepresentative: '钱经营' };
const PERSON = { name: '欧阳明月', id: generateIdNumber(rng, { region: '630105', birth: new Date(Date.UTC(1990, 1, 3)) }) };
const FINE = { CF_CFLB: '罚款', CF_NR_FK: '0.5', CF_NR_WFFF: '', CF_NR_ZKDX: '', CF_NR: '罚款人民币5000元' };

type Json = { [k: string]: unknown };
type Rec = { id: string; subjectId: string; subjectName: string | null; docNo: string; fields: Array<{ name: string; value: string }> };

async function load(t: TestApp, rows: Array<Record<string, string>>) {
  const r = await importRecords(t, rows);
  assert.equal(r.status, 'committed', JSON.stringify(r));
  assert.equal(r.rejected, 0, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
}

/** The same data on an app with the given setting: a company, an individual business and a natural person, one public penalty each. */
async function setUp(personName: 'full' | 'masked') {
  const t = await createTestApp({ publicPersonName: personName });
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
  const one = (company: typeof COMPANY, docPrefix: number, over: Record<string, string> = {}) =>
    companyPenaltyRows(1, 40 + docPrefix, { company, from: DECISION, to: DECISION, docPrefix, over: { ...FINE, CF_JDRQ: DECISION, ...over } });
  await load(t, one(COMPANY, 81));
  await load(t, one(SHOP, 82, { CF_XDR_LB: '个体工商户' }));
  await load(t, one({ name: PERSON.name, uscc: '', legalRepresentative: '' }, 83, { CF_XDR_LB: '自然人', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: PERSON.id }));
  const ids = async (name: string) => {
    const s = await t.db.selectFrom('subjects').select('id').where('name', '=', name).executeTakeFirstOrThrow();
    const r = await t.db.selectFrom('records').select('id').where('subject_id', '=', s.id).where('audience', '=', 'public').executeTakeFirstOrThrow();
    return { subject: s.id, record: r.id };
  };
  const company = await ids(COMPANY.name);
  // Free text with personal numbers, as stored before the ingest screen existed (or accepted under a
  // warning): written into the stored version, which is what every public path reads.
  const v = await t.db.selectFrom('record_versions').select(['version', 'content']).where('record_id', '=', company.record).orderBy('version', 'desc').executeTakeFirstOrThrow();
  const content = { ...(v.content as Json), CF_SY: FACT, BZ: REMARK, CF_NR_ZKDX: SPARE };
  // The current version lives on the record row (migration 20261208T0835w); record_versions is a view over it.
  await t.db.updateTable('records').set({ content: JSON.stringify(content) }).where('id', '=', company.record).where('current_version', '=', v.version).execute();
  const stored = await t.db.selectFrom('record_versions').select('content').where('record_id', '=', company.record).where('version', '=', v.version).executeTakeFirstOrThrow();
  assert.deepEqual(stored.content, content, 'the public paths read this version');
  // The registry's name and legal representative, as search and the subject page show them.
  await t.db
    .updateTable('subjects')
    .set({ name: `${COMPANY.name}（电话${MOBILE}）`, legal_representative: `${COMPANY.legalRepresentative} ${fw(ID)}` })
    .where('id', '=', company.subject)
    .execute();
  await backfillSearchColumns(t.db);
  return { t, company, shop: await ids(SHOP.name), person: await ids(PERSON.name) };
}

/** No personal number in any form: neither the raw strings, nor their digits without separators, nor anything the detector finds. */
function assertClean(body: string, where: string) {
  const digitsOnly = body.replace(/[\s\-－]/g, '');
  for (const s of SECRETS) {
    assert.ok(!body.includes(s), `${where}: ${s}`);
    assert.ok(!digitsOnly.includes(s), `${where}: ${s} (separators removed)`);
  }
  assert.ok(!body.includes(ID.slice(0, 6) + '*'), `${where}: no partly masked ID number`);
  assert.deepEqual(findPersonalNumbers(body, { decisionDate: DECISION }), [], where);
}

describe('free text with personal numbers (PUBLIC_PERSON_NAME=full, the default)', () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  before(async () => {
    s = await setUp('full');
  });
  after(async () => {
    await s?.t.close();
  });
  const get = (url: string) => s.t.app.inject({ method: 'GET', url });

  test('the record page, the 双公示 list and the subject tab scrub every kind; USCCs and the licence number stay', async () => {
    const urls = [`/api/public/records/${s.company.record}`, '/api/public/sgs?type=penalty&limit=100', `/api/public/subjects/${s.company.subject}/records?tab=penalty`];
    for (const url of urls) {
      const res = await get(url);
      assert.equal(res.statusCode, 200, url);
      assertClean(res.body, url);
      const rec = (url.includes('/records/') ? res.json() : (res.json().items as Rec[]).find((r: Rec) => r.id === s.company.record)) as Rec;
      const field = (name: string) => rec.fields.find((f) => f.name === name)?.value;
      assert.equal(field('违法事实'), FACT.replace(fw(ID), '*'.repeat(18)).replace('139-9712-3456', '*'.repeat(11)), url);
      assert.match(field('备注')!, /^代理人身份证 \*{18}，原证号\*{15}，退款账户\*{19}$/, url);
      assert.equal(field('暂扣或吊销证照名称及编号'), SPARE, `${url}: licence numbers carrying the decision date or one near it are no ID numbers`);
      assert.equal(field('行政相对人代码_1（统一社会信用代码）'), COMPANY.uscc, url);
      assert.equal(field('处罚机关统一社会信用代码')?.length, 18, url);
    }
  });

  test('search and the subject page scrub the registry name and legal representative', async () => {
    const res = await get(`/api/public/search?q=${encodeURIComponent('隐私测试商贸')}`);
    assert.equal(res.statusCode, 200);
    assertClean(res.body, 'search');
    const hit = (res.json().items as Array<{ id: string; name: string }>).find((i) => i.id === s.company.subject)!;
    assert.equal(hit.name, `${COMPANY.name}（电话${'*'.repeat(11)}）`);
    const page = await get(`/api/public/subjects/${s.company.subject}`);
    assertClean(page.body, 'subject page');
    assert.equal(page.json().legalRepresentative, `${COMPANY.legalRepresentative} ${'*'.repeat(18)}`);
  });

  test('the credit report PDF draws the scrubbed text', async () => {
    const res = await s.t.app.inject({ method: 'POST', url: '/api/public/reports', payload: { subjectId: s.company.subject }, headers: { host: 'credit.test' } });
    assert.equal(res.statusCode, 200, res.body);
    const text = pdfText(res.rawPayload);
    assert.ok(text.includes('违法事实'), 'the record is in the report');
    assertClean(text, 'report PDF');
    assert.ok(text.replace(/\s/g, '').includes(LICENCE), 'the licence number stays');
    assert.ok(text.includes(`电话${'*'.repeat(11)}`), 'the subject name on the report is scrubbed');
    // Verification shows the printed name; a report issued before the shared detector has it unscrubbed.
    const no = String(res.headers['x-report-number']);
    await s.t.db.updateTable('credit_reports').set({ subject_name: `${COMPANY.name}（电话${MOBILE}）` }).where('number', '=', no).execute();
    const v = await get(`/api/public/reports/verify?no=${encodeURIComponent(no)}&code=${res.headers['x-verification-code']}`);
    assert.equal(v.json().genuine, true, v.body);
    assert.equal(v.json().subjectName, `${COMPANY.name}（电话${'*'.repeat(11)}）`);
  });

  test('a natural person: the full name on the subject page, the record page and the list; never the ID number', async () => {
    const page = (await get(`/api/public/subjects/${s.person.subject}`)).json();
    assert.deepEqual(page, { id: s.person.subject, kind: 'natural_person', name: PERSON.name, uscc: null });
    const rec = (await get(`/api/public/records/${s.person.record}`)).json() as Rec;
    assert.equal(rec.subjectName, PERSON.name);
    assert.equal(rec.fields.find((f) => f.name === '行政相对人名称')?.value, PERSON.name);
    assert.deepEqual(rec.fields.filter((f) => f.name.includes('证件号码')), [], 'no ID-number field, not even masked');
    const list = (await get('/api/public/sgs?type=penalty&limit=100')).json().items as Rec[];
    assert.equal(list.find((r) => r.id === s.person.record)?.subjectName, PERSON.name);
    const tab = (await get(`/api/public/subjects/${s.person.subject}/records?tab=penalty`)).json().items as Rec[];
    assert.equal(tab[0].subjectName, PERSON.name);
    for (const url of [`/api/public/subjects/${s.person.subject}`, `/api/public/records/${s.person.record}`, '/api/public/sgs?type=penalty&limit=100']) {
      const body = (await get(url)).body;
      assert.ok(!body.includes(PERSON.id) && !body.includes(PERSON.id.slice(0, 6) + '*') && !body.includes('*' + PERSON.id.slice(-4)), url);
    }
  });

  test("a legal person's representative is public; an individual business's operator (another natural person) is not", async () => {
    const company = (await get(`/api/public/records/${s.company.record}`)).json() as Rec;
    assert.equal(company.fields.find((f) => f.name === '法定代表人')?.value, COMPANY.legalRepresentative);
    const shop = await get(`/api/public/records/${s.shop.record}`);
    assert.equal(shop.statusCode, 200);
    assert.ok(!shop.body.includes(SHOP.legalRepresentative), 'the operator is not named on the record page');
    const list = await get(`/api/public/subjects/${s.shop.subject}/records?tab=penalty`);
    assert.ok(!list.body.includes(SHOP.legalRepresentative), 'nor in the subject tab');
  });
});

describe('PUBLIC_PERSON_NAME=masked', () => {
  let s: Awaited<ReturnType<typeof setUp>>;
  before(async () => {
    s = await setUp('masked');
  });
  after(async () => {
    await s?.t.close();
  });
  const get = (url: string) => s.t.app.inject({ method: 'GET', url });

  test('the natural person shows as 欧*** on the subject page, the record page, the subject tab and the list', async () => {
    const masked = '欧***';
    assert.equal((await get(`/api/public/subjects/${s.person.subject}`)).json().name, masked);
    const rec = (await get(`/api/public/records/${s.person.record}`)).json() as Rec;
    assert.equal(rec.subjectName, masked);
    assert.equal(rec.fields.find((f) => f.name === '行政相对人名称')?.value, masked);
    const list = (await get('/api/public/sgs?type=penalty&limit=100')).json().items as Rec[];
    assert.equal(list.find((r) => r.id === s.person.record)?.subjectName, masked);
    const tab = (await get(`/api/public/subjects/${s.person.subject}/records?tab=penalty`)).json().items as Rec[];
    assert.equal(tab[0].subjectName, masked);
    for (const url of [`/api/public/subjects/${s.person.subject}`, `/api/public/records/${s.person.record}`, '/api/public/sgs?type=penalty&limit=100']) {
      assert.ok(!(await get(url)).body.includes(PERSON.name), url);
    }
    // Legal persons' names are not personal names: unchanged.
    assert.equal(((await get(`/api/public/records/${s.company.record}`)).json() as Rec).subjectName, COMPANY.name);
  });
});

test('PUBLIC_PERSON_NAME is validated at start-up: full (default) or masked', () => {
  assert.equal(loadConfig({}).publicPersonName, 'full');
  assert.equal(loadConfig({ PUBLIC_PERSON_NAME: 'masked' }).publicPersonName, 'masked');
  assert.throws(() => loadConfig({ PUBLIC_PERSON_NAME: 'partial' }), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('PUBLIC_PERSON_NAME="partial"')));
});
