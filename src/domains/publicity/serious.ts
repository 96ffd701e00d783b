// Serious penalties still public (严重失信 行政处罚 in their publicity period), for pre-action checks (issue 14 §5):
// one indexed statement for a batch of subjects.
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';

/** A serious penalty the public may see today. */
export interface SeriousPenalty {
  recordId: string;
  subjectId: string;
  docNo: string;
  decisionDate: string | null;
  publicUntil: string | null;
}

/** The serious (严重) penalties of these subjects that are public today (docs/domain/03-publicity.md §3.3). */
export async function seriousPublicPenalties(db: DbOrTx, subjectIds: readonly string[]): Promise<SeriousPenalty[]> {
  if (!subjectIds.length) return [];
  const r = await sql<{ id: string; subject_id: string; doc_no: string; decision_date: string | null; public_until: string | null }>`
    SELECT id, subject_id, doc_no, to_char(decision_date, 'YYYY-MM-DD') AS decision_date, to_char(public_until, 'YYYY-MM-DD') AS public_until
      FROM records
     WHERE subject_id = ANY(${subjectIds}::bigint[])
       AND record_type = 'penalty' AND audience = 'public'
       AND publicity->>'severity' = '严重'
       AND (public_until IS NULL OR public_until >= (now() AT TIME ZONE 'Asia/Shanghai')::date)
     ORDER BY subject_id, decision_date DESC NULLS LAST, id DESC`.execute(db);
  return r.rows.map((x) => ({ recordId: String(x.id), subjectId: String(x.subject_id), docNo: x.doc_no, decisionDate: x.decision_date, publicUntil: x.public_until }));
}

/**
 * seriousPublicPenalties as one SQL expression for a caller's own statement: a JSON array of SeriousPenalty (the
 * same rule and order) over the subject ids `subjectIds` (a subquery) yields. Keep in step with the function above.
 */
export function seriousPublicPenaltiesJson(subjectIds: RawBuilder<unknown>): RawBuilder<SeriousPenalty[]> {
  return sql<SeriousPenalty[]>`(
    SELECT coalesce(json_agg(json_build_object(
             'recordId', id::text, 'subjectId', subject_id::text, 'docNo', doc_no,
             'decisionDate', to_char(decision_date, 'YYYY-MM-DD'), 'publicUntil', to_char(public_until, 'YYYY-MM-DD'))
           ORDER BY subject_id, decision_date DESC NULLS LAST, id DESC), '[]'::json)
      FROM records
     WHERE subject_id IN (${subjectIds})
       AND record_type = 'penalty' AND audience = 'public'
       AND publicity->>'severity' = '严重'
       AND (public_until IS NULL OR public_until >= (now() AT TIME ZONE 'Asia/Shanghai')::date))`;
}
