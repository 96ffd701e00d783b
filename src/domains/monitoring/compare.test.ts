import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cityTrend, compare, rankList, relationOf } from './compare.ts';
import { MonitoringError } from './errors.ts';
import { parseScores } from './scores.ts';
import { SCORES_36, SCORES_36_2020, expectedComparison } from '../../../test/fixtures/monitoring/expectations.ts';

const sorted = (xs: string[]) => [...xs].sort();

for (const [file, treeFile, label] of [
  [SCORES_36, 'gen1.json', 'gen1'],
  [SCORES_36_2020, 'y2020.json', '2020'],
] as const) {
  test(`${label}: compare names exactly the indicators the raw file puts below, equal and above`, async () => {
    const table = await parseScores(readFileSync(file), file.pathname);
    const want = expectedComparison(file, treeFile, '西宁市');
    // The fixture must exercise all three relations, or this test proves little.
    assert.ok(want.below.length && want.equal.length && want.above.length);
    const got = compare(table, '西宁市');
    assert.equal(got.month, want.month);
    assert.equal(got.of, 36);
    assert.equal(got.rank, want.rank);
    assert.ok(got.rank > 28, '西宁市 sits near the bottom, as in docs/domain/10-city.md §10');
    assert.ok(Math.abs(got.composite - want.composite) < 1e-4);
    assert.ok(Math.abs(got.average - want.average) < 1e-4);
    for (const r of ['below', 'equal', 'above'] as const) {
      assert.deepEqual(sorted(got.indicators.filter((i) => i.relation === r).map((i) => i.name)), sorted(want[r]), r);
    }
    for (const i of got.indicators) {
      const w = want.byCode.get(i.code)!;
      assert.equal(i.score, w.score);
      assert.ok(Math.abs(i.average - w.average) < 1e-4);
      assert.ok(Math.abs(i.gap - (w.score - w.average)) < 1e-4);
    }
  });
}

test('an earlier month can be chosen and is checked independently', async () => {
  const table = await parseScores(readFileSync(SCORES_36), 'scores-36.csv');
  const want = expectedComparison(SCORES_36, 'gen1.json', '西宁市', '2017-09');
  const got = compare(table, '西宁市', { month: '2017-09' });
  assert.equal(got.rank, want.rank);
  assert.deepEqual(sorted(got.indicators.filter((i) => i.relation === 'below').map((i) => i.name)), sorted(want.below));
});

test('relation band: |difference| < 0.05 is equal, float noise ignored', () => {
  assert.equal(relationOf(3.46, 3.5), 'equal');
  // Exactly 0.05 is not "< 0.05"; in raw floats 3.45 − 3.5 is −0.0499999…, which rounding corrects.
  assert.equal(relationOf(3.45, 3.5), 'below');
  assert.equal(relationOf(3.44, 3.5), 'below');
  assert.equal(relationOf(3.55, 3.5), 'above');
  assert.equal(relationOf(0.1 + 0.2, 0.3), 'equal');
  assert.equal(relationOf(10.0499, 10), 'equal');
});

test('ties share a rank', () => {
  assert.deepEqual(
    rankList([{ composite: 80 }, { composite: 90 }, { composite: 80.0000000001 }, { composite: 70 }]).map((r) => r.rank),
    [1, 2, 2, 4],
  );
});

test('unknown city and month are clear errors', async () => {
  const table = await parseScores(readFileSync(SCORES_36), 'scores-36.csv');
  assert.throws(() => compare(table, '西宁'), (e: unknown) => e instanceof MonitoringError && e.code === 'unknown_city' && /是否指「西宁市」/.test(e.message));
  assert.throws(() => compare(table, '西宁市', { month: '2018-01' }), (e: unknown) => e instanceof MonitoringError && e.code === 'no_data');
});

test('trend covers every month with rank and composite', async () => {
  const table = await parseScores(readFileSync(SCORES_36), 'scores-36.csv');
  const trend = cityTrend(table, '西宁市');
  assert.deepEqual(trend.map((t) => t.month), table.months);
  for (const t of trend) assert.equal(t.rank, expectedComparison(SCORES_36, 'gen1.json', '西宁市', t.month).rank);
});

test('local estimates appear beside the indicators they inform', async () => {
  const table = await parseScores(readFileSync(SCORES_36_2020), 'scores-36-2020.csv');
  const got = compare(table, '西宁市', {
    estimates: { shuanggongshiPer10kEnterprises: 123.45, onTimeShare: 0.873, codeConversion: { converted: 9820, total: 10000 }, repairAverageDays: 4.5 },
  });
  const a2 = got.indicators.find((i) => i.code === 'A2')!;
  assert.deepEqual(a2.estimates!.map((e) => `${e.label}：${e.text}`), ['双公示信息量（条/万户企业）：123.5', '7个工作日内上报占比：87.3%']);
  assert.equal(got.indicators.find((i) => i.code === 'A4')!.estimates![0].text, '98.2%（9,820/10,000）');
  assert.equal(got.indicators.find((i) => i.code === 'D1')!.estimates![0].text, '4.5 个工作日');
  assert.equal(got.indicators.find((i) => i.code === 'B1')!.estimates, undefined);
});
