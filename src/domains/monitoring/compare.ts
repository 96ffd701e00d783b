// Comparison of a city with its peers on the official scores (docs/domain/10-city.md §10: the report "compares
// each sub-score with the 36-city average, and names what is below, equal to or above it"):
// composite, rank, peer averages, relation and gap per indicator, and trends over months.
import { MonitoringError } from './errors.ts';
import { estimatesByIndicator, type EstimateView, type LocalEstimates } from './estimates.ts';
import { highestScore, scoreOf, type ScoreTable } from './scores.ts';
import { childrenOf, depthFirst, isMaxKnown } from './trees.ts';
import { round } from './util.ts';

export type Relation = 'below' | 'equal' | 'above';

/** A difference smaller than this (in points) counts as equal to the average. */
export const EQUAL_BAND = 0.05;

export const RELATION_LABELS: Record<Relation, string> = { below: '低于平均', equal: '与平均持平', above: '高于平均' };

/** below / equal / above: |score − average| < 0.05 is equal (differences rounded at 1e-9 to absorb float noise). */
export function relationOf(score: number, average: number): Relation {
  const d = round(score - average, 9);
  if (Math.abs(d) < EQUAL_BAND) return 'equal';
  return d < 0 ? 'below' : 'above';
}

export interface IndicatorComparison {
  code: string;
  name: string;
  /** parent indicator code, null for first-level indicators */
  parent: string | null;
  score: number;
  average: number;
  relation: Relation;
  /** score − average (negative when below) */
  gap: number;
  /** the indicator's maximum points; when `maxKnown` is false, the highest score seen in the file */
  max: number;
  /** false when the tree does not know the maximum, so `max` is implied by the data */
  maxKnown: boolean;
  /** local estimates beside the official score, when the caller supplied them */
  estimates?: EstimateView[];
}

export interface CompareResult {
  city: string;
  month: string;
  rank: number;
  of: number;
  composite: number;
  average: number;
  indicators: IndicatorComparison[];
}

export interface CompareOptions {
  /** YYYY-MM; default: the latest month in the table */
  month?: string;
  estimates?: LocalEstimates;
}

// Averages and gaps keep four decimals so the relation can be re-checked from the output.
const out4 = (x: number) => round(x, 4);

/** Composite index of a city in a month: the sum of its first-level indicator scores. */
export function compositeOf(table: ScoreTable, month: string, city: string): number {
  return childrenOf(table.tree, null).reduce((a, n) => a + (scoreOf(table, month, city, n.code) ?? 0), 0);
}

/** All cities of a month ranked by composite (ties share a rank: 1, 2, 2, 4). */
export function ranking(table: ScoreTable, month: string): { city: string; composite: number; rank: number }[] {
  const byCity = table.values.get(month);
  if (!byCity) return [];
  const list = [...byCity.keys()].map((city) => ({ city, composite: compositeOf(table, month, city) }));
  return rankList(list);
}

/** Competition ranking of composites, comparing at 1e-9 so float noise does not split ties. */
export function rankList<T extends { composite: number }>(list: T[]): (T & { rank: number })[] {
  const sorted = [...list].sort((a, b) => b.composite - a.composite);
  return sorted.map((x) => ({ ...x, rank: 1 + sorted.filter((y) => round(y.composite - x.composite, 9) > 0).length }));
}

/** Error for a city absent from the file, suggesting names that contain it (e.g. 西宁 → 西宁市). */
export function unknownCity(table: ScoreTable, city: string): MonitoringError {
  const near = city.trim() ? table.cities.filter((c) => c.includes(city.trim()) || city.includes(c)) : [];
  return new MonitoringError(
    'unknown_city',
    `成绩文件中没有城市「${city}」（共有 ${table.cities.length} 个城市）${near.length ? `，是否指${near.map((c) => `「${c}」`).join('')}？` : ''}`,
  );
}

/** Compares a city with all cities of the month: rank, composite vs average, and each indicator. */
export function compare(table: ScoreTable, city: string, options: CompareOptions = {}): CompareResult {
  const month = options.month ?? table.months[table.months.length - 1];
  if (!table.cities.includes(city)) throw unknownCity(table, city);
  const byCity = table.values.get(month);
  if (!byCity) throw new MonitoringError('no_data', `成绩文件中没有 ${month} 的数据（已有月份：${table.months.join('、')}）`);
  if (!byCity.has(city)) throw new MonitoringError('no_data', `${month} 没有城市「${city}」的数据`);

  const ranks = ranking(table, month);
  const me = ranks.find((r) => r.city === city)!;
  const estimates = estimatesByIndicator(table.tree.id, options.estimates);
  const indicators: IndicatorComparison[] = [];
  for (const node of depthFirst(table.tree)) {
    const score = scoreOf(table, month, city, node.code);
    if (score === undefined) continue; // not reported for this city (children of a parent-only row)
    const peers = [...byCity.keys()].map((c) => scoreOf(table, month, c, node.code)).filter((s): s is number => s !== undefined);
    const average = peers.reduce((a, b) => a + b, 0) / peers.length;
    const row: IndicatorComparison = {
      code: node.code,
      name: node.name,
      parent: node.parent,
      score,
      average: out4(average),
      relation: relationOf(score, average),
      gap: out4(score - average),
      // An unknown maximum is shown as the highest score in the file, never as the placeholder weight.
      max: isMaxKnown(node) ? node.weight : out4(highestScore(table, node.code) ?? score),
      maxKnown: isMaxKnown(node),
    };
    if (estimates.has(node.code)) row.estimates = estimates.get(node.code);
    indicators.push(row);
  }
  return {
    city,
    month,
    rank: me.rank,
    of: ranks.length,
    composite: out4(me.composite),
    average: out4(ranks.reduce((a, r) => a + r.composite, 0) / ranks.length),
    indicators,
  };
}

export interface TrendPoint {
  month: string;
  composite: number;
  rank: number;
  of: number;
  average: number;
  indicators: { code: string; score: number; average: number; relation: Relation }[];
}

/** The city's composite, rank and indicator relations for every month of the table, oldest first. */
export function cityTrend(table: ScoreTable, city: string): TrendPoint[] {
  return table.months
    .filter((m) => table.values.get(m)?.has(city))
    .map((month) => {
      const c = compare(table, city, { month });
      return {
        month,
        composite: c.composite,
        rank: c.rank,
        of: c.of,
        average: c.average,
        indicators: c.indicators.map((i) => ({ code: i.code, score: i.score, average: i.average, relation: i.relation })),
      };
    });
}

/**
 * The compare JSON contract of `monitor compare --json` and `/api/monitoring/compare`:
 * { city, month, rank, of, composite, average, indicators: [{ code, name, parent, score, average, relation, gap, max, maxKnown, estimates? }] }.
 */
export function compareJson(c: CompareResult) {
  return {
    city: c.city,
    month: c.month,
    rank: c.rank,
    of: c.of,
    composite: c.composite,
    average: c.average,
    indicators: c.indicators.map(({ code, name, parent, score, average, relation, gap, max, maxKnown, estimates }) => ({
      code,
      name,
      parent,
      score,
      average,
      relation,
      gap,
      max,
      maxKnown,
      ...(estimates ? { estimates } : {}),
    })),
  };
}
