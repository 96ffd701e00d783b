// Public records are shaped with catalogue definitions kept in memory by (item, version): each record keeps
// the version it was validated against, also after a newer version is approved, and stored versions cannot
// change under the cache.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { importRecords } from '../../../test/factories.ts';
import { demoDepartmentUscc } from '../auth/departments.data.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { createDb } from '../../db/index.ts';
import { GENERIC_OTHER_V1 } from '../catalog/builtin/index.ts';
import { definitionKey, itemDefinitions } from '../catalog/catalog.repository.ts';
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../../platform/random.ts';
import { refreshPublicity } from './publicity.service.ts';

const ITEM = 'local_cache_probe';
let t: TestApp;

before(async () => {
  t = await createTestApp();
  // 市场监管局 may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

/** Drafts, submits and approves (by a second admin) a version of the local item whose 内容 field has this name. */
async function approveVersion(contentName: string): Promise<number> {
  const author = await loginAs(t, 'admin');
  const reviewer = await loginAs(t, 'admin');
  const def = {
    ...GENERIC_OTHER_V1,
    id: ITEM,
    name: '缓存验证目录项',
    sourceDepartments: [],
    items: GENERIC_OTHER_V1.items.map((f) => (f.code === 'QT_NR' ? { ...f, name: contentName } : f)),
  };
  const created = await t.app.inject({ method: 'POST', url: '/api/catalog', headers: author.headers, payload: def });
  assert.equal(created.statusCode, 201, created.body);
  const v = created.json().version as number;
  const act = (s: typeof author, a: string) => t.app.inject({ method: 'POST', url: `/api/catalog/${ITEM}/versions/${v}/${a}`, headers: s.headers });
  assert.equal((await act(author, 'submit')).statusCode, 200);
  assert.equal((await act(reviewer, 'approve')).statusCode, 200);
  return v;
}

const rng = mulberry32(20261128);

/** Imports one record against the item's active version and decides its publicity; returns the record id. */
async function importOne(contentHeader: string, content: string): Promise<string> {
  const row = {
    法定名称或姓名: `西宁缓存验证${content}有限公司`,
    主体类别: '法人及非法人组织',
    统一社会信用代码: generateUscc(rng),
    [contentHeader]: content,
    文书号: `宁缓〔2026〕${content}号`,
    日期: '2026-11-01',
    机构: '西宁市市场监督管理局',
    // The reporting department's own code (issue 11 §1: a department names only its own authority or one it reports for).
    机构统一社会信用代码: demoDepartmentUscc('SCJGJ', '630100'),
  };
  const r = await importRecords(t, [row], { catalog: ITEM });
  assert.equal(r.accepted, 1, JSON.stringify(r));
  await refreshPublicity(t.db, t.ctx.config.secret, { batchId: r.batchId });
  const rec = await t.db.selectFrom('records').select(['id', 'audience']).where('doc_no', '=', row.文书号).executeTakeFirstOrThrow();
  assert.equal(rec.audience, 'public');
  return rec.id;
}

const publicFields = async (id: string) => {
  const r = await t.app.inject({ method: 'GET', url: `/api/public/records/${id}` });
  assert.equal(r.statusCode, 200, r.body);
  return Object.fromEntries((r.json().fields as Array<{ name: string; value: string }>).map((f) => [f.name, f.value]));
};

test('each record is shown with the catalogue version it was validated against, before and after a new version is approved', async () => {
  const v1 = await approveVersion('内容');
  const first = await importOne('内容', '一号');
  assert.equal((await publicFields(first))['内容'], '一号', 'v1 is read (and remembered)');

  const v2 = await approveVersion('信息内容');
  assert.equal(v2, v1 + 1);
  const second = await importOne('信息内容', '二号');
  const newer = await publicFields(second);
  assert.equal(newer['信息内容'], '二号', 'a record of v2 is shaped by v2');
  assert.equal(newer['内容'], undefined);
  const older = await publicFields(first);
  assert.equal(older['内容'], '一号', 'the v1 record still by v1');
  assert.equal(older['信息内容'], undefined);

  // The same objects every time on one handle; another handle (another process) reads the same definitions.
  const keys = [
    { itemId: ITEM, version: v1 },
    { itemId: ITEM, version: v2 },
  ];
  const a = await itemDefinitions(t.db, keys);
  const b = await itemDefinitions(t.db, keys);
  assert.equal(a.get(definitionKey(ITEM, v1)), b.get(definitionKey(ITEM, v1)));
  const other = createDb(t.url, 1);
  try {
    const c = await itemDefinitions(other.db, [...keys, { itemId: ITEM, version: 99 }]);
    assert.deepEqual(c.get(definitionKey(ITEM, v1)), a.get(definitionKey(ITEM, v1)));
    assert.deepEqual(c.get(definitionKey(ITEM, v2)), a.get(definitionKey(ITEM, v2)));
    assert.equal(c.has(definitionKey(ITEM, 99)), false, 'a version that is not stored is absent');
  } finally {
    await other.db.destroy();
  }
});

test('a stored catalogue version cannot be changed or deleted (what makes the cache safe); its status still moves', async () => {
  const v = await approveVersion('内容');
  const refused = async (q: Promise<unknown>) => assert.rejects(q, (e: { code?: string; message?: string }) => e.code === 'P0001' && /catalogue version/.test(e.message ?? ''));
  await refused(sql`UPDATE catalog_versions SET definition = definition || '{"name":"改名"}'::jsonb WHERE item_id = ${ITEM} AND version = ${v}`.execute(t.db));
  await refused(sql`UPDATE catalog_versions SET version = version + 100 WHERE item_id = ${ITEM} AND version = ${v}`.execute(t.db));
  await refused(sql`DELETE FROM catalog_versions WHERE item_id = ${ITEM} AND version = ${v}`.execute(t.db));
  // The app role holds no TRUNCATE at all (src/db/roles.ts); the owner, who does, still meets the trigger.
  await assert.rejects(sql`TRUNCATE catalog_versions CASCADE`.execute(t.owner), (e: { code?: string }) => e.code === 'P0001');
  await sql`UPDATE catalog_versions SET status = 'retired' WHERE item_id = ${ITEM} AND version = ${v}`.execute(t.db);
  const row = await t.db.selectFrom('catalog_versions').select(['status', 'name']).where('item_id', '=', ITEM).where('version', '=', v).executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'retired', name: '缓存验证目录项' });
});
