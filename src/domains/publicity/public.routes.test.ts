// What the public sees: only records the publicity engine made public, only 社会公开 fields, labels not
// codes; a non-public record is a 404; withdrawal takes a record down; no ID number ever leaves unmasked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIdNumber } from '../codes/index.ts';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { importRecords, penaltyRows } from '../../../test/factories.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';

let t: TestApp;
const rowsOf = (n: number, seed: number) => penaltyRows(n, seed, { from: '2026-06-01', to: '2026-11-20' });

before(async () => {
  t = await createTestApp();
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

async function load(rows: Array<Record<string, string>>) {
  return importRecords(t, rows, { publish: true });
}

/** Every valid resident ID number found in a text (18 digits with a correct check character). */
function idNumbersIn(text: string): string[] {
  return (text.match(/\d{17}[\dXx]/g) ?? []).filter((s) => checkIdNumber(s).verdict !== 'invalid' && checkIdNumber(s).kind === 'id');
}

test('records become public only after the engine decides; fields are 社会公开 only, with labels and an explanation', async () => {
  const rows = rowsOf(40, 515);
  const r = await load(rows);
  assert.ok(r.accepted > 30);
  const pub = await t.app.inject({ method: 'GET', url: '/api/public/sgs?type=penalty&limit=100' });
  assert.equal(pub.statusCode, 200);
  const items = pub.json().items as Array<{ id: string; publicity: string; fields: Array<{ name: string; value: string }>; subjectId: string }>;
  assert.ok(items.length > 0);
  for (const i of items) {
    assert.match(i.publicity, /公示至 \d{4}-\d{2}-\d{2}/);
    // ID numbers are never public, not even masked: the fields are left out (docs/domain/03-publicity.md §3.5, src/domains/codes/pii.ts).
    assert.deepEqual(i.fields.filter((x) => x.name.includes('证件号码')), [], i.id);
    const cat = i.fields.find((f) => f.name === '处罚类别');
    if (cat) assert.doesNotMatch(cat.value, /^\d{2}(;|$)/, 'categories are shown as labels');
  }
  const counts = await t.db.selectFrom('records').select(['audience']).execute();
  assert.equal(items.length, counts.filter((c) => c.audience === 'public').length);
  // Subject tab and single record.
  const one = items[0];
  const tab = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${one.subjectId}/records?tab=penalty` });
  assert.ok((tab.json().items as Array<{ id: string }>).some((x) => x.id === one.id));
  const empty = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${one.subjectId}/records?tab=commitment` });
  assert.deepEqual(empty.json().items, []);
});

test('a non-public record answers 404, not 403; withdrawal (撤销) takes a record down', async () => {
  const rows = rowsOf(5, 616);
  await load(rows);
  const hidden = await t.db.selectFrom('records').select('id').where('audience', '!=', 'public').executeTakeFirst();
  if (hidden) {
    const r = await t.app.inject({ method: 'GET', url: `/api/public/records/${hidden.id}` });
    assert.equal(r.statusCode, 404);
  }
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/public/records/999999999' })).statusCode, 404);
  // A public record whose stored content has no masked personal value, so that the form can take its values back
  // (which record the planner returns first is not fixed; one with a masked 证件号码 would be refused).
  const candidates = await t.db.selectFrom('records').select(['id', 'content']).where('audience', '=', 'public').orderBy('id').execute();
  const shown = candidates.find((c) => !Object.values(c.content as Record<string, unknown>).some((x) => typeof x === 'string' && x.includes('*')))!;
  assert.ok(shown);
  assert.equal((await t.app.inject({ method: 'GET', url: `/api/public/records/${shown.id}` })).statusCode, 200);
  // The department withdraws it: same key, 当前状态 = 撤销 (v1 status field CF_ZT accepted by code).
  const v = await t.db.selectFrom('record_versions').select('content').where('record_id', '=', shown.id).orderBy('version', 'desc').executeTakeFirstOrThrow();
  const content = v.content as Record<string, string | null>;
  const rep = await loginAs(t, 'reporter');
  const withdraw = await t.app.inject({ method: 'POST', url: '/api/ingest/form', headers: rep.headers, payload: { catalog: 'sgs_cf_v2', values: { ...Object.fromEntries(Object.entries(content).map(([k, x]) => [k, x === null ? '' : String(x)])), CF_ZT: '2' } } });
  assert.equal(withdraw.statusCode, 201, withdraw.body);
  assert.equal(withdraw.json().withdrawn, 1, withdraw.body);
  const after = await t.app.inject({ method: 'GET', url: `/api/public/records/${shown.id}` });
  assert.equal(after.statusCode, 404);
});

test('old records past their maximum period are not public; the scheduled job explains why', async () => {
  const old = penaltyRows(5, 717, { from: '2019-08-01', to: '2020-06-30' });
  const r = await load(old);
  const ids = (await t.db.selectFrom('record_versions').select('record_id').where('batch_id', '=', r.batchId).execute()).map((x) => x.record_id);
  const recs = await t.db.selectFrom('records').select(['audience', 'publicity']).where('id', 'in', ids).execute();
  assert.ok(recs.length > 0);
  for (const x of recs) {
    assert.notEqual(x.audience, 'public');
    assert.ok((x.publicity as { reasons: string[] }).reasons.length > 0);
  }
});

test('no public endpoint returns an unmasked 18-digit ID number', async () => {
  const { items } = (await t.app.inject({ method: 'GET', url: '/api/public/sgs?type=penalty&limit=100' })).json() as { items: Array<{ id: string; subjectId: string }> };
  const urls = ['/api/public/sgs?type=penalty&limit=100', '/api/public/sgs?type=permit', '/api/public/lists?kind=red', '/api/public/lists?kind=black', '/api/public/site'];
  for (const i of items.slice(0, 20)) {
    urls.push(`/api/public/records/${i.id}`);
    for (const tab of ['penalty', 'permit', 'red', 'black']) urls.push(`/api/public/subjects/${i.subjectId}/records?tab=${tab}`);
  }
  // Natural persons' records carry ID numbers in the stored data: make sure some exist.
  const persons = await t.db.selectFrom('subjects').select('id').where('kind', '=', 'natural_person').execute();
  assert.ok(persons.length > 0, 'the data set includes natural persons');
  for (const p of persons.slice(0, 20)) urls.push(`/api/public/subjects/${p.id}/records?tab=penalty`);
  for (const u of urls) {
    const r = await t.app.inject({ method: 'GET', url: u });
    assert.ok(r.statusCode < 500, u);
    assert.deepEqual(idNumbersIn(r.body), [], u);
  }
});
