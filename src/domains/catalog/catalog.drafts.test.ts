// The catalogue editor's server side (issue 17 §4): drafts saved and re-saved on the server by their
// drafter, discarded without freeing their number, read with the four-eyes reason, and their template
// downloaded before approval; every route refuses the roles it is not for.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { GENERIC_OTHER_V1 } from './builtin/index.ts';
import { lockDraft } from './catalog.drafts.ts';
import type { CatalogItem, DataItem } from './catalog.schemas.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t?.close();
});

type Session = Awaited<ReturnType<typeof loginAs>>;
const def = (id: string, extra: DataItem[] = []): CatalogItem => ({
  ...GENERIC_OTHER_V1,
  id,
  name: '供水欠费信息',
  sourceDepartments: [],
  items: [...GENERIC_OTHER_V1.items, ...extra],
});
const LEVEL: DataItem = {
  code: 'QF_DJ',
  name: '欠费等级',
  type: 'enum',
  required: 'always',
  enum: [
    { code: '1', label: '一般' },
    { code: '2', label: '严重' },
  ],
  masked: false,
  visibility: '社会公开',
};
const req = (s: Session | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: s?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as object }) });

test('the drafter re-saves a draft; the detail tells who may approve; the draft template carries the new column', async () => {
  const author = await loginAs(t, 'admin');
  const other = await loginAs(t, 'admin');
  const auditor = await loginAs(t, 'auditor');
  const created = await req(author, 'POST', '/api/catalog', def('local_water_arrears'));
  assert.equal(created.statusCode, 201, created.body);
  const v = created.json().version as number;
  const url = `/api/catalog/local_water_arrears/versions/${v}`;

  const saved = await req(author, 'PUT', url, def('local_water_arrears', [LEVEL]));
  assert.equal(saved.statusCode, 200, saved.body);
  assert.ok((saved.json().fields as { code: string }[]).some((f) => f.code === 'QF_DJ'));

  const mine = (await req(author, 'GET', url)).json();
  assert.equal(mine.status, 'draft');
  assert.equal(mine.canEdit, true);
  assert.equal(mine.draftedByMe, true);
  assert.match(mine.approveBlockedReason, /起草人不能审核发布本人起草的版本/);
  assert.ok(mine.updatedAt, 'the time of the last save');
  assert.equal(mine.createdByName, author.username);
  assert.deepEqual(mine.definition.items.at(-1).enum, LEVEL.enum);

  const theirs = (await req(other, 'GET', url)).json();
  assert.equal(theirs.canEdit, false);
  assert.equal(theirs.approveBlockedReason, null);
  const list = (await req(author, 'GET', '/api/catalog?all=true')).json().items as { id: string; draftedByMe?: boolean }[];
  assert.equal(list.find((i) => i.id === 'local_water_arrears')?.draftedByMe, true);

  const stolen = await req(other, 'PUT', url, def('local_water_arrears'));
  assert.equal(stolen.statusCode, 403);
  assert.equal(stolen.json().error.code, 'catalog_not_drafter');

  // Server-side validation stays the authority: a bad definition is refused with its reasons.
  const bad = await req(author, 'PUT', url, def('local_water_arrears', [{ ...LEVEL, enum: [] }]));
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'catalog_invalid');

  const csv = await req(auditor, 'GET', `${url}/template.csv`);
  assert.equal(csv.statusCode, 200);
  assert.ok(csv.body.split(/\r?\n/)[0].endsWith(',欠费等级'), csv.body.split(/\r?\n/)[0]);
  assert.match(decodeURIComponent(String(csv.headers['content-disposition'])), /（草稿）/);
  const xlsx = await req(author, 'GET', `${url}/template.xlsx`);
  assert.equal(xlsx.statusCode, 200);

  const audits = await t.db.selectFrom('audit_log').select('action').where('target', '=', `catalog:local_water_arrears@${v}`).execute();
  assert.ok(audits.some((a) => a.action === 'catalog.update'));
});

test('a submitted version cannot be re-saved, one version is open at a time, and a discarded draft keeps its number', async () => {
  const author = await loginAs(t, 'admin');
  const other = await loginAs(t, 'admin');
  const v = (await req(author, 'POST', '/api/catalog', def('local_gas_arrears'))).json().version as number;
  const url = `/api/catalog/local_gas_arrears/versions/${v}`;
  assert.equal((await req(author, 'POST', `${url}/submit`)).statusCode, 200);
  const late = await req(author, 'PUT', url, def('local_gas_arrears', [LEVEL]));
  assert.equal(late.statusCode, 409);
  assert.equal(late.json().error.code, 'catalog_bad_state');
  const second = await req(author, 'POST', '/api/catalog', def('local_gas_arrears'));
  assert.equal(second.statusCode, 409);
  assert.equal(second.json().error.code, 'catalog_open_draft');
  assert.equal((await req(author, 'POST', `${url}/discard`)).statusCode, 409, 'a version in review is returned first');

  assert.equal((await req(other, 'POST', `${url}/reject`)).statusCode, 200);
  // Any credit-office admin may set a returned draft aside.
  assert.equal((await req(other, 'POST', `${url}/discard`)).statusCode, 200);
  assert.equal((await req(author, 'GET', url)).statusCode, 404);
  const list = (await req(author, 'GET', '/api/catalog?all=true')).json().items as { id: string }[];
  assert.ok(!list.some((i) => i.id === 'local_gas_arrears'), 'discarded drafts are not listed');
  const next = await req(author, 'POST', '/api/catalog', def('local_gas_arrears'));
  assert.equal(next.statusCode, 201);
  assert.equal(next.json().version, v + 1, 'the number of a discarded draft is not handed out again');
  const audits = await t.db.selectFrom('audit_log').select('action').where('target', '=', `catalog:local_gas_arrears@${v}`).execute();
  assert.ok(audits.some((a) => a.action === 'catalog.discard'));
});

test('the database lets a draft change but never a version that left draft', async () => {
  const author = await loginAs(t, 'admin');
  const v = (await req(author, 'POST', '/api/catalog', def('local_power_arrears'))).json().version as number;
  const rename = (name: string) =>
    sql`UPDATE catalog_versions SET name = ${name} WHERE item_id = 'local_power_arrears' AND version = ${v}`.execute(t.db);
  await rename('供电欠费信息');
  assert.equal((await req(author, 'POST', `/api/catalog/local_power_arrears/versions/${v}/submit`)).statusCode, 200);
  await assert.rejects(rename('再改名'), /immutable/);
  await assert.rejects(sql`DELETE FROM catalog_versions WHERE item_id = 'local_power_arrears'`.execute(t.db), /cannot be deleted/);
  await assert.rejects(sql`UPDATE catalog_versions SET definition = '{}' WHERE item_id = 'sgs_cf_v2'`.execute(t.db), /immutable/);
  // A version that was ever active cannot be made a draft again (and then rewritten).
  await assert.rejects(sql`UPDATE catalog_versions SET status = 'draft' WHERE item_id = 'sgs_cf_v2'`.execute(t.db), /cannot return to review/);
  await assert.rejects(
    sql`UPDATE catalog_versions SET status = 'draft', definition = '{}' WHERE item_id = 'sgs_cf_v2'`.execute(t.db),
    /cannot return to review|immutable/,
  );
});

test('each editor route refuses the roles it is not for', async () => {
  const author = await loginAs(t, 'admin');
  const v = (await req(author, 'POST', '/api/catalog', def('local_heat_arrears'))).json().version as number;
  const url = `/api/catalog/local_heat_arrears/versions/${v}`;
  const cases: [role: 'reporter' | 'reviewer' | 'district_admin' | 'auditor' | null, method: 'GET' | 'POST' | 'PUT', path: string][] = [
    [null, 'GET', url],
    ['reporter', 'GET', url],
    ['district_admin', 'GET', url],
    ['reviewer', 'GET', `${url}/template.csv`],
    ['reporter', 'GET', `${url}/template.xlsx`],
    ['auditor', 'PUT', url],
    ['reporter', 'PUT', url],
    ['auditor', 'POST', `${url}/discard`],
    ['reviewer', 'POST', `${url}/discard`],
  ];
  for (const [role, method, path] of cases) {
    const s = role ? await loginAs(t, role) : null;
    const r = await req(s, method, path, method === 'PUT' ? def('local_heat_arrears') : undefined);
    assert.equal(r.statusCode, role ? 403 : 401, `${role ?? '未登录'} ${method} ${path}: ${r.body}`);
  }
  const still = (await req(author, 'GET', url)).json();
  assert.equal(still.status, 'draft', 'nothing was changed by the refused calls');
});

test('two concurrent creates of the same item: one draft is saved, the other is told so with a 409', async () => {
  const a = await loginAs(t, 'admin');
  const b = await loginAs(t, 'admin');
  // Holding the audit log shut makes both saves meet inside their transactions: the first waits to write its
  // audit entry with its draft inserted, the second waits on the first's primary key; then both go on.
  let saves!: Promise<Awaited<ReturnType<typeof req>>[]>;
  await t.owner.transaction().execute(async (trx) => {
    await sql`LOCK TABLE audit_log IN EXCLUSIVE MODE`.execute(trx);
    saves = Promise.all([req(a, 'POST', '/api/catalog', def('local_sewage_arrears')), req(b, 'POST', '/api/catalog', def('local_sewage_arrears'))]);
    for (;;) {
      const waiting = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.owner);
      if (waiting.rows[0].n >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  const both = await saves;
  const codes = both.map((r) => r.statusCode).sort();
  assert.deepEqual(codes, [201, 409], both.map((r) => r.body).join('\n'));
  const loser = both.find((r) => r.statusCode === 409)!.json();
  assert.equal(loser.error.code, 'catalog_draft_race');
  assert.match(loser.error.message, /另一位管理员刚刚为该目录项保存了新的草稿/);
  const rows = await t.db.selectFrom('catalog_versions').select('version').where('item_id', '=', 'local_sewage_arrears').execute();
  assert.equal(rows.length, 1, 'one draft, no half-written second one');
});

test('lockDraft, the check that re-saving and discarding share, answers each state of a version', async () => {
  const author = await loginAs(t, 'admin');
  const other = await loginAs(t, 'admin');
  const post = async (id: string) => (await req(author, 'POST', '/api/catalog', def(id))).json().version as number;
  const draft = await post('local_lock_draft');
  const inReview = await post('local_lock_review');
  assert.equal((await req(author, 'POST', `/api/catalog/local_lock_review/versions/${inReview}/submit`)).statusCode, 200);
  const gone = await post('local_lock_gone');
  assert.equal((await req(other, 'POST', `/api/catalog/local_lock_gone/versions/${gone}/discard`)).statusCode, 200);
  const builtin = await t.db.selectFrom('catalog_versions').select(['item_id', 'version']).where('builtin', '=', true).executeTakeFirstOrThrow();
  const cases: [what: string, itemId: string, version: number, outcome: string][] = [
    ['a draft', 'local_lock_draft', draft, 'draft'],
    ['a version in review', 'local_lock_review', inReview, 'catalog_bad_state:先退回'],
    ['a discarded draft', 'local_lock_gone', gone, 'catalog_not_found'],
    ['no such version', 'local_lock_draft', draft + 9, 'catalog_not_found'],
    ['a national builtin', builtin.item_id, builtin.version, 'catalog_builtin'],
  ];
  for (const [what, itemId, version, outcome] of cases) {
    const got = await t.db
      .transaction()
      .execute(async (trx) => (await lockDraft(trx, itemId, version, '只有草稿可以修改；请先退回')).status)
      .catch((e: { code: string; message: string }) => (e.code === 'catalog_bad_state' ? `${e.code}:${/先退回/.exec(e.message)?.[0]}` : e.code));
    assert.equal(got, outcome, what);
  }
});
