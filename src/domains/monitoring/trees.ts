// Indicator trees (指标体系) of the national city credit monitor as versioned data with
// configurable weights: Generation 1 (docs/domain/05-monitoring.md §5.1/docs/domain/10-city.md §10, weights unknown → placeholders) and the
// 2020 edition (docs/domain/05-monitoring.md §5.2, 20/21/43/16 points). A node's weight is its maximum points (分值);
// children's weights must add up to their parent's, and top-level weights to the tree total.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MonitoringError, type RowIssue } from './errors.ts';
import { round } from './util.ts';

/** Which optional report inputs can explain a gap in this indicator (see report.ts). */
export const EvidenceKindSchema = Type.Union([Type.Literal('events'), Type.Literal('institutions'), Type.Literal('departments')]);
export type EvidenceKind = Static<typeof EvidenceKindSchema>;

/** What the 通报 recommends when the indicator is below average (report.ts REMEDIES); each reads its own evidence. */
export const RemedySchema = Type.Union([
  Type.Literal('events'),
  Type.Literal('institutions'),
  Type.Literal('transparency'),
  Type.Literal('code_conversion'),
  Type.Literal('sharing'),
  Type.Literal('blacklist'),
  Type.Literal('blacklist_disclosure'),
  Type.Literal('awareness'),
]);
export type Remedy = Static<typeof RemedySchema>;

export const IndicatorNodeSchema = Type.Object({
  code: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  parent: Type.Union([Type.String(), Type.Null()]),
  weight: Type.Number(),
  /** false when the indicator's maximum is not public (gen-1, docs/domain/05-monitoring.md §5.1): `weight` is then only a [M] placeholder */
  maxKnown: Type.Optional(Type.Boolean()),
  evidence: Type.Optional(Type.Array(EvidenceKindSchema)),
  remedy: Type.Optional(RemedySchema),
});

export const IndicatorTreeSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  version: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  total: Type.Number({ exclusiveMinimum: 0 }),
  source: Type.Optional(Type.String()),
  nodes: Type.Array(IndicatorNodeSchema, { minItems: 1 }),
});

export type IndicatorNode = Static<typeof IndicatorNodeSchema>;
export type IndicatorTree = Static<typeof IndicatorTreeSchema>;

const TOLERANCE = 1e-6;
const num = (x: number) => String(round(x, 4));

/** Validates a tree; a tree whose weights do not add up is rejected with the actual sum in the message. */
export function validateTree(value: unknown): IndicatorTree {
  if (!Value.Check(IndicatorTreeSchema, value)) {
    const first = [...Value.Errors(IndicatorTreeSchema, value)][0];
    throw new MonitoringError('invalid_tree', `指标体系格式错误：${first?.path ?? ''} ${first?.message ?? ''}`.trim());
  }
  const tree = value;
  const structural: RowIssue[] = [];
  const byCode = new Map<string, IndicatorNode>();
  const names = new Set<string>();
  for (const n of tree.nodes) {
    if (byCode.has(n.code)) structural.push({ row: null, message: `指标代码「${n.code}」重复` });
    if (names.has(n.name)) structural.push({ row: null, message: `指标名称「${n.name}」重复` });
    if (!(Number.isFinite(n.weight) && n.weight > 0)) structural.push({ row: null, message: `指标「${n.name}」的权重必须为正数，实际为 ${n.weight}` });
    byCode.set(n.code, n);
    names.add(n.name);
  }
  for (const n of tree.nodes) {
    if (n.parent === null) continue;
    if (!byCode.has(n.parent)) {
      structural.push({ row: null, message: `指标「${n.name}」的上级指标「${n.parent}」不存在` });
      continue;
    }
    // Walk up the chain; more steps than nodes means a cycle.
    let p: string | null = n.parent;
    for (let steps = 0; p !== null; steps++) {
      if (steps > tree.nodes.length) {
        structural.push({ row: null, message: `指标「${n.name}」的上级关系存在循环` });
        break;
      }
      p = byCode.get(p)?.parent ?? null;
    }
  }
  if (structural.length) throw new MonitoringError('invalid_tree', `指标体系「${tree.name}」结构错误：${structural.map((i) => i.message).join('；')}`, structural);

  const sums: RowIssue[] = [];
  const top = tree.nodes.filter((n) => n.parent === null);
  const topSum = top.reduce((a, n) => a + n.weight, 0);
  if (Math.abs(topSum - tree.total) > TOLERANCE) {
    sums.push({ row: null, message: `一级指标权重合计 ${num(topSum)}，应为 ${num(tree.total)}` });
  }
  for (const parent of tree.nodes) {
    const kids = tree.nodes.filter((n) => n.parent === parent.code);
    if (!kids.length) continue;
    const s = kids.reduce((a, n) => a + n.weight, 0);
    if (Math.abs(s - parent.weight) > TOLERANCE) {
      sums.push({ row: null, message: `「${parent.name}」的下级指标权重合计 ${num(s)}，应为 ${num(parent.weight)}` });
    }
  }
  if (sums.length) {
    throw new MonitoringError('tree_weights_mismatch', `指标体系「${tree.name}」权重不合计：${sums.map((i) => i.message).join('；')}`, sums);
  }
  return tree;
}

/** Whether a node's weight is its real maximum (absent = known); unknown maximums never cap a score. */
export function isMaxKnown(node: IndicatorNode): boolean {
  return node.maxKnown !== false;
}

const cache = new Map<string, IndicatorTree>();
const FILES: Record<string, string> = { gen1: 'gen1.json', '2020': 'y2020.json' };

/** Identifiers of the shipped trees, as accepted by `--tree`. */
export const TREE_IDS = Object.keys(FILES);

/** A shipped tree by id ('gen1' or '2020'). */
export function getTree(id: string): IndicatorTree {
  const file = FILES[id];
  if (!file) throw new MonitoringError('invalid_tree', `未知指标体系「${id}」，可选：${TREE_IDS.join('、')}`);
  if (!cache.has(id)) cache.set(id, validateTree(JSON.parse(readFileSync(new URL(`./defaults/trees/${file}`, import.meta.url), 'utf8'))));
  return cache.get(id)!;
}

/** Generation-1 tree of docs/domain/10-city.md §10 (weights are configurable placeholders). */
export function gen1Tree(): IndicatorTree {
  return getTree('gen1');
}

/** 2020 tree of docs/domain/05-monitoring.md §5.2 with its published points. */
export function y2020Tree(): IndicatorTree {
  return getTree('2020');
}

/** Copy of a tree with some weights replaced (by code or name); validated, so bad sums are rejected. */
export function withWeights(tree: IndicatorTree, weights: Record<string, number>, total = tree.total): IndicatorTree {
  const copy: IndicatorTree = { ...tree, total, nodes: tree.nodes.map((n) => ({ ...n })) };
  for (const [ref, w] of Object.entries(weights)) {
    const node = resolveIndicator(copy, ref);
    if (!node) throw new MonitoringError('invalid_tree', `指标体系「${tree.name}」中没有指标「${ref}」`);
    node.weight = w;
  }
  return validateTree(copy);
}

const key = (s: string) => s.normalize('NFKC').trim().toLowerCase();

/** Finds an indicator by code (case-insensitive) or Chinese name. */
export function resolveIndicator<T extends IndicatorTree>(tree: T, ref: string): T['nodes'][number] | undefined {
  const k = key(ref);
  return tree.nodes.find((n) => key(n.code) === k) ?? tree.nodes.find((n) => key(n.name) === k);
}

/** Direct children of a node (or the top-level nodes for null), in tree order. */
export function childrenOf(tree: IndicatorTree, code: string | null): IndicatorNode[] {
  return tree.nodes.filter((n) => n.parent === code);
}

/** Nodes in display order: each parent followed by its descendants. */
export function depthFirst(tree: IndicatorTree): IndicatorNode[] {
  const out: IndicatorNode[] = [];
  const visit = (code: string | null) => {
    for (const n of childrenOf(tree, code)) {
      out.push(n);
      visit(n.code);
    }
  };
  visit(null);
  return out;
}
