// The measures catalogue and which measures apply (issue 14 §4): table-driven applicability by list type ×
// scenario over the shipped catalogue, the legal-basis rule, versioning and retirement.
import { after, before, describe, test } from 'node:test';
import { installShippedMeasures } from './measures.seed.ts';
import assert from 'node:assert/strict';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { AppError } from '../../platform/errors.ts';
import { activateMeasure, activeMeasures, amendMeasure, createMeasure, listMeasures, measuresApplying, retireMeasure, type MeasureInput } from './measures.ts';
import { KNOWN_LIST_TYPES, SCENARIOS } from './scenarios.ts';

let t: TestDb;
const ctx = { actor: { userId: null, username: 'test' } };
before(async () => {
  t = await createTestDb();
  await installShippedMeasures(t.db);
});
after(() => t.close());

const entry = (listType: string) => ({ listType, color: KNOWN_LIST_TYPES[listType]!.color });

describe('shipped catalogue: which measures apply, by list type × scenario', () => {
  // [list type, scenario, codes of the measures that apply]
  const cases: Array<[string, string, string[]]> = [
    ['ZFCGSX', '政府采购', ['DF-ZFCG-01']],
    ['ZFCGSX', '招标投标', []],
    ['ZFCGSX', '行政审批', []],
    ['QXNMGGZ', '招标投标', ['QG2021-02']],
    ['QXNMGGZ', '政府采购', []],
    ['SPYPSX', '行政审批', ['QG2021-01']],
    ['AQSCSX', '行政审批', ['QG2021-01']],
    ['AQSCSX', '任职', []],
    ['SXBZXR', '政府采购', []],
    ['HGSX', '招标投标', []],
    ['ANSRX', '行政审批', ['JL2016-01']],
    ['ANSRX', '政府采购', ['JL2016-03']],
    ['CXDX', '评优评先', ['JL2016-04']],
    ['SHTZXY', '其他', ['JL2016-02']],
    ['HGGJRZ', '融资信贷', ['JL2016-03']],
    ['HGGJRZ', '任职', []],
  ];
  for (const [listType, scenario, codes] of cases) {
    test(`${KNOWN_LIST_TYPES[listType]!.name} × ${scenario} → ${codes.join(', ') || 'none'}`, async () => {
      const got = measuresApplying(await activeMeasures(t.db), [entry(listType)], scenario);
      assert.deepEqual(got.map((m) => m.code).sort(), codes);
      for (const m of got) {
        assert.ok(m.legalBasis, 'every measure answered carries its basis');
        assert.deepEqual(m.matchedListTypes, [listType]);
        assert.equal(m.kind, KNOWN_LIST_TYPES[listType]!.color === 'black' ? 'punishment' : 'incentive');
      }
    });
  }

  test('every shipped measure is active, has a basis and a source, and names only known list types and scenarios', async () => {
    const all = await listMeasures(t.db, { all: true });
    assert.ok(all.length >= 7);
    for (const m of all) {
      assert.equal(m.status, 'active');
      assert.ok(m.legalBasis && m.source, m.code);
      for (const l of m.listTypes) assert.ok(KNOWN_LIST_TYPES[l], `${m.code}: ${l}`);
      for (const s of m.scenarios) assert.ok((SCENARIOS as readonly string[]).includes(s), `${m.code}: ${s}`);
    }
  });

  test('a red-list entry never brings a punishment, a black-list entry never an incentive', async () => {
    const measures = await activeMeasures(t.db);
    for (const s of SCENARIOS) {
      assert.ok(measuresApplying(measures, [{ listType: 'ANSRX', color: 'red' }], s).every((m) => m.kind === 'incentive'));
      assert.ok(measuresApplying(measures, [{ listType: 'ZFCGSX', color: 'black' }], s).every((m) => m.kind === 'punishment'));
    }
  });
});

const input = (over: Partial<MeasureInput> = {}): MeasureInput => ({
  name: '限制申请财政性资金项目',
  class: 1,
  kind: 'punishment',
  listTypes: ['ZDSSWF'],
  scenarios: ['财政资金'],
  legalBasis: '《重大税收违法失信主体信息公布管理办法》',
  basisDocNo: '国家税务总局令第54号',
  implementingDept: '财政部门',
  edition: 'local',
  ...over,
});

test('a measure without a legal basis cannot be activated, neither on creation nor later', async () => {
  await assert.rejects(createMeasure(t.db, input({ legalBasis: '  ' }), null, ctx), (e: unknown) => e instanceof AppError && e.code === 'sanction_measure_no_basis' && e.status === 400);
  const draft = await createMeasure(t.db, input({ legalBasis: null, activate: false }), null, ctx);
  assert.equal(draft.status, 'draft');
  await assert.rejects(activateMeasure(t.db, draft.code, ctx), (e: unknown) => e instanceof AppError && e.code === 'sanction_measure_no_basis');
  assert.ok(!(await activeMeasures(t.db)).some((m) => m.code === draft.code));
});

test('an unknown scenario in a measure is refused with the valid ones listed', async () => {
  await assert.rejects(createMeasure(t.db, input({ scenarios: ['采购'] }), null, ctx), (e: unknown) => e instanceof AppError && e.code === 'sanction_scenario_unknown' && /政府采购/.test(e.message));
});

test('amending makes a new version and supersedes the old; a retired measure is never returned again', async () => {
  const m = await createMeasure(t.db, input(), null, ctx);
  const v2 = await amendMeasure(t.db, m.code, input({ scenarios: ['财政资金', '评优评先'] }), null, ctx);
  assert.equal(v2.version, 2);
  const active = (await activeMeasures(t.db)).filter((x) => x.code === m.code);
  assert.deepEqual(active.map((x) => x.version), [2]);
  assert.equal(measuresApplying(await activeMeasures(t.db), [{ listType: 'ZDSSWF', color: 'black' }], '评优评先').length, 1);
  await retireMeasure(t.db, m.code, ctx);
  assert.equal(measuresApplying(await activeMeasures(t.db), [{ listType: 'ZDSSWF', color: 'black' }], '财政资金').length, 0);
  assert.ok(!(await listMeasures(t.db)).some((x) => x.code === m.code));
  assert.deepEqual((await listMeasures(t.db, { all: true })).filter((x) => x.code === m.code).map((x) => x.status).sort(), ['retired', 'superseded']);
  await assert.rejects(amendMeasure(t.db, m.code, input(), null, ctx), (e: unknown) => e instanceof AppError && e.code === 'sanction_measure_not_found');
  const audits = await t.db.selectFrom('audit_log').select('action').where('action', 'like', 'sanctions.measure.%').execute();
  assert.ok(audits.some((a) => a.action === 'sanctions.measure.retire'));
});
