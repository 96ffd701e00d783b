// 资源目录 over HTTP: item list, templates, and the draft → review → active lifecycle of a local item.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { GENERIC_OTHER_V1 } from './builtin/index.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t?.close();
});

test('the built-in items are listed with their fields; templates download with exact headers and a rules sheet', async () => {
  const s = await loginAs(t, 'reporter');
  const r = await t.app.inject({ method: 'GET', url: '/api/catalog', headers: s.headers });
  const items = r.json().items as Array<{ id: string; name: string; fields: Array<{ name: string; required: string; inTemplate: boolean; longTermAllowed: boolean }> }>;
  for (const name of ['行政许可', '行政处罚']) assert.ok(items.some((i) => i.name === name), name);
  const cf = items.find((i) => i.id === 'sgs_cf_v2')!;
  assert.ok(cf.fields.length > 20);
  assert.ok(cf.fields.some((f) => f.required.includes('必填')));

  const x = await t.app.inject({ method: 'GET', url: '/api/catalog/sgs_cf_v2/template.xlsx', headers: s.headers });
  assert.equal(x.statusCode, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
  assert.ok(wb.worksheets.length >= 2, 'a second sheet with field rules');
  const templateFields = cf.fields.filter((f) => f.inTemplate);
  assert.deepEqual((wb.worksheets[0].getRow(1).values as unknown[]).slice(1), templateFields.map((f) => f.name));
  const c = await t.app.inject({ method: 'GET', url: '/api/catalog/sgs_cf_v2/template.csv', headers: s.headers });
  assert.deepEqual([...c.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM so Excel opens it correctly');
  assert.equal(c.body.slice(1).split(/\r?\n/)[0], templateFields.map((f) => f.name).join(','));
  assert.ok(cf.fields.some((f) => f.longTermAllowed), '长期 dates are marked');
  // The online form fills the authority's USCC from the department (issue 17 §4): the field says its role.
  const roles = (cf.fields as unknown as { role: string | null }[]).map((f) => f.role);
  assert.ok(roles.includes('authority_uscc') && roles.includes('authority_name'), JSON.stringify(roles));
});

test('a local item is drafted, reviewed by another admin, and only then accepts uploads', async () => {
  const author = await loginAs(t, 'admin');
  const reviewer = await loginAs(t, 'admin');
  const def = { ...GENERIC_OTHER_V1, id: 'local_heating_arrears', name: '供热欠费信息', sourceDepartments: [] };
  const created = await t.app.inject({ method: 'POST', url: '/api/catalog', headers: author.headers, payload: def });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().status, 'draft');
  const rep = await loginAs(t, 'reporter');
  const m = multipartFile('a.csv', Buffer.from('x,y\n1,2\n'));
  const early = await t.app.inject({ method: 'POST', url: '/api/ingest/upload?catalog=local_heating_arrears', headers: { ...rep.headers, ...m.headers }, payload: m.payload });
  assert.equal(early.statusCode, 400, 'a draft cannot be used');
  const v = created.json().version;
  const act = (s: typeof author, a: string) => t.app.inject({ method: 'POST', url: `/api/catalog/local_heating_arrears/versions/${v}/${a}`, headers: s.headers });
  assert.equal((await act(author, 'approve')).statusCode, 409, 'must be submitted first');
  assert.equal((await act(author, 'submit')).statusCode, 200);
  const self = await act(author, 'approve');
  assert.equal(self.statusCode, 403);
  assert.equal(self.json().error.code, 'catalog_self_approval');
  assert.equal((await act(reviewer, 'approve')).statusCode, 200);
  const list = await t.app.inject({ method: 'GET', url: '/api/catalog', headers: rep.headers });
  assert.ok((list.json().items as Array<{ id: string }>).some((i) => i.id === 'local_heating_arrears'));
  const audits = await t.db.selectFrom('audit_log').select(['action', 'outcome']).where('action', 'like', 'catalog.%').execute();
  for (const a of ['catalog.draft', 'catalog.submit', 'catalog.approve']) assert.ok(audits.some((x) => x.action === a && x.outcome === 'ok'), a);
});

test('bad definitions and changes to national items are refused; non-admins cannot draft', async () => {
  const admin = await loginAs(t, 'admin');
  const bad = await t.app.inject({ method: 'POST', url: '/api/catalog', headers: admin.headers, payload: { id: 'x', name: '缺字段' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'catalog_invalid');
  assert.ok(Array.isArray(bad.json().error.details) && bad.json().error.details.length > 0);
  const builtin = await t.app.inject({ method: 'POST', url: '/api/catalog', headers: admin.headers, payload: { ...GENERIC_OTHER_V1 } });
  assert.equal(builtin.statusCode, 409);
  const rep = await loginAs(t, 'reporter');
  const no = await t.app.inject({ method: 'POST', url: '/api/catalog', headers: rep.headers, payload: { ...GENERIC_OTHER_V1, id: 'mine' } });
  assert.equal(no.statusCode, 403);
});
