// The monitoring index over the database (城市信用监测指标): versioned indicator trees, imported official
// scores, comparison with local estimates, the what-if planner and the monthly trend. Local estimates
// read collection figures through the ingest and subjects domains' public functions, never their tables.
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { sha256 } from '../../platform/crypto.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { SessionUser } from '../auth/index.ts';
import { batchFigures, monthlyCollection, recordFigures } from '../ingest/index.ts';
import { registryFigures } from '../subjects/index.ts';
import { loadChecklist } from './checklist.service.ts';
import { publishedEventsOfMonth } from './events.service.ts';
import { creditServiceEstimates } from './feeds.service.ts';
import {
  ESTIMATE_DEFS,
  MonitoringError,
  TREE_IDS,
  compare,
  compareJson,
  defaultEffectRules,
  defaultTaxonomy,
  detectTree,
  getTree,
  isMaxKnown,
  planWhatIf,
  readScoreRows,
  scoresFromRows,
  summarizeChecklist,
  unknownCity,
  validateEffectRules,
  validateTree,
  withWeights,
  type Improvement,
  type IndicatorTree,
  type LocalEstimates,
  type ScoreTable,
  type WhatIfPlan,
} from './index.ts';
import * as repo from './monitoring.repository.ts';
import { badPeriod, checkMonth, monthInstants, nextMonth, periodBounds } from './period.ts';
import { uploadFormat, uploadText, type Upload } from './upload.ts';

// ================================================================ indicator trees

/** Stores the shipped trees as version 1 of each on first use. */
async function ensureTrees(db: DbOrTx): Promise<void> {
  const have = new Set(await repo.treeIds(db));
  for (const id of TREE_IDS) {
    if (!have.has(id)) await repo.insertTree(db, { id, version: 1, definition: getTree(id), active: true, note: '系统内置', createdBy: null });
  }
}

export interface StoredTree {
  tree: IndicatorTree;
  version: number;
}

function unknownTree(id: string): AppError {
  return notFound('tree_not_found', `未知指标体系「${id}」，可选：${TREE_IDS.join('、')}`);
}

/** The active version of a tree. */
export async function activeTree(db: DbOrTx, id: string): Promise<StoredTree> {
  await ensureTrees(db);
  const row = await repo.activeTreeRow(db, id);
  if (!row) throw unknownTree(id);
  return { tree: validateTree(row.definition), version: row.version };
}

function treeDto(t: StoredTree, versions: repo.TreeRow[]) {
  return {
    id: t.tree.id,
    version: t.version,
    name: t.tree.name,
    total: t.tree.total,
    source: t.tree.source ?? null,
    nodes: t.tree.nodes.map((n) => ({ code: n.code, name: n.name, parent: n.parent, weight: n.weight, maxKnown: isMaxKnown(n) })),
    versions: versions.map((v) => ({ version: v.version, active: v.active, note: v.note, createdAt: new Date(v.created_at).toISOString() })),
  };
}

/** Active trees with their version history. */
export async function listTrees(db: DbOrTx) {
  await ensureTrees(db);
  const rows = await repo.listTreeVersions(db);
  return rows
    .filter((r) => r.active)
    .map((r) => treeDto({ tree: validateTree(r.definition), version: r.version }, rows.filter((v) => v.id === r.id)));
}

/** Custom weights become a new active version; weights that do not add up are rejected with the sum. */
export async function setTreeWeights(
  db: Db,
  user: SessionUser,
  id: string,
  body: { weights: Record<string, number>; total?: number; note?: string },
  ctx: AuditContext,
) {
  await ensureTrees(db);
  return db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.trees);
    const current = await repo.activeTreeRow(trx, id);
    if (!current) throw unknownTree(id);
    const tree = withWeights(validateTree(current.definition), body.weights, body.total);
    const version = (await repo.maxTreeVersion(trx, id)) + 1;
    await repo.deactivateTree(trx, id);
    await repo.insertTree(trx, { id, version, definition: tree, active: true, note: body.note ?? null, createdBy: user.id });
    await audit(trx, ctx, {
      action: 'monitoring.trees.weights',
      target: `indicator_tree:${id}`,
      detail: { fromVersion: current.version, toVersion: version, weights: body.weights, total: tree.total, note: body.note ?? null },
    });
    return treeDto({ tree, version }, await repo.listTreeVersions(trx).then((rows) => rows.filter((r) => r.id === id)));
  });
}

// ================================================================ official scores

/**
 * Imports an official score file (CSV or XLSX). The core validates it whole against the active
 * tree (detected from the indicators unless given); then, in one transaction, each (month, city)
 * in the file replaces what was stored for it — a city-month is validated as a whole, so it is
 * replaced as a whole and a parent can never disagree with children from another file.
 */
export async function importScores(db: Db, user: SessionUser, up: Upload, treeId: string | undefined, ctx: AuditContext) {
  const format = await uploadFormat(up);
  const input = format === 'xlsx' ? up.buffer : await uploadText(up.buffer);
  const raw = await readScoreRows(input, `scores.${format}`);
  const { tree, version } = await activeTree(db, treeId ?? detectTree(raw).id);
  const table = scoresFromRows(raw, { tree });
  return db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.scores);
    const importId = await repo.insertScoreImport(trx, {
      fileName: up.filename,
      sha256: sha256(up.buffer),
      treeId: tree.id,
      treeVersion: version,
      months: table.months,
      cities: table.cities.length,
      rows: raw.length,
      createdBy: user.id,
    });
    const slices = table.months.flatMap((month) => [...table.values.get(month)!.keys()].map((city) => ({ month, city })));
    const replaced = await repo.deleteScoreSlices(trx, tree.id, slices);
    const rows = slices.flatMap(({ month, city }) =>
      [...table.values.get(month)!.get(city)!].map(([code, score]) => ({
        tree_id: tree.id,
        month,
        city,
        indicator_code: code,
        score,
        derived: !table.given.get(month)!.get(city)!.has(code),
        import_id: importId,
      })),
    );
    await repo.insertScores(trx, rows);
    await repo.setImportReplaced(trx, importId, replaced);
    const result = { importId, tree: { id: tree.id, version, name: tree.name }, months: table.months, cities: table.cities.length, rows: raw.length, stored: rows.length, replaced };
    await audit(trx, ctx, { action: 'monitoring.scores.import', target: `score_import:${importId}`, detail: { fileName: up.filename, sha256: sha256(up.buffer), ...result, tree: `${tree.id} v${version}` } });
    return result;
  });
}

/** The stored scores of a tree as the core's score table (against the tree's active version). */
export async function loadScoreTable(db: DbOrTx, treeId: string): Promise<ScoreTable & { version: number }> {
  const { tree, version } = await activeTree(db, treeId);
  const values: ScoreTable['values'] = new Map();
  const given: ScoreTable['given'] = new Map();
  const cities = new Set<string>();
  for (const r of await repo.scoresOfTree(db, treeId)) {
    if (!values.has(r.month)) {
      values.set(r.month, new Map());
      given.set(r.month, new Map());
    }
    const byCity = values.get(r.month)!;
    if (!byCity.has(r.city)) {
      byCity.set(r.city, new Map());
      given.get(r.month)!.set(r.city, new Set());
    }
    byCity.get(r.city)!.set(r.indicator_code, r.score);
    if (!r.derived) given.get(r.month)!.get(r.city)!.add(r.indicator_code);
    cities.add(r.city);
  }
  return { tree, version, months: [...values.keys()].sort(), cities: [...cities].sort((a, b) => a.localeCompare(b, 'zh')), values, given };
}

/** Which scores a comparison, what-if or briefing reads: city (default: ours), month and tree. */
export interface ScoreQuery {
  city?: string;
  month?: string;
  tree?: string;
}

/** The tree to use: the one asked for, else the one with the city's latest scores, else the latest of any city. */
export async function treeFor(db: DbOrTx, city: string, tree: string | undefined): Promise<string | undefined> {
  return tree ?? (await repo.latestScoreTree(db, city))?.treeId ?? (await repo.latestScoreTree(db))?.treeId;
}

async function scoreTableFor(db: DbOrTx, config: Config, q: ScoreQuery) {
  const city = q.city?.trim() || config.cityName;
  const treeId = await treeFor(db, city, q.tree);
  if (!treeId) throw new MonitoringError('no_data', '尚未导入城市信用监测得分');
  const table = await loadScoreTable(db, treeId);
  if (!table.months.length) throw new MonitoringError('no_data', `指标体系「${table.tree.name}」尚未导入监测得分`);
  return { city, table, month: q.month ? checkMonth(q.month) : undefined };
}

/**
 * Figures the database can supply for the month: events by domain, institution counts, collection (归集) figures,
 * and those of the list register, joint punishment, repair, objections and commitments (feeds.service.ts).
 */
export async function localEstimates(db: Db, month: string): Promise<LocalEstimates> {
  const period = periodBounds(month, month);
  const counts = await repo.eventCountsByDomain(db, period);
  const out: LocalEstimates = {};
  const f = { ...(await batchFigures(db, period.from!, period.before!)), ...(await recordFigures(db, period.from!, period.before!)), ...(await registryFigures(db)) };
  // Each estimate only where there is something to divide by, never a made-up zero.
  if (f.total > 0) out.rejectionRate = f.rejected / f.total;
  if (f.sgs_accepted > 0) out.onTimeShare = 1 - f.sgs_late / f.sgs_accepted; // 7 working days, docs/domain/01-sgs.md §1.1
  if (f.enterprises > 0 && f.sgs > 0) out.shuanggongshiPer10kEnterprises = (f.sgs / f.enterprises) * 10_000;
  if (f.organisations > 0) out.codeConversion = { converted: f.with_uscc, total: f.organisations };
  if (counts.length) {
    out.eventCounts = defaultTaxonomy().domains.map((d) => {
      const c = counts.find((x) => x.domain === d.name);
      return { domain: d.name, good: c?.good ?? 0, bad: c?.bad ?? 0 };
    });
  }
  const s = summarizeChecklist(await loadChecklist(db));
  out.institutionCounts = { national: s.national, municipal: s.municipal, blank: s.blank };
  out.institutionsOnline = { online: s.online, issued: s.national + s.municipal };
  out.eventsPublished = await publishedEventsOfMonth(db, month);
  // 黑名单公开 now counts the register's published entries (issue 14 §7), not the 黑名单 catalogue records.
  Object.assign(out, await creditServiceEstimates(db, month, f.sgs));
  return out;
}

/** Every estimate key, null where the database has nothing for it. */
function estimatesObject(e: LocalEstimates): { [K in keyof LocalEstimates]-?: NonNullable<LocalEstimates[K]> | null } {
  return Object.fromEntries(Object.keys(ESTIMATE_DEFS).map((k) => [k, e[k as keyof LocalEstimates] ?? null])) as {
    [K in keyof LocalEstimates]-?: NonNullable<LocalEstimates[K]> | null;
  };
}

/** The CLI's `monitor compare --json` contract from stored scores, plus local estimates. */
export async function compareFor(db: Db, config: Config, q: ScoreQuery) {
  const { city, table, month } = await scoreTableFor(db, config, q);
  const m = month ?? table.months[table.months.length - 1];
  const estimates = await localEstimates(db, m);
  const c = compare(table, city, { month: m, estimates });
  return {
    ...compareJson(c),
    tree: { id: table.tree.id, version: table.version, name: table.tree.name },
    estimates: estimatesObject(estimates),
  };
}

/** Stored effect rules of a tree, seeded from the shipped defaults on first use. */
export async function effectRulesFor(db: DbOrTx, tree: IndicatorTree) {
  let stored = await repo.getEffectRules(db, tree.id);
  if (stored === undefined) {
    await repo.insertEffectRulesIfAbsent(db, tree.id, defaultEffectRules(tree));
    stored = await repo.getEffectRules(db, tree.id);
  }
  return validateEffectRules(stored, tree);
}

/** What-if plan on stored scores with the stored effect rules. */
export async function whatIf(db: Db, config: Config, body: ScoreQuery & { improvements: Improvement[] }): Promise<WhatIfPlan> {
  const { city, table, month } = await scoreTableFor(db, config, body);
  const rules = await effectRulesFor(db, table.tree);
  return planWhatIf(table, city, body.improvements, { month, rules });
}

/** The effect rules a what-if may use for a tree. */
export async function listEffectRules(db: DbOrTx, treeId: string) {
  const { tree } = await activeTree(db, treeId);
  return { tree: tree.id, rules: await effectRulesFor(db, tree) };
}

// ================================================================ trend

/** At most this many months per trend request (ten years). */
export const TREND_MAX_MONTHS = 120;

export interface TrendQuery {
  from: string;
  to: string;
  city?: string;
  tree?: string;
}

/**
 * The city's composite, rank and peer count per month from the imported official scores (the same
 * comparison as `compare`), and the collection volume (rows of committed batches created in the
 * month, China time), for every month from `from` to `to` inclusive, oldest first. Months without
 * scores have `score: null`; with no scores imported at all `tree` is null. A city named in the
 * query that the scores do not know is an error, as in `compare`; the configured city is not.
 */
export async function trendFor(db: DbOrTx, config: Config, q: TrendQuery) {
  const from = checkMonth(q.from);
  const to = checkMonth(q.to);
  if (from > to) throw badPeriod(`开始月份 ${from} 晚于结束月份 ${to}`);
  const months: string[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) {
    months.push(m);
    if (months.length > TREND_MAX_MONTHS) throw badPeriod(`一次最多查询 ${TREND_MAX_MONTHS} 个月`);
  }
  const city = q.city?.trim() || config.cityName;
  const treeId = await treeFor(db, city, q.tree);
  const table = treeId ? await loadScoreTable(db, treeId) : null;
  if (table && table.months.length && q.city?.trim() && !table.cities.includes(city)) throw unknownCity(table, city);
  const volume = await monthlyCollection(db, monthInstants(from).start, monthInstants(to).end);
  return {
    city,
    from,
    to,
    tree: table && table.months.length ? { id: table.tree.id, version: table.version, name: table.tree.name } : null,
    items: months.map((month) => {
      const hasScore = table !== null && table.values.get(month)?.has(city) === true;
      const c = hasScore ? compare(table, city, { month }) : null;
      const v = volume.find((x) => x.month === month);
      return {
        month,
        score: c ? { composite: c.composite, average: c.average, rank: c.rank, of: c.of } : null,
        collection: { batches: v?.batches ?? 0, accepted: v?.accepted ?? 0, rejected: v?.rejected ?? 0 },
      };
    }),
  };
}
