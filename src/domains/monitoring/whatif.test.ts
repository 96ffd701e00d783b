import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compare } from './compare.ts';
import { MonitoringError } from './errors.ts';
import { parseScores } from './scores.ts';
import { getTree } from './trees.ts';
import { defaultEffectRules, planWhatIf, validateEffectRules, type EffectRule } from './whatif.ts';
import { SCORES_36 } from '../../../test/fixtures/monitoring/expectations.ts';

const table = await parseScores(readFileSync(SCORES_36), 'scores-36.csv');
const rules: EffectRule[] = [
  { id: 'inst', label: '新出台市级信用制度', unit: '项', mode: 'linear', defaultAmount: 20, effects: [{ indicator: '信用制度完善程度', perUnit: 0.1 }] },
  { id: 'sgs', label: '双公示信息报送量提高', unit: '倍', mode: 'log2', effects: [{ indicator: 'PF2', perUnit: 1 }] },
  { id: 'tiny', label: '微调', unit: '项', mode: 'linear', effects: [{ indicator: 'MK2', perUnit: 0.001 }] },
];

// The same scores under a gen-1 tree whose maximums are declared known (as a configured tree may do).
const known = { ...table, tree: { ...table.tree, nodes: table.tree.nodes.map((n) => ({ ...n, maxKnown: true })) } };

test('improvements change indicators, composite and rank; leaves are capped at a known maximum', () => {
  const base = compare(known, '西宁市');
  const plan = planWhatIf(known, '西宁市', [{ rule: 'inst' }, { rule: 'sgs', amount: 4 }], { rules });
  assert.equal(plan.before.rank, base.rank);
  const inst = plan.changes.find((c) => c.code === 'IN')!;
  assert.ok(Math.abs(inst.delta - 2) < 1e-9);
  const sgs = plan.changes.find((c) => c.code === 'PF2')!;
  assert.equal(sgs.after, 4, 'PF2 capped at its 4-point maximum');
  assert.equal(sgs.capped, true);
  assert.ok(Math.abs(plan.changes.find((c) => c.code === 'PF')!.delta - sgs.delta) < 1e-9, 'parent re-summed');
  assert.ok(Math.abs(plan.after.composite - (plan.before.composite + inst.delta + sgs.delta)) < 1e-6);
  assert.ok(plan.after.rank < plan.before.rank);
  assert.match(plan.summary, /2017年12月综合指数/);
});

test('an unknown maximum (shipped gen-1) never caps: the placeholder weight is not a limit', () => {
  const plan = planWhatIf(table, '西宁市', [{ rule: 'sgs', amount: 4 }], { rules });
  const sgs = plan.changes.find((c) => c.code === 'PF2')!;
  assert.ok(Math.abs(sgs.after - (sgs.before + 2)) < 1e-9, `PF2 rises by 2 past the placeholder 4 (after ${sgs.after})`);
  assert.ok(sgs.after > 4);
  assert.equal(sgs.capped, false);
});

test('the best single improvement gains the most rank per point of change', () => {
  const plan = planWhatIf(table, '西宁市', [{ rule: 'inst' }, { rule: 'sgs', amount: 2 }, { rule: 'tiny', amount: 1 }], { rules });
  const gaining = plan.singles.filter((s) => s.ranksGained > 0);
  assert.ok(gaining.length >= 1);
  const bestRatio = Math.max(...gaining.map((s) => s.ranksPerPoint!));
  assert.equal(plan.best!.ranksPerPoint, bestRatio);
  assert.equal(plan.singles.find((s) => s.rule === 'tiny')!.ranksGained, 0);
  assert.ok(plan.pointsToNextRank! > 0);
});

test('no improvement chosen: the plan just restates the position', () => {
  const plan = planWhatIf(table, '西宁市', [], { rules });
  assert.equal(plan.after.composite, plan.before.composite);
  assert.equal(plan.best, null);
  assert.deepEqual(plan.changes, []);
});

test('bad rules and improvements are rejected', () => {
  assert.throws(() => planWhatIf(table, '西宁市', [{ rule: 'nope' }], { rules }), (e: unknown) => e instanceof MonitoringError && e.code === 'invalid_improvement' && /nope/.test(e.message));
  assert.throws(() => planWhatIf(table, '西宁市', [{ rule: 'sgs' }], { rules }), /数量必须为正数/);
  assert.throws(() => validateEffectRules([{ ...rules[0], effects: [{ indicator: '不存在', perUnit: 1 }] }], table.tree), /未知指标「不存在」/);
  assert.throws(() => validateEffectRules([rules[0], rules[0]], table.tree), /重复/);
});

test('the shipped effect rules are valid for both trees', () => {
  for (const id of ['gen1', '2020']) {
    const r = defaultEffectRules(getTree(id));
    assert.ok(r.length >= 5);
    assert.ok(r.some((x) => x.id === 'publish_institutions') && r.some((x) => x.id === 'shuanggongshi_volume'));
  }
  const plan = planWhatIf(table, '西宁市', [{ rule: 'publish_institutions' }, { rule: 'shuanggongshi_volume', amount: 3 }]);
  assert.ok(plan.after.composite > plan.before.composite);
});

test('levers for what the city publishes: events published and institutions published online, with [M] coefficients from the rules', () => {
  const rules = defaultEffectRules(getTree('gen1'));
  const events = rules.find((r) => r.id === 'publish_events')!;
  const online = rules.find((r) => r.id === 'publish_institutions_online')!;
  assert.deepEqual(events.effects.map((e) => e.indicator), ['EV']);
  assert.deepEqual(online.effects.map((e) => e.indicator).sort(), ['IN', 'TR']);
  const plan = planWhatIf(table, '西宁市', [{ rule: 'publish_events', amount: 40 }, { rule: 'publish_institutions_online', amount: 10 }]);
  const delta = (code: string) => plan.changes.find((c) => c.code === code)!.delta;
  assert.ok(Math.abs(delta('EV') - 40 * events.effects[0].perUnit) < 1e-9);
  assert.ok(Math.abs(delta('TR') - 10 * online.effects.find((e) => e.indicator === 'TR')!.perUnit) < 1e-9);
  // The coefficients are configuration: a city's own rules replace them.
  const own = planWhatIf(table, '西宁市', [{ rule: 'publish_events', amount: 40 }], { rules: [{ ...events, effects: [{ indicator: 'EV', perUnit: 0.1 }] }] });
  assert.ok(Math.abs(own.changes.find((c) => c.code === 'EV')!.delta - 4) < 1e-9);
  assert.ok(defaultEffectRules(getTree('2020')).some((r) => r.id === 'publish_institutions_online'));
});
