// Import of official monthly monitoring scores (城市信用监测得分) for the city and its peers, from
// CSV or XLSX with columns month,city,indicator,score (docs/domain/05-monitoring.md §5.2 "store the official monthly score").
// The whole file is validated first and every bad row is reported; nothing is returned half-valid.
import { csvErrorMessage, parseCsvRecords, type CsvRecord } from './csvread.ts';
import { extname } from 'node:path';
import { MonitoringError, importError, type RowIssue } from './errors.ts';
import { TREE_IDS, childrenOf, depthFirst, getTree, isMaxKnown, resolveIndicator, type IndicatorNode, type IndicatorTree } from './trees.ts';
import { fmt, monthRange, normaliseMonth, round } from './util.ts';
import { readFirstSheet, type SheetRow } from './xlsx.ts';

/** One data row as read from the file, before validation. */
export interface RawScoreRow {
  row: number;
  month: string;
  city: string;
  indicator: string;
  score: string;
}

/** Validated scores: month → city → indicator code → points; parents are derived from children when absent. */
export interface ScoreTable {
  tree: IndicatorTree;
  months: string[];
  cities: string[];
  values: Map<string, Map<string, Map<string, number>>>;
  /** codes that came from a file row (not derived), per month and city */
  given: Map<string, Map<string, Set<string>>>;
}

export interface ParseScoresOptions {
  /** A tree or a shipped tree id; when absent the tree whose indicators match the file is used. */
  tree?: IndicatorTree | string;
  /** Known city names; rows naming other cities are rejected. */
  cities?: string[];
}

const HEADERS: Record<keyof Omit<RawScoreRow, 'row'>, string[]> = {
  month: ['month', '月份'],
  city: ['city', '城市'],
  indicator: ['indicator', '指标', '指标名称', '指标代码'],
  score: ['score', '得分', '分数'],
};

/** The Chinese column headers of the scores template, in file order (English names are still accepted). */
export const SCORE_COLUMNS = { month: '月份', city: '城市', indicator: '指标', score: '得分' } as const;

function rowsToRaw(rows: SheetRow[]): RawScoreRow[] {
  if (!rows.length) throw new MonitoringError('invalid_scores', '成绩文件为空');
  const header = rows[0].cells.map((h) => h.replace(/^\ufeff/, '').trim().toLowerCase());
  const col: Record<string, number> = {};
  const missing: string[] = [];
  for (const [field, names] of Object.entries(HEADERS)) {
    const i = header.findIndex((h) => names.includes(h));
    if (i < 0) missing.push(field);
    col[field] = i;
  }
  if (missing.length) {
    const names = missing.map((m) => SCORE_COLUMNS[m as keyof typeof SCORE_COLUMNS]).join('、');
    throw new MonitoringError('invalid_scores', `第 ${rows[0].row} 行：表头缺少列 ${names}（应为 ${Object.values(SCORE_COLUMNS).join('、')}，可下载模板）`, [
      { row: rows[0].row, message: `表头缺少列 ${names}` },
    ]);
  }
  return rows.slice(1).map((r) => ({
    row: r.row,
    month: r.cells[col.month] ?? '',
    city: r.cells[col.city] ?? '',
    indicator: r.cells[col.indicator] ?? '',
    score: r.cells[col.score] ?? '',
  }));
}

/** Reads CSV or XLSX (chosen by file extension) into raw rows with their spreadsheet row numbers. */
export async function readScoreRows(input: Buffer | string, filename: string): Promise<RawScoreRow[]> {
  const ext = extname(filename).toLowerCase();
  if (ext === '.xlsx') {
    if (typeof input === 'string') throw new MonitoringError('unsupported_format', 'Excel 文件须以二进制读取');
    return rowsToRaw(await readFirstSheet(input));
  }
  if (ext !== '.csv' && ext !== '.txt') throw new MonitoringError('unsupported_format', `不支持的成绩文件格式「${ext || filename}」，请使用 .csv 或 .xlsx`);
  let records: CsvRecord[];
  try {
    records = parseCsvRecords(typeof input === 'string' ? input : input.toString('utf8'));
  } catch (err) {
    throw new MonitoringError('invalid_scores', `CSV 格式错误，${csvErrorMessage(err)}`);
  }
  return rowsToRaw(records.filter((r) => r.record.some((c) => c !== '')).map((r) => ({ row: r.info.lines, cells: r.record })));
}

/** Picks the shipped tree that knows every indicator in the file (or, failing that, the most). */
export function detectTree(raw: RawScoreRow[]): IndicatorTree {
  const refs = [...new Set(raw.map((r) => r.indicator).filter((s) => s !== ''))];
  let best: { tree: IndicatorTree; known: number } | undefined;
  for (const id of TREE_IDS) {
    const tree = getTree(id);
    const known = refs.filter((r) => resolveIndicator(tree, r)).length;
    if (!best || known > best.known) best = { tree, known };
  }
  return best!.tree;
}

const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
// A parent row must equal the sum of its children at two decimals, the precision of official scores.
const SUM_TOLERANCE = 0.005;

/** Validates raw rows against a tree and returns the score table, or throws with one issue per bad row. */
export function scoresFromRows(raw: RawScoreRow[], options: ParseScoresOptions = {}): ScoreTable {
  const tree = typeof options.tree === 'string' ? getTree(options.tree) : (options.tree ?? detectTree(raw));
  const knownCities = options.cities ? new Set(options.cities.map((c) => c.trim())) : null;
  const issues: RowIssue[] = [];
  const seen = new Map<string, number>();
  const valid: { row: number; month: string; city: string; node: IndicatorNode; score: number }[] = [];

  if (!raw.length) throw new MonitoringError('invalid_scores', '成绩文件没有数据行');
  for (const r of raw) {
    const problems: string[] = [];
    const rawMonth = r.month.normalize('NFKC').trim();
    const month = normaliseMonth(/^\d{4}-\d{2}-01$/.test(rawMonth) ? rawMonth.slice(0, 7) : rawMonth);
    if (!r.month) problems.push('月份为空');
    else if (!month) problems.push(`月份「${r.month}」格式错误，应为 YYYY-MM`);
    const city = r.city.trim();
    if (!city) problems.push('城市为空');
    else if (knownCities && !knownCities.has(city)) problems.push(`未知城市「${city}」（不在城市名单中）`);
    const node = r.indicator ? resolveIndicator(tree, r.indicator) : undefined;
    if (!r.indicator) problems.push('指标为空');
    else if (!node) problems.push(`未知指标「${r.indicator}」（指标体系「${tree.name}」中没有该代码或名称）`);
    const text = r.score.normalize('NFKC').trim();
    let score: number | null = null;
    if (!text) problems.push('得分为空');
    else if (!NUMBER_RE.test(text)) problems.push(`得分「${r.score}」不是数字`);
    else {
      score = Number(text);
      if (score < 0) problems.push(`得分 ${text} 不能为负数`);
      // Only a published maximum caps a score; an unknown one (gen-1 placeholders) would refuse real files.
      else if (node && isMaxKnown(node) && score > node.weight + 1e-9) problems.push(`指标「${node.name}」得分 ${text} 超过该指标满分 ${node.weight}`);
    }
    if (month && city && node) {
      const key = `${month}\t${city}\t${node.code}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push(`与第 ${first} 行重复（${month} ${city} ${node.name}）`);
      else seen.set(key, r.row);
    }
    if (problems.length) issues.push({ row: r.row, message: problems.join('；') });
    else valid.push({ row: r.row, month: month!, city, node: node!, score: score! });
  }
  if (issues.length) throw importError('invalid_scores', '成绩文件', issues);

  // Structure of the whole file: contiguous months, every city in every month, every indicator derivable.
  const months = [...new Set(valid.map((v) => v.month))].sort();
  const all = monthRange(months[0], months[months.length - 1]);
  for (const m of all) if (!months.includes(m)) issues.push({ row: null, message: `缺少月份 ${m} 的数据（文件中月份从 ${all[0]} 到 ${all[all.length - 1]}）` });
  const cities = [...new Set(valid.map((v) => v.city))];
  const values = new Map<string, Map<string, Map<string, number>>>();
  const given = new Map<string, Map<string, Set<string>>>();
  const rowOf = new Map<string, number>();
  for (const v of valid) {
    if (!values.has(v.month)) {
      values.set(v.month, new Map());
      given.set(v.month, new Map());
    }
    const byCity = values.get(v.month)!;
    if (!byCity.has(v.city)) {
      byCity.set(v.city, new Map());
      given.get(v.month)!.set(v.city, new Set());
    }
    byCity.get(v.city)!.set(v.node.code, v.score);
    given.get(v.month)!.get(v.city)!.add(v.node.code);
    rowOf.set(`${v.month}\t${v.city}\t${v.node.code}`, v.row);
  }
  const bottomUp = depthFirst(tree).reverse();
  for (const m of months) {
    for (const c of cities) {
      const scores = values.get(m)!.get(c);
      if (!scores) {
        issues.push({ row: null, message: `城市「${c}」缺少 ${m} 的数据` });
        continue;
      }
      for (const n of bottomUp) {
        const kids = childrenOf(tree, n.code);
        if (!kids.length) continue;
        const present = kids.filter((k) => scores.has(k.code));
        if (present.length !== kids.length) continue;
        const sum = present.reduce((a, k) => a + scores.get(k.code)!, 0);
        if (!scores.has(n.code)) scores.set(n.code, sum);
        else if (Math.abs(scores.get(n.code)! - sum) >= SUM_TOLERANCE) {
          issues.push({
            row: rowOf.get(`${m}\t${c}\t${n.code}`) ?? null,
            message: `${m} ${c}「${n.name}」得分 ${fmt(scores.get(n.code)!)} 与其下级指标合计 ${fmt(round(sum, 4))} 不一致`,
          });
        }
      }
      for (const top of childrenOf(tree, null)) {
        if (scores.has(top.code)) continue;
        const lacking = childrenOf(tree, top.code).filter((k) => !scores.has(k.code)).map((k) => `「${k.name}」`);
        issues.push({
          row: null,
          message: lacking.length && lacking.length < childrenOf(tree, top.code).length
            ? `${m} ${c} 缺少指标「${top.name}」：既无该行，其下级指标也不全（缺少${lacking.join('')}）`
            : `${m} ${c} 缺少指标「${top.name}」`,
        });
      }
    }
  }
  if (issues.length) throw importError('invalid_scores', '成绩文件', issues);
  return { tree, months, cities, values, given };
}

/** Parses and validates a CSV/XLSX score file (format by filename extension). */
export async function parseScores(input: Buffer | string, filename: string, options: ParseScoresOptions = {}): Promise<ScoreTable> {
  return scoresFromRows(await readScoreRows(input, filename), options);
}

/** A city's score for an indicator in a month (undefined when neither given nor derivable). */
export function scoreOf(table: ScoreTable, month: string, city: string, code: string): number | undefined {
  return table.values.get(month)?.get(city)?.get(code);
}

/** The highest score of an indicator anywhere in the table (all months and cities): the maximum the data implies. */
export function highestScore(table: ScoreTable, code: string): number | undefined {
  let best: number | undefined;
  for (const byCity of table.values.values()) {
    for (const scores of byCity.values()) {
      const v = scores.get(code);
      if (v !== undefined && (best === undefined || v > best)) best = v;
    }
  }
  return best;
}
