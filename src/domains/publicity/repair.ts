// What the publicity engine knows about repairing a record (信用修复, docs/domain/03-publicity.md §3.1–§3.3), and
// the one write that marks records repaired: repaired_at and the publicity columns it changes, decided again
// in the caller's transaction so the record leaves public pages, search, reports and sharing at once.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { decrypt } from '../../platform/crypto.ts';
import { decidePublicity } from './decide.ts';
import { recordInput, refreshPublicity, withListRemoval } from './publicity.service.ts';
import type { PublicityDecision, PublicitySettings } from './publicity.schemas.ts';
import { DEFAULT_RULE_SETS } from './rules.ts';
import { loadPublicitySettings } from './settings.store.ts';

type Values = Record<string, string | number | null>;

/** A negative record of a subject, with the engine's repair facts on the evaluated day. */
export interface RepairFacts {
  recordId: string;
  recordType: string;
  itemId: string;
  docNo: string;
  decisionDate: string | null;
  departmentId: number;
  subjectId: string | null;
  status: 'active' | 'withdrawn';
  audience: 'public' | 'government' | 'none';
  repairedAt: string | null;
  authority: string | null;
  conduct: string | null;
  /** The engine's decision on the evaluated day, or null when the record cannot be read (never public). */
  decision: PublicityDecision | null;
}

/** The record types repair applies to: negative information (penalties and the black list). */
export const REPAIRABLE_TYPES = ['penalty', 'black_list'] as const;

function baseQuery(db: DbOrTx) {
  return db
    .selectFrom('records as r')
    // The current version is on the record row (migration 20261208T0835w), not read through the record_versions view.
    .select([
      'r.id',
      'r.record_type',
      'r.item_id',
      'r.doc_no',
      'r.decision_date',
      'r.department_id',
      'r.subject_id',
      'r.status',
      'r.audience',
      sql<string | null>`to_char(r.repaired_at, 'YYYY-MM-DD')`.as('repaired_at'),
      sql<string | null>`to_char(r.list_removed_at, 'YYYY-MM-DD')`.as('list_removed_at'),
      'r.content',
      'r.pii_enc',
    ])
    // A record without a version has nothing to decide (the view join left it out too).
    .where('r.content', 'is not', null)
    .where('r.record_type', 'in', [...REPAIRABLE_TYPES]);
}

type FactRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function factsOf(secret: string, r: FactRow, at: Date, settings: PublicitySettings): RepairFacts {
  const pii = r.pii_enc ? (JSON.parse(decrypt(secret, r.pii_enc, 'pii')) as Values) : null;
  // A list record the credit office moved out is decided as the stored decision was (withListRemoval).
  const input = withListRemoval(recordInput(r.record_type, r.decision_date, pii ? { ...(r.content as Values), ...pii } : (r.content as Values)), r.list_removed_at);
  let decision: PublicityDecision | null = null;
  try {
    if (input) decision = decidePublicity(r.repaired_at ? { ...input, repairedAt: r.repaired_at } : input, at, DEFAULT_RULE_SETS, settings);
  } catch {
    decision = null;
  }
  return {
    recordId: r.id,
    recordType: r.record_type,
    itemId: r.item_id,
    docNo: r.doc_no,
    decisionDate: r.decision_date,
    departmentId: r.department_id,
    subjectId: r.subject_id,
    status: r.status,
    audience: r.audience,
    repairedAt: r.repaired_at,
    authority: input?.authority ?? null,
    conduct: input?.conduct ?? null,
    decision,
  };
}

/** The subject's penalties and black-list records with the engine's repair facts on `at`, newest first. */
export async function repairFactsOfSubject(db: DbOrTx, secret: string, subjectId: string, at: Date = new Date()): Promise<RepairFacts[]> {
  const rows = await baseQuery(db).where('r.subject_id', '=', subjectId).orderBy('r.decision_date', 'desc').orderBy('r.id', 'desc').execute();
  const settings = await loadPublicitySettings(db);
  return rows.map((r) => factsOf(secret, r, at, settings));
}

/** The repair facts of these records on `at` (any order; unknown ids and non-negative records are left out). */
export async function repairFactsOfRecords(db: DbOrTx, secret: string, recordIds: readonly string[], at: Date = new Date()): Promise<RepairFacts[]> {
  if (!recordIds.length) return [];
  const rows = await baseQuery(db).where('r.id', 'in', [...recordIds]).orderBy('r.id').execute();
  const settings = await loadPublicitySettings(db);
  return rows.map((r) => factsOf(secret, r, at, settings));
}

/** How many penalties of the subject were decided on or after `since` (the repeat-offender bar, §3.3). */
export async function penaltiesSince(db: DbOrTx, subjectId: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('subject_id', '=', subjectId)
    .where('record_type', '=', 'penalty')
    .where('status', '=', 'active')
    .where('decision_date', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Marks records repaired on `day` and decides their publicity again at `at`, in the caller's transaction:
 * a repaired record's audience becomes `none` (docs/domain/03-publicity.md §3.3, 办法 art. 3: publication and
 * sharing both end). Only repaired_at and the publicity columns change; the record's versions stay.
 */
export async function setRecordsRepaired(trx: DbOrTx, secret: string, recordIds: readonly string[], day: string, at: Date = new Date()): Promise<number> {
  if (!recordIds.length) return 0;
  await trx.updateTable('records').set({ repaired_at: day, updated_at: sql`now()` }).where('id', 'in', [...recordIds]).execute();
  // The one decision path (the job's), so the credit office's stored settings apply here too.
  return (await refreshPublicity(trx, secret, { recordIds }, at)).checked;
}
