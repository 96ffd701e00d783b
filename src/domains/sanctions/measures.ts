// The measures catalogue (措施清单, issue 14 §4): versioned master data the credit office adds, amends (a new
// version) and retires; and which measures apply to a subject's list entries in a scenario.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { Selectable } from 'kysely';
import type { MeasureEdition, MeasureKind, MeasureStatus, SanctionMeasuresTable } from '../../db/sanctions.types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { SCENARIOS, isScenario } from './scenarios.ts';

/** A measure as services and routes see it. */
export interface Measure {
  id: string;
  code: string;
  version: number;
  name: string;
  class: number;
  kind: MeasureKind;
  listTypes: string[];
  scenarios: string[];
  legalBasis: string | null;
  basisDocNo: string | null;
  implementingDept: string;
  edition: MeasureEdition;
  source: string | null;
  status: MeasureStatus;
}

/** What the credit office enters for a new measure or a new version of one. */
export interface MeasureInput {
  name: string;
  class: number;
  kind: MeasureKind;
  listTypes: string[];
  scenarios: string[];
  legalBasis?: string | null;
  basisDocNo?: string | null;
  implementingDept: string;
  edition: MeasureEdition;
  source?: string | null;
  /** Activate at once (needs a legal basis); default true. */
  activate?: boolean;
}

const COLUMNS = [
  'id',
  'code',
  'version',
  'name',
  'class',
  'kind',
  'list_types',
  'scenarios',
  'legal_basis',
  'basis_doc_no',
  'implementing_dept',
  'edition',
  'source',
  'status',
] as const;

// A stored row, with the columns the catalogue shows.
type MeasureRow = Omit<Selectable<SanctionMeasuresTable>, 'created_by' | 'created_at' | 'retired_at'>;

const toMeasure = (r: MeasureRow): Measure => ({
  id: String(r.id),
  code: r.code,
  version: r.version,
  name: r.name,
  class: r.class,
  kind: r.kind,
  listTypes: r.list_types,
  scenarios: r.scenarios,
  legalBasis: r.legal_basis,
  basisDocNo: r.basis_doc_no,
  implementingDept: r.implementing_dept,
  edition: r.edition,
  source: r.source,
  status: r.status,
});

/** The catalogue: active and draft versions by default; `all` adds superseded and retired ones (history). */
export async function listMeasures(db: DbOrTx, opts: { all?: boolean } = {}): Promise<Measure[]> {
  let q = db.selectFrom('sanction_measures').select(COLUMNS);
  if (!opts.all) q = q.where('status', 'in', ['active', 'draft']);
  return (await q.orderBy('code').orderBy('version', 'desc').execute()).map(toMeasure);
}

/** The measures in force (status active), for checks: a retired or superseded measure is never returned. */
export async function activeMeasures(db: DbOrTx): Promise<Measure[]> {
  return (await db.selectFrom('sanction_measures').select(COLUMNS).where('status', '=', 'active').orderBy('code').execute()).map(toMeasure);
}

/**
 * The measures that apply to a subject with these list entries in this scenario: punishment measures for its
 * black-list types, incentive measures for its red-list types (docs/domain/04-joint-measures.md §4.2 step 2), each
 * with the list types that brought it in. Pure: the caller passes the active measures once per batch.
 */
/** Whether a measure may apply in a scenario at all: active, and listing the scenario. */
export const inScenario = (m: Measure, scenario: string): boolean => m.status === 'active' && m.scenarios.includes(scenario);

export function measuresApplying(
  measures: readonly Measure[],
  entries: ReadonlyArray<{ listType: string; color: 'black' | 'red' }>,
  scenario: string,
): Array<Measure & { matchedListTypes: string[] }> {
  const out: Array<Measure & { matchedListTypes: string[] }> = [];
  for (const m of measures) {
    if (!inScenario(m, scenario)) continue;
    const want = m.kind === 'punishment' ? 'black' : 'red';
    const matched = [...new Set(entries.filter((e) => e.color === want && m.listTypes.includes(e.listType)).map((e) => e.listType))];
    if (matched.length) out.push({ ...m, matchedListTypes: matched });
  }
  return out;
}

/** Throws the 400 that lists the valid scenarios unless s is one. */
export function checkScenario(s: string): void {
  if (!isScenario(s)) throw new AppError('sanction_scenario_unknown', `未知的业务场景“${s}”，可选：${SCENARIOS.join('、')}`, 400);
}

function validate(input: MeasureInput): void {
  const bad = (m: string) => new AppError('validation_failed', m, 400);
  if (![1, 2, 3].includes(input.class)) throw bad('措施类别须为 1、2 或 3（docs/domain/04-joint-measures.md §4.1）');
  if (!input.listTypes.length) throw bad('须至少适用一个名单类型');
  if (!input.scenarios.length) throw bad('须至少适用一个业务场景');
  for (const s of input.scenarios) checkScenario(s);
  // 国办发〔2020〕49号 (docs/domain/04-joint-measures.md §4.1): no measure without a basis in law or central policy.
  if ((input.activate ?? true) && !input.legalBasis?.trim()) throw new AppError('sanction_measure_no_basis');
}

async function insertVersion(db: DbOrTx, code: string, version: number, input: MeasureInput, userId: number | null): Promise<Measure> {
  const row = await db
    .insertInto('sanction_measures')
    .values({
      code,
      version,
      name: input.name.trim(),
      class: input.class,
      kind: input.kind,
      list_types: [...new Set(input.listTypes)],
      scenarios: [...new Set(input.scenarios)],
      legal_basis: input.legalBasis?.trim() || null,
      basis_doc_no: input.basisDocNo?.trim() || null,
      implementing_dept: input.implementingDept.trim(),
      edition: input.edition,
      source: input.source?.trim() || null,
      status: (input.activate ?? true) ? 'active' : 'draft',
      created_by: userId,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toMeasure(row);
}

/** Adds a measure (version 1, code L-<n>); audited. Pass a transaction. */
export async function createMeasure(db: DbOrTx, input: MeasureInput, userId: number | null, ctx: AuditContext): Promise<Measure> {
  validate(input);
  const n = await sql<{ n: string }>`SELECT count(DISTINCT code) + 1 AS n FROM sanction_measures WHERE code LIKE 'L-%'`.execute(db);
  const code = `L-${String(n.rows[0]!.n).padStart(4, '0')}`;
  const m = await insertVersion(db, code, 1, input, userId);
  await audit(db, ctx, { action: 'sanctions.measure.create', target: `measure:${m.id}`, detail: { code, status: m.status } });
  return m;
}

async function lockCurrent(db: DbOrTx, code: string) {
  const rows = await db.selectFrom('sanction_measures').select(COLUMNS).where('code', '=', code).orderBy('version', 'desc').forUpdate().execute();
  const current = rows.find((r) => r.status === 'active' || r.status === 'draft');
  if (!current) throw notFound('sanction_measure_not_found');
  return { current, latest: rows[0]! };
}

/** Amends a measure: a new version replaces the current one (which is kept as superseded); audited. */
export async function amendMeasure(db: DbOrTx, code: string, input: MeasureInput, userId: number | null, ctx: AuditContext): Promise<Measure> {
  validate(input);
  const { current, latest } = await lockCurrent(db, code);
  await db.updateTable('sanction_measures').set({ status: 'superseded' }).where('id', '=', current.id).execute();
  const m = await insertVersion(db, code, latest.version + 1, input, userId);
  await audit(db, ctx, { action: 'sanctions.measure.amend', target: `measure:${m.id}`, detail: { code, from: current.version, to: m.version } });
  return m;
}

/**
 * Activates a draft measure; refused without a legal basis (国办发〔2020〕49号). A draft saved without a basis may be
 * given its basis here, in the same step: it has never been in force, so completing it is not a new version (a
 * basis that is already there changes only by amendment, which keeps the earlier version).
 */
export async function activateMeasure(db: DbOrTx, code: string, ctx: AuditContext, basis?: { legalBasis?: string | null; basisDocNo?: string | null } | null): Promise<Measure> {
  const { current } = await lockCurrent(db, code);
  const given = basis?.legalBasis?.trim() || null;
  if (given && current.legal_basis?.trim()) throw new AppError('validation_failed', '该措施已有设定依据；更改设定依据请修订措施（生成新版本）', 400);
  // docs/domain/04-joint-measures.md §4.1 (国办发〔2020〕49号): no measure in force without a basis in law or central policy.
  const legalBasis = given ?? current.legal_basis?.trim() ?? null;
  if (!legalBasis) throw new AppError('sanction_measure_no_basis');
  const set = given ? { status: 'active' as const, legal_basis: given, basis_doc_no: basis?.basisDocNo?.trim() || null } : { status: 'active' as const };
  const row = await db.updateTable('sanction_measures').set(set).where('id', '=', current.id).returning(COLUMNS).executeTakeFirstOrThrow();
  await audit(db, ctx, { action: 'sanctions.measure.activate', target: `measure:${row.id}`, detail: given ? { code, basisAdded: given, basisDocNo: row.basis_doc_no } : { code } });
  return toMeasure(row);
}

/** Retires a measure: no check returns it again; audited. */
export async function retireMeasure(db: DbOrTx, code: string, ctx: AuditContext): Promise<void> {
  const { current } = await lockCurrent(db, code);
  await db.updateTable('sanction_measures').set({ status: 'retired', retired_at: sql`now()` }).where('id', '=', current.id).execute();
  await audit(db, ctx, { action: 'sanctions.measure.retire', target: `measure:${current.id}`, detail: { code } });
}
