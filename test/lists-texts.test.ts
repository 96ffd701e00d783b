// What users read of the list types and the measures, as the API sends it (/api/lists/types, /api/sanctions/measures):
// the 认定依据 (basis) of each list type and the 出处说明 (source) of each measure cite documents as a person cites
// them — 《…》 and 文号 — with an unverified fact said as 待核实, and carry no development note (test/helpers/devText.ts:
// no docs/ path, DOMAIN or § citation, [M]/[V]/[P] marker; and no English word). A database installed before the
// wording changed gets the new text on the next start, also in a version the credit office saved with the old note.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { installBuiltinListTypes } from '../src/domains/lists/index.ts';
import { installShippedMeasures } from '../src/domains/sanctions/index.ts';
import { createTestApp, loginAs, type TestApp } from './helpers/app.ts';
import { userTextProblems } from './helpers/devText.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof loginAs>>;
before(async () => {
  t = await createTestApp();
  // createTestApp installs the list types; the measures are installed as the server does on start.
  await installShippedMeasures(t.db);
  admin = await loginAs(t, 'admin');
});
after(() => t.close());

interface TypeItem {
  code: string;
  version: number;
  name: string;
  definition: { authority: string; criteria: { title: string; docNo: string | null }; validityNote: string; basis: string; excludes?: string; unconfirmed: string[] };
}
interface MeasureItem {
  code: string;
  name: string;
  legalBasis: string | null;
  basisDocNo: string | null;
  implementingDept: string;
  source: string | null;
}

const types = async (): Promise<TypeItem[]> => (await t.app.inject({ method: 'GET', url: '/api/lists/types', headers: admin.headers })).json().items;
const measures = async (): Promise<MeasureItem[]> => (await t.app.inject({ method: 'GET', url: '/api/sanctions/measures?all=true', headers: admin.headers })).json().items;

function typeProblems(items: TypeItem[]): string[] {
  return items.flatMap((i) => {
    const d = i.definition;
    return [
      ...userTextProblems(`${i.code} 名称`, i.name),
      ...userTextProblems(`${i.code} 认定机关`, d.authority),
      ...userTextProblems(`${i.code} 认定标准`, d.criteria.title),
      ...userTextProblems(`${i.code} 有效期说明`, d.validityNote),
      ...userTextProblems(`${i.code} 认定依据`, d.basis),
      ...userTextProblems(`${i.code} 不得列入`, d.excludes),
    ];
  });
}

function measureProblems(items: MeasureItem[]): string[] {
  return items.flatMap((m) => [
    ...userTextProblems(`${m.code} 措施`, m.name),
    ...userTextProblems(`${m.code} 设定依据`, m.legalBasis),
    ...userTextProblems(`${m.code} 实施部门`, m.implementingDept),
    ...userTextProblems(`${m.code} 出处说明`, m.source),
  ]);
}

test('the shipped list types and measures read as plain Chinese, citing documents by title and 文号', async () => {
  const ts = await types();
  assert.ok(ts.length >= 13, `${ts.length} list types`);
  assert.deepEqual(typeProblems(ts), []);
  const ms = await measures();
  assert.ok(ms.length >= 7, `${ms.length} measures`);
  assert.deepEqual(measureProblems(ms), []);
  // Citations as a person writes them, and the verification status in words where a fact is unconfirmed.
  const tax = ts.find((i) => i.code === 'ZDSSWF')!;
  assert.match(tax.definition.basis, /《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号/);
  assert.match(tax.definition.basis, /公布期限3年、金额门槛待核实/);
  assert.ok(ms.find((m) => m.code === 'JL2016-01')!.source!.includes('（国发〔2016〕33号）'));
  assert.ok(ms.find((m) => m.code === 'QG2021-01')!.source!.startsWith('《全国失信惩戒措施基础清单（2021年版）》'));
});

test('an earlier install’s development notes are replaced on the next start, in every version that carries one', async () => {
  // As an earlier release installed them, and as an amendment saved through the console copies the note it does not edit.
  const oldBasis = 'docs/domain/04-joint-measures.md §4.1a（54号令 [V]；提前停止 [V]；3年 [M]；金额门槛 [M]）';
  await sql`UPDATE list_types SET definition = jsonb_set(definition, '{basis}', to_jsonb(${oldBasis}::text)) WHERE code = 'ZDSSWF'`.execute(t.db);
  const cur = (await types()).find((i) => i.code === 'ZDSSWF')!;
  const amend = await t.app.inject({
    method: 'PUT',
    url: '/api/lists/types/ZDSSWF',
    payload: { name: cur.name, active: true, definition: { ...cur.definition, validityNote: '公布期限3年（已核实）' }, note: '有效期已核实' },
    headers: admin.headers,
  });
  assert.equal(amend.statusCode, 200, amend.body);
  const oldSource = '《全国失信惩戒措施基础清单（2021年版）》示例行（docs/domain/04-joint-measures.md §4.1b）';
  await t.db.updateTable('sanction_measures').set({ source: oldSource }).where('code', '=', 'QG2021-01').execute();
  const own = '本市信用办据清单原文录入';
  await t.db.updateTable('sanction_measures').set({ source: own }).where('code', '=', 'QG2021-02').execute();
  assert.ok(typeProblems(await types()).length > 0 && measureProblems(await measures()).length > 0, 'the old notes are what the guard finds');

  assert.equal(await installBuiltinListTypes(t.db), 0);
  assert.equal(await installShippedMeasures(t.db), 0);
  assert.deepEqual(typeProblems(await types()), []);
  assert.deepEqual(measureProblems(await measures()), []);
  const versions = await t.db.selectFrom('list_types').select(['version', sql<string>`definition->>'basis'`.as('basis'), sql<string>`definition->>'validityNote'`.as('note')]).where('code', '=', 'ZDSSWF').orderBy('version').execute();
  assert.equal(versions.length, 2);
  assert.ok(versions.every((v) => v.basis.startsWith('《重大税收违法失信主体信息公布管理办法》')), JSON.stringify(versions));
  assert.equal(versions[1].note, '公布期限3年（已核实）', 'the amendment itself is kept');
  const source = await t.db.selectFrom('sanction_measures').select(['code', 'source']).where('code', 'in', ['QG2021-01', 'QG2021-02']).orderBy('code').execute();
  assert.equal(source[0].source, '《全国失信惩戒措施基础清单（2021年版）》所列措施（示例行，清单全文由信用办补录）');
  assert.equal(source[1].source, own, 'a note the credit office wrote is never touched');
});
