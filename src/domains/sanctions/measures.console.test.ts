// The measures console's server side over HTTP (issue 14 §4): a local measure saved as a draft without a legal
// basis cannot be activated (国办发〔2020〕49号); its basis is entered at activation without a new version; a basis
// already there changes only by amendment (a new version); a retired measure is never in a check's answer again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { registerEntry } from '../lists/index.ts';
import { searchColumns } from '../subjects/index.ts';

let t: TestApp;
type Session = Awaited<ReturnType<typeof loginAs>>;
let admin: Session;
let clerk: Session;
const LISTED = '91350100M000100Y43';

before(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
  clerk = await loginAs(t, 'reporter', 'CZJ');
  const c = searchColumns('福州某某建材有限公司');
  const s = await t.db
    .insertInto('subjects')
    .values({ kind: 'legal', name: '福州某某建材有限公司', uscc: LISTED, name_norm: c.nameNorm, pinyin_initials: c.pinyinInitials, created_at: new Date(), updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await registerEntry(t.db, { listType: 'ZFCGSX', subjectId: s.id, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
});
after(() => t.close());

const call = (method: 'GET' | 'POST' | 'PUT', url: string, who: Session, payload?: object) => t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const measure = { name: '暂停本地政府采购供应商库入库资格', class: 2, kind: 'punishment', listTypes: ['ZFCGSX'], scenarios: ['政府采购'], implementingDept: '市财政局', edition: 'local' };
const BASIS = '《福州市政府采购供应商管理办法》第十二条';
const checkedCodes = async () => {
  const r = await call('POST', '/api/sanctions/checks', clerk, { scenario: '政府采购', subjects: [{ uscc: LISTED }] });
  assert.equal(r.statusCode, 200, r.body);
  return (r.json().subjects[0].measures as Array<{ code: string; name: string }>).map((m) => m.code);
};

test('draft without a basis → activation refused; basis entered at activation → active, still version 1; amend → version 2; retire → gone from checks', async () => {
  const created = await call('POST', '/api/sanctions/measures', admin, { ...measure, activate: false });
  assert.equal(created.statusCode, 200, created.body);
  const { code, version, status } = created.json();
  assert.deepEqual([version, status], [1, 'draft']);

  const refused = await call('POST', `/api/sanctions/measures/${code}/activate`, admin);
  assert.equal(refused.statusCode, 400);
  assert.equal(refused.json().error.code, 'sanction_measure_no_basis');
  const blank = await call('POST', `/api/sanctions/measures/${code}/activate`, admin, { legalBasis: '   ' });
  assert.equal(blank.json().error.code, 'sanction_measure_no_basis');
  assert.ok(!(await checkedCodes()).includes(code), 'a draft is never applied');

  // A clerk may not activate, even with a basis.
  assert.equal((await call('POST', `/api/sanctions/measures/${code}/activate`, clerk, { legalBasis: BASIS })).statusCode, 403);

  const active = await call('POST', `/api/sanctions/measures/${code}/activate`, admin, { legalBasis: BASIS, basisDocNo: '榕财规〔2025〕2号' });
  assert.equal(active.statusCode, 200, active.body);
  assert.deepEqual([active.json().version, active.json().status, active.json().legalBasis, active.json().basisDocNo], [1, 'active', BASIS, '榕财规〔2025〕2号']);
  assert.ok((await checkedCodes()).includes(code), 'the active measure applies to the listed subject in 政府采购');
  const audit = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'sanctions.measure.activate').where('target', '=', `measure:${active.json().id}`).executeTakeFirstOrThrow();
  assert.equal((audit.detail as { basisAdded?: string }).basisAdded, BASIS);

  // A basis in force changes only by amendment, which keeps the earlier version.
  const overwrite = await call('POST', `/api/sanctions/measures/${code}/activate`, admin, { legalBasis: '另一依据' });
  assert.equal(overwrite.statusCode, 400);
  const v2 = await call('PUT', `/api/sanctions/measures/${code}`, admin, { ...measure, legalBasis: BASIS, basisDocNo: '榕财规〔2025〕2号', name: '暂停本地政府采购供应商库入库资格（一年）' });
  assert.equal(v2.statusCode, 200, v2.body);
  assert.deepEqual([v2.json().version, v2.json().status], [2, 'active']);
  const history = (await call('GET', '/api/sanctions/measures?all=true', admin)).json().items.filter((m: { code: string }) => m.code === code);
  assert.deepEqual(history.map((m: { version: number; status: string }) => [m.version, m.status]), [[2, 'active'], [1, 'superseded']]);

  const retired = await call('POST', `/api/sanctions/measures/${code}/retire`, admin);
  assert.equal(retired.statusCode, 204);
  assert.ok(!(await checkedCodes()).includes(code), 'a retired measure is never returned by a check again');
});
