// Audit targets in words on a real database: every kind the shell lists is named, a page of many targets of
// many kinds costs one query (never one per entry), and what no namer knows reads as its kind and id.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect } from 'kysely';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import type { DB } from '../db/types.ts';
import { AUDIT_TARGET_NAMERS } from '../shell/auditTargets.ts';
import { nameAuditTargets, parseAuditTarget } from './auditTargets.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t?.close();
});

test('parseAuditTarget splits at the first colon only', () => {
  const cases: [string, { kind: string | null; id: string }][] = [
    ['user:6', { kind: 'user', id: '6' }],
    ['catalog:sgs_cf@2', { kind: 'catalog', id: 'sgs_cf@2' }],
    ['list_entry:a:b', { kind: 'list_entry', id: 'a:b' }],
    ['plain', { kind: null, id: 'plain' }],
  ];
  for (const [target, want] of cases) assert.deepEqual(parseAuditTarget(target), want, target);
});

test('a page of targets of every kind is named in one query', async () => {
  let queries = 0;
  const counted = new Kysely<DB>({ dialect: new PostgresDialect({ pool: t.ctx.pool }), log: () => void queries++ });
  const dept = await t.db.selectFrom('departments').select(['id', 'name']).orderBy('id').executeTakeFirstOrThrow();
  const cat = await t.db.selectFrom('catalog_versions').select(['item_id', 'version', 'name']).orderBy('item_id').executeTakeFirstOrThrow();
  const lt = await t.db.selectFrom('list_types').select(['code', 'name']).orderBy('code').orderBy('version', 'desc').executeTakeFirst();
  const targets = [
    ...Array.from({ length: 40 }, (_, i) => `user:${i + 1}`),
    `department:${dept.id}`,
    `catalog:${cat.item_id}@${cat.version}`,
    `catalog:${cat.item_id}`,
    ...(lt ? [`list_type:${lt.code}`] : []),
    'apikey:1',
    'batch:1',
    'record:abc',
    'plain',
  ];
  const words = await nameAuditTargets(counted, AUDIT_TARGET_NAMERS, targets);
  assert.equal(queries, 1, 'one query for the page, whatever its kinds');
  assert.equal(words.get(`department:${dept.id}`), `部门 ${dept.name}`);
  assert.equal(words.get(`catalog:${cat.item_id}@${cat.version}`), `目录项 ${cat.name} 第 ${cat.version} 版`);
  assert.match(words.get(`catalog:${cat.item_id}`)!, new RegExp(`^目录项 .+ 第 \\d+ 版$`), 'a bare item names its latest version');
  if (lt) assert.equal(words.get(`list_type:${lt.code}`), `名单类型 ${lt.name}`);
  assert.equal(words.get('apikey:1'), 'API 密钥 1', 'no such key: kind and id');
  assert.equal(words.get('record:abc'), '信用记录 abc', 'an id no namer knows: kind and id');
  assert.equal(words.get('plain'), 'plain');

  queries = 0;
  await nameAuditTargets(counted, AUDIT_TARGET_NAMERS, ['no_namer_kind:1', 'plain']);
  assert.equal(queries, 0, 'nothing to look up, no query');
});
