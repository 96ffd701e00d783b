// Pre-action checks (事前核查, issue 14 §5; docs/domain/04-joint-measures.md §4.2 step 2): per subject, the active black
// and red entries, the serious penalties still public, and the measures that apply in the scenario with their
// basis; stored with a case id (核查编号) that the department's feedback refers to.
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db, DbOrTx } from '../../db/index.ts';
import type { AuditContext, AuditEvent } from '../../platform/audit.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import type { NonceClaimRow, PendingNonce } from '../auth/index.ts';
import { activeEntriesForSubjects, type ActiveListEntry } from '../lists/index.ts';
import { seriousPublicPenalties, type SeriousPenalty } from '../publicity/index.ts';
import type { LookedUpSubject } from '../subjects/index.ts';
export { caseNoSql } from './check.batch.ts';
export type { CheckInput, EntryAnswer, MeasureAnswer, SubjectAnswer } from './check.batch.ts';
import { checkStages, readChecks, rowsOf, storeChecks, storeChecksSql, type CheckInput, type EntryAnswer, type MeasureAnswer, type SubjectAnswer } from './check.batch.ts';
import { planQueries, publicQuery, resolvePlanned, type Resolution, type SubjectQuery } from './match.ts';
import { activeMeasures, checkScenario, inScenario, measuresApplying, type Measure } from './measures.ts';

export interface CheckAnswer {
  checkId: string;
  caseNo: string;
  scenario: string;
  checkedAt: string;
  departmentId: number;
  subjects: SubjectAnswer[];
}

const toEntry = (e: ActiveListEntry): EntryAnswer => ({
  entryId: e.id,
  listType: e.listType,
  listName: e.listName,
  decisionNo: e.decisionNo,
  listedOn: e.listedOn,
  expiresOn: e.expiresOn,
});

const toMeasureAnswer = (m: Measure & { matchedListTypes: string[] }): MeasureAnswer => ({
  id: m.id,
  code: m.code,
  name: m.name,
  class: m.class,
  kind: m.kind,
  legalBasis: m.legalBasis ?? '',
  basisDocNo: m.basisDocNo,
  implementingDept: m.implementingDept,
  listTypes: m.matchedListTypes,
});

const subjectOf = (s: LookedUpSubject) => ({ id: s.id, name: s.name, kind: s.kind, uscc: s.uscc });
const candidateOf = (s: LookedUpSubject) => ({ id: s.id, name: s.name, uscc: s.uscc });

const NOT_FOUND = '主体库中未找到该主体：不代表没有失信记录，请核实名称或代码后重新核查';

/**
 * Answers resolved queries: active entries, serious public penalties and applicable measures for the found
 * subjects, in three statements for the whole batch (plus the measures). Used by checks and screening.
 */
export async function evaluate(db: DbOrTx, queries: readonly SubjectQuery[], resolutions: readonly Resolution[], scenario: string): Promise<SubjectAnswer[]> {
  const ids = foundIds(resolutions);
  const [entries, penalties, measures] = await Promise.all([
    activeEntriesForSubjects(db, ids),
    seriousPublicPenalties(db, ids),
    ids.length ? activeMeasures(db) : Promise.resolve([] as Measure[]),
  ]);
  return answersFrom(queries, resolutions, scenario, entries, penalties, measures);
}

const foundIds = (resolutions: readonly Resolution[]) => [...new Set(resolutions.flatMap((r) => (r.status === 'found' ? [r.subject.id] : [])))];

/** The answers for resolved queries from what was read about the found subjects (pure). */
function answersFrom(
  queries: readonly SubjectQuery[],
  resolutions: readonly Resolution[],
  scenario: string,
  entries: readonly ActiveListEntry[],
  penalties: readonly SeriousPenalty[],
  measures: readonly Measure[],
): SubjectAnswer[] {
  const entriesOf = group(entries, (e) => e.subjectId);
  const penaltiesOf = group(penalties, (p: SeriousPenalty) => p.subjectId);
  // Only the scenario's active measures can apply, and only to a subject with list entries (measuresApplying,
  // docs/domain/04-joint-measures.md §4.2 step 2): chosen once per batch, so a subject without entries — most of
  // a 100,000-row screening — costs no pass over the measures.
  const scenarioMeasures = measures.filter((m) => inScenario(m, scenario));
  // Each answer is one object literal with every field, in the order answers always had (index … incentives,
  // status, message): spreading a shared base object and overriding its keys took V8's slow path, some 8 µs a
  // subject — most of the JavaScript time of a 100,000-row screening (issue 14 "Performance").
  return resolutions.map((r, index): SubjectAnswer => {
    const query = publicQuery(queries[index] ?? {});
    if (r.status === 'invalid') {
      return { index, query, matchedBy: null, subject: null, candidates: [], black: [], red: [], seriousPenalties: [], measures: [], incentives: [], status: 'invalid', message: r.message };
    }
    if (r.status === 'not_found') {
      const candidates = r.candidates.map(candidateOf);
      return { index, query, matchedBy: null, subject: null, candidates, black: [], red: [], seriousPenalties: [], measures: [], incentives: [], status: 'not_found', message: NOT_FOUND };
    }
    const own = entriesOf.get(r.subject.id);
    const applying = own ? measuresApplying(scenarioMeasures, own, scenario) : [];
    const black = own ? own.filter((e) => e.color === 'black').map(toEntry) : [];
    const red = own ? own.filter((e) => e.color === 'red').map(toEntry) : [];
    const serious = (penaltiesOf.get(r.subject.id) ?? []).map(({ recordId, docNo, decisionDate, publicUntil }) => ({ recordId, docNo, decisionDate, publicUntil }));
    const message = black.length || red.length ? `在列名单 ${black.length + red.length} 条` : serious.length ? '未在红黑名单中，但有仍在公示期的严重失信行政处罚' : '未在红黑名单中';
    return {
      index,
      query,
      matchedBy: r.matchedBy,
      subject: subjectOf(r.subject),
      candidates: [],
      black,
      red,
      seriousPenalties: serious,
      measures: applying.filter((m) => m.kind === 'punishment').map(toMeasureAnswer),
      incentives: applying.filter((m) => m.kind === 'incentive').map(toMeasureAnswer),
      status: 'found',
      message,
    };
  });
}

function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const l = m.get(k);
    if (l) l.push(i);
    else m.set(k, [i]);
  }
  return m;
}


/**
 * Stores one check with its answers and hits — and, given `audited`, its audit entry (target sanction_check:<id>) —
 * in one statement (check.batch.ts storeChecksSql, a batch of one), so it needs no transaction of its own; returns
 * its id, case number and time. A screening stores its check this way.
 */
export async function storeCheck(
  db: DbOrTx,
  input: Omit<CheckInput, 'secret' | 'subjects'>,
  answers: readonly SubjectAnswer[],
  stored: unknown = { subjects: answers },
  audited?: { ctx: AuditContext; event: Omit<AuditEvent, 'target'> },
  pool?: pg.Pool,
): Promise<{ checkId: string; caseNo: string; checkedAt: string }> {
  const r = (await rowsOf(db, storeChecksSql([{ input, answers, stored, ...audited }], !!audited), pool))[0]!;
  return { checkId: String(r.id), caseNo: r.case_no, checkedAt: r.checked_at };
}

/**
 * Runs a pre-action check for a department and stores it (what was answered, under its case id); audited.
 * Two statements for a batch of USCCs or ID numbers and no explicit transaction (issue 14 "Performance"): one
 * reads the subjects, their active entries and serious public penalties, and the measures when this process's
 * copy is stale (measures.cache.ts); the other stores the check, its hits and the audit entry at once. Names
 * without a single exact match take the prefix statements of match.ts, and the reads for what they found.
 * Given the pool (the signed API and the console; `db` is then not a transaction), the two statements are shared
 * with the checks running at the same time (check.batch.ts): the answer is the same, and it is returned only once
 * the check is committed.
 */
export async function runCheck(db: DbOrTx, input: CheckInput, ctx: AuditContext, pool?: pg.Pool, nonce?: NonceClaim): Promise<CheckAnswer> {
  checkScenario(input.scenario);
  if (!input.subjects.length) throw new AppError('sanction_query_invalid');
  const planned = planQueries(input.secret, input.subjects);
  const stage = pool ? checkStages(db as Db, pool) : null;
  const item = { planned, pending: nonce?.pending };
  const read = stage ? await stage.read.submit(item) : (await readChecks(db, [item]))[0]!;
  // A replayed nonce, or a key revoked since this process cached it, is refused here: nothing stored.
  if (nonce) input = { ...input, departmentId: (await nonce.settle(read.claim!)).departmentId };
  const resolutions = await resolvePlanned(db, planned, read.subjects);
  // Subjects found only by the prefix statements (a name without its legal form) were not in the first read.
  const seen = new Set(read.subjects.map((s) => s.id));
  const more = foundIds(resolutions).filter((id) => !seen.has(id));
  const [entries, penalties] = more.length
    ? await Promise.all([activeEntriesForSubjects(db, more), seriousPublicPenalties(db, more)]).then(([e, p]) => [[...read.entries, ...e], [...read.penalties, ...p]] as const)
    : [read.entries, read.penalties];
  const answers = answersFrom(input.subjects, resolutions, input.scenario, entries, penalties, read.measures);
  const hits = answers.filter((a) => a.black.length || a.red.length).length;
  const w = { input, answers, ctx, event: { action: 'sanctions.check', detail: { channel: input.channel, scenario: input.scenario, subjects: answers.length, hits } } };
  const { checkId, caseNo, checkedAt } = stage ? await stage.write.submit(w) : (await storeChecks(db, [w]))[0]!;
  return { checkId, caseNo, scenario: input.scenario, checkedAt, departmentId: input.departmentId, subjects: answers };
}

/**
 * A signed request's nonce, recorded by the check's first statement (so a signed check is two statements): the
 * verified request and how to settle the claim once the statement ran (auth's settleNonceClaim).
 */
export interface NonceClaim {
  pending: PendingNonce;
  settle: (row: NonceClaimRow) => Promise<{ departmentId: number }>;
}

/** A stored check with its answers; only its own department may read it, besides the credit office and auditors. */
export async function getCheck(db: DbOrTx, id: string, viewer: { departmentId: number | null; all: boolean }) {
  const row = await db
    .selectFrom('sanction_checks')
    .select(['id', 'case_no', 'department_id', 'channel', 'scenario', 'subjects', 'hits', 'feedback_due', 'feedback_given', 'answer', sql<string>`to_char(checked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS+08:00')`.as('checked_at')])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('sanction_check_not_found');
  if (!viewer.all && row.department_id !== viewer.departmentId) throw forbidden('sanction_check_other_department');
  const answer = row.answer as { subjects?: SubjectAnswer[] };
  return {
    checkId: String(row.id),
    caseNo: row.case_no,
    departmentId: row.department_id,
    channel: row.channel,
    scenario: row.scenario,
    checkedAt: row.checked_at,
    subjectCount: row.subjects,
    hits: row.hits,
    feedbackDue: row.feedback_due,
    feedbackGiven: row.feedback_given,
    subjects: answer.subjects ?? [],
  };
}

/** A department's checks, newest first; `open` keeps those still owing feedback. */
export async function listChecks(db: DbOrTx, departmentId: number, opts: { open?: boolean; limit?: number } = {}) {
  let q = db
    .selectFrom('sanction_checks')
    .select(['id', 'case_no', 'channel', 'scenario', 'subjects', 'hits', 'feedback_due', 'feedback_given', sql<string>`to_char(checked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS+08:00')`.as('checked_at')])
    .where('department_id', '=', departmentId);
  if (opts.open) q = q.where(sql<boolean>`feedback_given < feedback_due`);
  const rows = await q.orderBy('checked_at', 'desc').orderBy('id', 'desc').limit(opts.limit ?? 100).execute();
  return rows.map((r) => ({
    checkId: String(r.id),
    caseNo: r.case_no,
    channel: r.channel,
    scenario: r.scenario,
    checkedAt: r.checked_at,
    subjectCount: r.subjects,
    hits: r.hits,
    feedbackDue: r.feedback_due,
    feedbackGiven: r.feedback_given,
  }));
}
