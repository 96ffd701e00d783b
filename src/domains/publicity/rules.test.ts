import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDay } from './dates.ts';
import { PublicityError } from './errors.ts';
import { DEFAULT_RULE_SETS, ruleSetInForce, validateRuleSet, validateRuleSets } from './rules.ts';
import { DEFAULT_SETTINGS, resolveSettings } from './settings.ts';

test('the shipped regimes are 2019, 2023 and 2026 with the periods of docs/domain/03-publicity.md §3', () => {
  assert.deepEqual(
    DEFAULT_RULE_SETS.map((r) => [r.id, r.effectiveFrom, r.appliesToExisting]),
    [
      ['2019', '2019-07-01', 'no'],
      ['2023', '2023-05-01', 'no'],
      ['2026', '2026-04-01', 'no'],
    ],
  );
  const [r2019, r2023, r2026] = DEFAULT_RULE_SETS;
  const period = (r: (typeof DEFAULT_RULE_SETS)[number], s: '轻微' | '一般' | '严重') => [r.classes[s].publish, r.classes[s].minMonths, r.classes[s].maxMonths];
  assert.deepEqual(period(r2019, '一般'), [true, 3, 12]);
  assert.deepEqual(period(r2019, '严重'), [true, 6, 36]);
  assert.equal(r2019.classes.轻微.reportAs, '一般');
  assert.equal(r2019.specificSerious?.months, 36);
  for (const s of ['轻微', '一般', '严重'] as const) assert.deepEqual(period(r2023, s), [true, 3, 36]);
  assert.deepEqual(r2023.sectorMinimums[0].sectors, ['食品药品', '食品', '药品', '特种设备', '安全生产', '消防']);
  assert.equal(r2023.sectorMinimums[0].minMonths, 12);
  assert.deepEqual(period(r2026, '轻微'), [false, 0, 3]);
  assert.deepEqual(period(r2026, '一般'), [true, 3, 12]);
  assert.deepEqual(period(r2026, '严重'), [true, 12, 36]);
});

test('ruleSetInForce picks the regime of the day, none before the first', () => {
  const id = (d: string) => ruleSetInForce(DEFAULT_RULE_SETS, parseDay(d))?.id ?? null;
  assert.equal(id('2019-06-30'), null);
  assert.equal(id('2019-07-01'), '2019');
  assert.equal(id('2023-04-30'), '2019');
  assert.equal(id('2023-05-01'), '2023');
  assert.equal(id('2026-03-31'), '2023');
  assert.equal(id('2026-04-01'), '2026');
  assert.equal(id('2031-01-01'), '2026');
});

test('validateRuleSets reports shape, period order, patterns and duplicates', () => {
  const good = structuredClone(DEFAULT_RULE_SETS[2]);
  assert.equal(validateRuleSet(good).id, '2026');
  const fail = (v: unknown, code = 'invalid_rule_set') =>
    assert.throws(
      () => (Array.isArray(v) ? validateRuleSets(v) : validateRuleSet(v)),
      (e: unknown) => e instanceof PublicityError && e.code === code && e.issues.length > 0,
    );
  fail({ ...good, effectiveFrom: '2026/04/01' });
  fail({ ...good, effectiveFrom: '2026-02-30' });
  fail({ ...good, classes: { ...good.classes, 一般: { publish: true, minMonths: 13, maxMonths: 12 } } });
  fail({ ...good, appliesToExisting: 'sometimes' });
  const bad = structuredClone(DEFAULT_RULE_SETS[0]);
  bad.specificSerious!.conducts.push({ label: '坏', patterns: ['(未闭合'] });
  fail(bad);
  fail([good, { ...good, effectiveFrom: '2027-01-01' }]);
  fail([good, { ...good, id: 'x' }]);
  fail([]);
  // Given out of order, they come back oldest first.
  assert.deepEqual(validateRuleSets([DEFAULT_RULE_SETS[2], DEFAULT_RULE_SETS[0]]).map((r) => r.id), ['2019', '2026']);
});

test('resolveSettings merges a patch over the defaults and rejects contradictions', () => {
  const s = resolveSettings({ seriousFineAbove: 50, permit: { maxMonths: 60 }, categorySeverity: { '07': '严重' } });
  assert.equal(s.seriousFineAbove, 50);
  assert.deepEqual(s.permit, { publish: true, untilValidityEnd: true, maxMonths: 60 });
  assert.equal(s.categorySeverity['07'], '严重');
  assert.equal(s.categorySeverity['01'], '轻微', 'other mappings kept');
  assert.equal(DEFAULT_SETTINGS.seriousFineAbove, 100, 'defaults untouched');
  assert.throws(() => {
    (DEFAULT_SETTINGS.permit as { publish: boolean }).publish = false;
  }, TypeError);
  assert.ok(Object.isFrozen(DEFAULT_RULE_SETS[0].classes.一般));
  const fail = (p: Parameters<typeof resolveSettings>[0]) =>
    assert.throws(() => resolveSettings(p), (e: unknown) => e instanceof PublicityError && e.code === 'invalid_settings');
  fail({ seriousFineAbove: -1 });
  fail({ minorFineAtMost: 200 });
  fail({ periodOverrides: [{ basis: '某法', minMonths: 6, maxMonths: 3 }] });
  fail({ departmentEndDate: 'always' as never });
  fail({ categorySeverity: { '01': '很轻' as never } });
});
