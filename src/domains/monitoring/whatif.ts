// What-if planner (模拟推演): the user picks improvements, each mapped to indicator changes by
// configurable effect rules (defaults/effect-rules.json; coefficients are assumptions [M]); the planner
// shows the new composite and rank among unchanged peers, and which single improvement gains the
// most rank places per point of score change.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { compare, compositeOf, ranking } from './compare.ts';
import { MonitoringError } from './errors.ts';
import type { ScoreTable } from './scores.ts';
import { childrenOf, depthFirst, isMaxKnown, resolveIndicator, type IndicatorTree } from './trees.ts';
import { fmt, monthLabel, round } from './util.ts';

export const EffectRuleSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  label: Type.String({ minLength: 1 }),
  unit: Type.String(),
  // linear: delta = perUnit × amount; log2: delta = perUnit × log2(amount), for "raise 3×" style multipliers
  mode: Type.Union([Type.Literal('linear'), Type.Literal('log2')]),
  defaultAmount: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  effects: Type.Array(Type.Object({ indicator: Type.String({ minLength: 1 }), perUnit: Type.Number() }), { minItems: 1 }),
});
export type EffectRule = Static<typeof EffectRuleSchema>;

/** Checks rules against a tree and rewrites indicator names to codes. */
export function validateEffectRules(value: unknown, tree: IndicatorTree): EffectRule[] {
  const schema = Type.Array(EffectRuleSchema);
  if (!Value.Check(schema, value)) {
    const first = [...Value.Errors(schema, value)][0];
    throw new MonitoringError('invalid_effect_rules', `改进措施规则格式错误：${first?.path ?? ''} ${first?.message ?? ''}`.trim());
  }
  const ids = new Set<string>();
  return value.map((rule) => {
    if (ids.has(rule.id)) throw new MonitoringError('invalid_effect_rules', `改进措施「${rule.id}」重复`);
    ids.add(rule.id);
    return {
      ...rule,
      effects: rule.effects.map((e) => {
        const node = resolveIndicator(tree, e.indicator);
        if (!node) throw new MonitoringError('invalid_effect_rules', `改进措施「${rule.label}」引用了未知指标「${e.indicator}」`);
        return { indicator: node.code, perUnit: e.perUnit };
      }),
    };
  });
}

/** The shipped effect rules for a tree id. */
export function defaultEffectRules(tree: IndicatorTree): EffectRule[] {
  const data = JSON.parse(readFileSync(new URL('./defaults/effect-rules.json', import.meta.url), 'utf8')) as { trees: Record<string, unknown> };
  return validateEffectRules(data.trees[tree.id] ?? [], tree);
}

/** One chosen improvement; amount defaults to the rule's defaultAmount. */
export interface Improvement {
  rule: string;
  amount?: number;
}

export interface ScenarioOutcome {
  composite: number;
  rank: number;
  of: number;
}

export interface SingleImprovement {
  rule: string;
  label: string;
  amount: number;
  unit: string;
  compositeDelta: number;
  rankAfter: number;
  ranksGained: number;
  /** rank places gained per point of composite change; null when nothing changes */
  ranksPerPoint: number | null;
}

export interface WhatIfPlan {
  city: string;
  month: string;
  before: ScenarioOutcome;
  after: ScenarioOutcome;
  changes: { code: string; name: string; before: number; after: number; delta: number; capped: boolean }[];
  singles: SingleImprovement[];
  /** the single improvement that gains the most rank for the least change; null if none gains a place */
  best: SingleImprovement | null;
  /** points needed to pass the next city above (null when first) */
  pointsToNextRank: number | null;
  summary: string;
}

function amountOf(rule: EffectRule, imp: Improvement): number {
  const amount = imp.amount ?? rule.defaultAmount;
  if (amount === undefined || !Number.isFinite(amount) || amount <= 0) {
    throw new MonitoringError('invalid_improvement', `改进措施「${rule.label}」的数量必须为正数`);
  }
  return amount;
}

/** Applies improvements to one city's scores; leaves are capped at a known maximum, parents re-summed. */
function applyImprovements(tree: IndicatorTree, base: Map<string, number>, picks: { rule: EffectRule; amount: number }[]) {
  const scores = new Map(base);
  const capped = new Set<string>();
  // A placeholder weight (maximum unknown) must not pull a real score above it back down.
  const max = new Map(tree.nodes.map((n) => [n.code, isMaxKnown(n) ? n.weight : Infinity]));
  const parent = new Map(tree.nodes.map((n) => [n.code, n.parent]));
  for (const { rule, amount } of picks) {
    const factor = rule.mode === 'linear' ? amount : Math.log2(amount);
    for (const e of rule.effects) {
      // A peer file may give only the parent; then the effect lands on the nearest reported ancestor.
      let code: string | null = e.indicator;
      while (code !== null && !scores.has(code)) code = parent.get(code) ?? null;
      if (code === null) continue;
      const raw = scores.get(code)! + e.perUnit * factor;
      const clamped = Math.min(max.get(code)!, Math.max(0, raw));
      if (clamped !== raw) capped.add(code);
      scores.set(code, clamped);
      for (let p = parent.get(code) ?? null; p !== null; p = parent.get(p) ?? null) {
        const kids = childrenOf(tree, p);
        if (kids.every((k) => scores.has(k.code))) scores.set(p, kids.reduce((a, k) => a + scores.get(k.code)!, 0));
      }
    }
  }
  const composite = childrenOf(tree, null).reduce((a, n) => a + (scores.get(n.code) ?? 0), 0);
  return { scores, composite, capped };
}

function rankAmong(peers: number[], composite: number): number {
  return 1 + peers.filter((p) => round(p - composite, 9) > 0).length;
}

/** Plans the chosen improvements for a city: new composite and rank, per-indicator changes, best single step. */
export function planWhatIf(
  table: ScoreTable,
  city: string,
  improvements: Improvement[],
  options: { month?: string; rules?: EffectRule[] } = {},
): WhatIfPlan {
  const base = compare(table, city, { month: options.month });
  const month = base.month;
  const rules = options.rules ? validateEffectRules(options.rules, table.tree) : defaultEffectRules(table.tree);
  const picks = improvements.map((imp) => {
    const rule = rules.find((r) => r.id === imp.rule);
    if (!rule) throw new MonitoringError('invalid_improvement', `未知改进措施「${imp.rule}」，可选：${rules.map((r) => r.id).join('、')}`);
    return { rule, amount: amountOf(rule, imp) };
  });
  const own = table.values.get(month)!.get(city)!;
  const peers = ranking(table, month).filter((r) => r.city !== city).map((r) => r.composite);
  const of = peers.length + 1;
  const beforeComposite = compositeOf(table, month, city);

  const all = applyImprovements(table.tree, own, picks);
  const changes = depthFirst(table.tree)
    .filter((n) => own.has(n.code) && round(all.scores.get(n.code)! - own.get(n.code)!, 9) !== 0)
    .map((n) => ({
      code: n.code,
      name: n.name,
      before: round(own.get(n.code)!, 4),
      after: round(all.scores.get(n.code)!, 4),
      delta: round(all.scores.get(n.code)! - own.get(n.code)!, 4),
      capped: all.capped.has(n.code),
    }));

  const singles: SingleImprovement[] = picks.map(({ rule, amount }) => {
    const one = applyImprovements(table.tree, own, [{ rule, amount }]);
    const delta = one.composite - beforeComposite;
    const rankAfter = rankAmong(peers, one.composite);
    const gained = base.rank - rankAfter;
    return {
      rule: rule.id,
      label: rule.label,
      amount,
      unit: rule.unit,
      compositeDelta: round(delta, 4),
      rankAfter,
      ranksGained: gained,
      ranksPerPoint: round(delta, 9) > 0 ? round(gained / delta, 4) : null,
    };
  });
  const best =
    singles
      .filter((s) => s.ranksGained > 0 && s.ranksPerPoint !== null)
      .sort((a, b) => b.ranksPerPoint! - a.ranksPerPoint! || b.ranksGained - a.ranksGained || a.compositeDelta - b.compositeDelta)[0] ?? null;
  const above = peers.filter((p) => round(p - beforeComposite, 9) > 0);
  const pointsToNextRank = above.length ? round(Math.min(...above) - beforeComposite, 4) : null;

  const after: ScenarioOutcome = { composite: round(all.composite, 4), rank: rankAmong(peers, all.composite), of };
  const parts = [
    `${city}${monthLabel(month)}综合指数 ${fmt(beforeComposite)}，在 ${of} 个城市中排第 ${base.rank} 位`,
    pointsToNextRank === null ? '已居首位' : `距前一名差 ${fmt(pointsToNextRank)} 分`,
  ];
  if (picks.length) {
    parts.push(`实施所选 ${picks.length} 项措施后综合指数预计为 ${fmt(all.composite)}，排名第 ${after.rank} 位`);
    parts.push(
      best
        ? `单项措施中「${best.label}」（${best.amount}${best.unit}）以 ${fmt(best.compositeDelta)} 分的提升前进 ${best.ranksGained} 位，每分前进名次最多`
        : '单项措施均不足以提升名次',
    );
  }
  return {
    city,
    month,
    before: { composite: round(beforeComposite, 4), rank: base.rank, of },
    after,
    changes,
    singles,
    best,
    pointsToNextRank,
    summary: parts.join('；') + '。',
  };
}
