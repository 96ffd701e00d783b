// Pre-action checks (事前核查, issue 14 §5; docs/domain/04-joint-measures.md §4.2 step 2): per subject, the active black
// and red entries, the serious penalties still public, and the measures that apply in the scenario with their
// basis; stored with a case id (核查编号) that the department's feedback refers to.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { activeEntriesForSubjects, type ActiveListEntry } from '../lists/index.ts';
import { seriousPublicPenalties, type SeriousPenalty } from '../publicity/index.ts';
import type { LookedUpSubject } from '../subjects/index.ts';
import { publicQuery, resolveSubjects, type MatchedBy, type Resolution, type SubjectQuery } from './match.ts';
import { activeMeasures, checkScenario, measuresApplying, type Measure } from './measures.ts';

/** A measure as a check answers it: what it is, where it comes from, and which of the subject's lists brought it in. */
export interface MeasureAnswer {
  id: string;
  code: string;
  name: string;
  class: number;
  kind: 'punishment' | 'incentive';
  legalBasis: string;
  basisDocNo: string | null;
  implementingDept: string;
  listTypes: string[];
}

export interface EntryAnswer {
  entryId: string;
  listType: string;
  listName: string;
  decisionNo: string;
  listedOn: string | null;
  expiresOn: string | null;
}

/** The answer for one queried subject. */
export interface SubjectAnswer {
  index: number;
  query: { uscc?: string; idNumber?: string; name?: string };
  status: 'found' | 'not_found' | 'invalid';
  message: string;
  matchedBy: MatchedBy | null;
  subject: { id: string; name: string; kind: string; uscc: string | null } | null;
  candidates: Array<{ id: string; name: string; uscc: string | null }>;
  black: EntryAnswer[];
  red: EntryAnswer[];
  seriousPenalties: Array<{ recordId: string; docNo: string; decisionDate: string | null; publicUntil: string | null }>;
  measures: MeasureAnswer[];
  incentives: MeasureAnswer[];
}

export interface CheckAnswer {
  checkId: string;
  caseNo: string;
  scenario: string;
  checkedAt: string;
  departmentId: number;
  subjects: SubjectAnswer[];
}

export interface CheckInput {
  secret: string;
  departmentId: number;
  channel: 'api' | 'console' | 'screening';
  userId?: number | null;
  apiKeyId?: number | null;
  scenario: string;
  subjects: readonly SubjectQuery[];
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
  const ids = [...new Set(resolutions.flatMap((r) => (r.status === 'found' ? [r.subject.id] : [])))];
  const [entries, penalties, measures] = await Promise.all([
    activeEntriesForSubjects(db, ids),
    seriousPublicPenalties(db, ids),
    ids.length ? activeMeasures(db) : Promise.resolve([] as Measure[]),
  ]);
  const entriesOf = group(entries, (e) => e.subjectId);
  const penaltiesOf = group(penalties, (p: SeriousPenalty) => p.subjectId);
  return resolutions.map((r, index): SubjectAnswer => {
    const base = { index, query: publicQuery(queries[index] ?? {}), matchedBy: null, subject: null, candidates: [], black: [], red: [], seriousPenalties: [], measures: [], incentives: [] };
    if (r.status === 'invalid') return { ...base, status: 'invalid', message: r.message };
    if (r.status === 'not_found') return { ...base, status: 'not_found', message: NOT_FOUND, candidates: r.candidates.map(candidateOf) };
    const own = entriesOf.get(r.subject.id) ?? [];
    const applying = measuresApplying(measures, own, scenario);
    const black = own.filter((e) => e.color === 'black').map(toEntry);
    const red = own.filter((e) => e.color === 'red').map(toEntry);
    const serious = (penaltiesOf.get(r.subject.id) ?? []).map(({ recordId, docNo, decisionDate, publicUntil }) => ({ recordId, docNo, decisionDate, publicUntil }));
    const message = black.length || red.length ? `在列名单 ${black.length + red.length} 条` : serious.length ? '未在红黑名单中，但有仍在公示期的严重失信行政处罚' : '未在红黑名单中';
    return {
      ...base,
      status: 'found',
      message,
      matchedBy: r.matchedBy,
      subject: subjectOf(r.subject),
      black,
      red,
      seriousPenalties: serious,
      measures: applying.filter((m) => m.kind === 'punishment').map(toMeasureAnswer),
      incentives: applying.filter((m) => m.kind === 'incentive').map(toMeasureAnswer),
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

/** Stores a check with its answers and hits; returns its id, case number and time. */
export async function storeCheck(
  db: DbOrTx,
  input: Omit<CheckInput, 'secret' | 'subjects'>,
  answers: readonly SubjectAnswer[],
  stored: unknown = { subjects: answers },
): Promise<{ checkId: string; caseNo: string; checkedAt: string }> {
  const hits = answers.filter((a) => a.black.length || a.red.length).length;
  const due = answers.reduce((n, a) => n + a.measures.length + a.incentives.length, 0);
  // The case number is the day and the row's own id, so it is unique without a second statement.
  const row = await sql<{ id: string; case_no: string; checked_at: string }>`
    WITH n AS (SELECT nextval('sanction_checks_id_seq') AS id)
    INSERT INTO sanction_checks (id, case_no, department_id, channel, scenario, user_id, api_key_id, subjects, hits, feedback_due, answer)
    SELECT n.id, 'HC' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(n.id::text, 8, '0'),
           ${input.departmentId}, ${input.channel}, ${input.scenario}, ${input.userId ?? null}, ${input.apiKeyId ?? null},
           ${answers.length}, ${hits}, ${due}, ${JSON.stringify(stored)}::jsonb
      FROM n
    RETURNING id, case_no, to_char(checked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS+08:00') AS checked_at`.execute(db);
  const r = row.rows[0]!;
  const hitRows = answers.flatMap((a) =>
    a.subject ? [...a.black.map((e) => ({ e, color: 'black' as const })), ...a.red.map((e) => ({ e, color: 'red' as const }))].map(({ e, color }) => ({ check_id: r.id, subject_id: a.subject!.id, entry_id: e.entryId, list_type: e.listType, color })) : [],
  );
  if (hitRows.length) await db.insertInto('sanction_check_hits').values(hitRows).onConflict((oc) => oc.doNothing()).execute();
  return { checkId: String(r.id), caseNo: r.case_no, checkedAt: r.checked_at };
}

/** Runs a pre-action check for a department and stores it (what was answered, under its case id); audited. */
export async function runCheck(db: DbOrTx, input: CheckInput, ctx: AuditContext): Promise<CheckAnswer> {
  checkScenario(input.scenario);
  if (!input.subjects.length) throw new AppError('sanction_query_invalid');
  const resolutions = await resolveSubjects(db, input.secret, input.subjects);
  const answers = await evaluate(db, input.subjects, resolutions, input.scenario);
  const { checkId, caseNo, checkedAt } = await storeCheck(db, input, answers);
  await audit(db, ctx, {
    action: 'sanctions.check',
    target: `sanction_check:${checkId}`,
    detail: { channel: input.channel, scenario: input.scenario, subjects: answers.length, hits: answers.filter((a) => a.black.length || a.red.length).length },
  });
  return { checkId, caseNo, scenario: input.scenario, checkedAt, departmentId: input.departmentId, subjects: answers };
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
