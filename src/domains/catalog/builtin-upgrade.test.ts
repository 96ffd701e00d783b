// Issue 13: the built-in 行政许可/行政处罚 items moved to version 3 (注销或失效 apart from 无效, 港澳台居民居住证,
// 出生日期, 处罚程序). Installing the built-ins on a database that holds version 2 must leave exactly one active
// version per item, keep version 2 readable for the records validated against it, and be idempotent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { BUILTIN_ITEMS, SGS_CF_V2, SGS_XK_V2 } from './builtin/index.ts';
import { findActiveItem, installBuiltinCatalog, itemDefinitions, definitionKey } from './catalog.repository.ts';

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t?.close();
});

test('an existing database with the version-2 built-ins upgrades to one active version 3 per item', async () => {
  // The database as an earlier release left it: version 2 of both items, active and built in.
  for (const item of [SGS_XK_V2, SGS_CF_V2]) {
    await t.db
      .insertInto('catalog_versions')
      .values({ item_id: item.id, version: 2, name: item.name, record_type: item.recordType, definition: JSON.stringify({ ...item, version: 2 }), status: 'active', builtin: true, activated_at: new Date() })
      .execute();
  }
  assert.equal(await installBuiltinCatalog(t.db), BUILTIN_ITEMS.length);
  const rows = await t.db.selectFrom('catalog_versions').select(['item_id', 'version', 'status']).where('item_id', 'in', [SGS_XK_V2.id, SGS_CF_V2.id]).orderBy('item_id').orderBy('version').execute();
  assert.deepEqual(rows, [
    { item_id: 'sgs_cf_v2', version: 2, status: 'retired' },
    { item_id: 'sgs_cf_v2', version: 3, status: 'active' },
    { item_id: 'sgs_xk_v2', version: 2, status: 'retired' },
    { item_id: 'sgs_xk_v2', version: 3, status: 'active' },
  ]);
  const active = await t.db.selectFrom('catalog_versions').select(({ fn }) => ['item_id', fn.countAll<string>().as('n')]).where('status', '=', 'active').groupBy('item_id').execute();
  assert.ok(active.every((a) => Number(a.n) === 1), JSON.stringify(active));
  assert.equal((await findActiveItem(t.db, '行政许可'))?.version, 3);
  // Records validated against version 2 still find their definition.
  const defs = await itemDefinitions(t.db, [{ itemId: 'sgs_xk_v2', version: 2 }]);
  assert.equal(defs.get(definitionKey('sgs_xk_v2', 2))?.version, 2);
  // Idempotent: a second start adds and retires nothing.
  assert.equal(await installBuiltinCatalog(t.db), 0);
  const again = await t.db.selectFrom('catalog_versions').select(['item_id', 'version', 'status']).where('item_id', 'in', [SGS_XK_V2.id, SGS_CF_V2.id]).orderBy('item_id').orderBy('version').execute();
  assert.deepEqual(again, rows);
});
