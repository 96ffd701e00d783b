// Collection (归集) figures other domains read: receipt counts of committed batches, the month's
// collection volume, 双公示 and black-list counts from the records, and the rejected rows that a
// later batch corrected. Ingest owns ingest_batches, ingest_rejects, records and record_versions, so
// these queries live here and monitoring and assessment call them through index.ts (issue 12 §2).
// Read-only; every function takes `db | trx` and returns rows. A department's name and USCC come from auth
// (departmentsByIds), never from a join on its table.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { departmentsByIds } from '../auth/index.ts';

/** Receipt counts of the committed batches created in [start, end), per department and catalogue item. */
export async function committedBatchCounts(
  db: DbOrTx,
  start: Date,
  end: Date,
): Promise<{ department_id: number; department_name: string; item_id: string; total: number; accepted: number; late: number }[]> {
  const rows = await db
    .selectFrom('ingest_batches as b')
    .select((eb) => [
      'b.department_id',
      'b.item_id',
      eb.fn.sum<string>('b.total').as('total'),
      eb.fn.sum<string>('b.accepted').as('accepted'),
      eb.fn.sum<string>('b.late').as('late'),
    ])
    .where('b.status', '=', 'committed')
    .where('b.created_at', '>=', start)
    .where('b.created_at', '<', end)
    .groupBy(['b.department_id', 'b.item_id'])
    .execute();
  const departments = await departmentsByIds(db, rows.map((r) => r.department_id));
  return rows.map((r) => ({
    ...r,
    department_name: departments.get(r.department_id)?.name ?? `部门 ${r.department_id}`,
    total: Number(r.total),
    accepted: Number(r.accepted),
    late: Number(r.late),
  }));
}

/**
 * Receipt totals of the committed batches created in a period of China-time days [from, before):
 * rows, accepted, rejected, late, and the accepted and late rows of the 双公示 items (docs/domain/01-sgs.md §1.1).
 */
export async function batchFigures(db: DbOrTx, from: string, before: string) {
  const batches = await sql<{ total: number; accepted: number; rejected: number; late: number; sgs_accepted: number; sgs_late: number }>`
    SELECT coalesce(sum(total), 0)::int AS total, coalesce(sum(accepted), 0)::int AS accepted, coalesce(sum(rejected), 0)::int AS rejected,
           coalesce(sum(late), 0)::int AS late,
           coalesce(sum(accepted) FILTER (WHERE item_id IN ('sgs_xk_v2', 'sgs_cf_v2')), 0)::int AS sgs_accepted,
           coalesce(sum(late) FILTER (WHERE item_id IN ('sgs_xk_v2', 'sgs_cf_v2')), 0)::int AS sgs_late
    FROM ingest_batches
    WHERE status = 'committed' AND (created_at AT TIME ZONE 'Asia/Shanghai') >= ${from}::date AND (created_at AT TIME ZONE 'Asia/Shanghai') < ${before}::date`.execute(db);
  return batches.rows[0];
}

/**
 * Record counts for a period of decision days [from, before): 双公示 records (permits and penalties)
 * decided in it, and black-list entries published now (audience public, whatever their date).
 */
export async function recordFigures(db: DbOrTx, from: string, before: string): Promise<{ sgs: number; black_public: number }> {
  const r = await sql<{ sgs: number; black_public: number }>`
    SELECT (SELECT count(*)::int FROM records WHERE record_type IN ('permit', 'penalty') AND decision_date >= ${from}::date AND decision_date < ${before}::date) AS sgs,
           (SELECT count(*)::int FROM records WHERE record_type = 'black_list' AND audience = 'public') AS black_public`.execute(db);
  return r.rows[0];
}

/** Committed batches created in [start, end) that rejected rows, with what locating their key columns needs. */
export async function rejectingBatches(
  db: DbOrTx,
  start: Date,
  end: Date,
): Promise<{ id: string; department_id: number; department_uscc: string | null; item_id: string; catalog_version: number; header: unknown }[]> {
  const rows = await db
    .selectFrom('ingest_batches as b')
    .select(['b.id', 'b.department_id', 'b.item_id', 'b.catalog_version', 'b.header'])
    .where('b.status', '=', 'committed')
    .where('b.rejected', '>', 0)
    .where('b.created_at', '>=', start)
    .where('b.created_at', '<', end)
    .orderBy('b.id')
    .execute();
  const departments = await departmentsByIds(db, rows.map((r) => r.department_id));
  return rows.map((r) => ({ ...r, department_uscc: departments.get(r.department_id)?.uscc ?? null }));
}

/** Where a rejecting batch's rows hold the record key: 0-based cell positions, or the department's USCC (legacy formats). */
export interface RejectKeySpec {
  batchId: string;
  authorityIndex: number | null;
  authorityDefault: string | null;
  docIndex: number;
}

// Full-width ASCII letters and digits fold to half-width, as ingest normalises codes (validate.ts codeNormalize).
const FULL = String.fromCharCode(...Array.from({ length: 0x5e }, (_, i) => 0xff01 + i));
const HALF = String.fromCharCode(...Array.from({ length: 0x5e }, (_, i) => 0x21 + i));
// Whitespace that ingest trims from both ends of a cell (String.prototype.trim, incl. U+3000, NBSP, BOM).
const SPACE = ' \t\n\r\u000b\f\u00a0\u3000\ufeff';

/**
 * Correction of rejected rows (docs/domain/01-sgs.md §1.4 rule 9, 问题数据 → 更正 → 重新报送), set-based: a rejected
 * row counts as corrected when a later committed batch of the same department and catalogue item
 * stored a version of a record with the same authority USCC and document number (the record key
 * without the subject's code, so a corrected subject code still matches). Corrections are looked
 * for only among the versions written by the department's own later batches of the item, through
 * existing indexes. Returns counts per department, item, rejection day and first correction day
 * (China time; null = not corrected), so the caller counts working days per pair, not per row.
 */
export async function rejectionCorrections(
  db: DbOrTx,
  specs: RejectKeySpec[],
): Promise<{ department_id: number; item_id: string; rejected_day: string; corrected_day: string | null; n: number }[]> {
  if (!specs.length) return [];
  const r = await sql<{ department_id: number; item_id: string; rejected_day: string; corrected_day: string | null; n: number }>`
    WITH spec AS (
      SELECT * FROM unnest(${specs.map((s) => s.batchId)}::bigint[], ${specs.map((s) => s.authorityIndex)}::int[],
                           ${specs.map((s) => s.authorityDefault)}::text[], ${specs.map((s) => s.docIndex)}::int[])
        AS s(batch_id, auth_idx, auth_default, doc_idx)
    ),
    rej AS MATERIALIZED (
      SELECT r.batch_id, r.row_number, b.department_id, b.item_id, b.created_at AS rejected_at,
             upper(btrim(translate(CASE WHEN s.auth_idx IS NULL THEN s.auth_default ELSE r.cells ->> s.auth_idx END, ${FULL}, ${HALF}), ${SPACE})) AS auth,
             btrim(r.cells ->> s.doc_idx, ${SPACE}) AS doc
      FROM spec s
      JOIN ingest_batches b ON b.id = s.batch_id
      JOIN ingest_rejects r ON r.batch_id = s.batch_id
    ),
    later AS (
      SELECT b2.id, b2.department_id, b2.item_id, b2.created_at
      FROM (SELECT department_id, item_id, min(batch_id) AS first FROM rej GROUP BY department_id, item_id) f
      JOIN ingest_batches b2 ON b2.department_id = f.department_id AND b2.item_id = f.item_id AND b2.id > f.first
      WHERE b2.status = 'committed'
    ),
    -- The versions the later batches stored: current ones on the record row, superseded ones in record_history
    -- (migration 20261208T0835w), each through its batch index. Through the record_versions view the planner
    -- could not push the batch into the view's records branch and scanned every record once per later batch
    -- and rejected row (minutes at 300,000 records; npm run bench -- readers).
    stored AS (
      SELECT l.id AS batch_id, l.department_id, l.item_id, l.created_at, rec.authority_uscc, rec.doc_no
      FROM later l
      JOIN records rec ON rec.batch_id = l.id
      UNION ALL
      SELECT l.id, l.department_id, l.item_id, l.created_at, rec.authority_uscc, rec.doc_no
      FROM later l
      JOIN record_history h ON h.batch_id = l.id
      JOIN records rec ON rec.id = h.record_id
    ),
    fixed AS (
      SELECT rej.batch_id, rej.row_number, min(st.created_at) AS corrected_at
      FROM rej
      JOIN stored st ON st.department_id = rej.department_id AND st.item_id = rej.item_id
        AND st.authority_uscc = rej.auth AND st.doc_no = rej.doc AND st.batch_id > rej.batch_id
      GROUP BY rej.batch_id, rej.row_number
    )
    SELECT rej.department_id, rej.item_id,
           to_char(rej.rejected_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS rejected_day,
           to_char(fixed.corrected_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS corrected_day,
           count(*)::int AS n
    FROM rej LEFT JOIN fixed ON fixed.batch_id = rej.batch_id AND fixed.row_number = rej.row_number
    GROUP BY 1, 2, 3, 4`.execute(db);
  return r.rows.map((x) => ({ ...x, n: Number(x.n) }));
}

/** Committed batches per month (China time) in [start, end): count, accepted and rejected rows. */
export async function monthlyCollection(db: DbOrTx, start: Date, end: Date): Promise<{ month: string; batches: number; accepted: number; rejected: number }[]> {
  const r = await sql<{ month: string; batches: number; accepted: number; rejected: number }>`
    SELECT to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, count(*)::int AS batches,
           coalesce(sum(accepted), 0)::bigint AS accepted, coalesce(sum(rejected), 0)::bigint AS rejected
    FROM ingest_batches
    WHERE status = 'committed' AND created_at >= ${start} AND created_at < ${end}
    GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows.map((x) => ({ month: x.month, batches: Number(x.batches), accepted: Number(x.accepted), rejected: Number(x.rejected) }));
}

/** Records of one type whose decision day falls in [from, before) (e.g. collected 信用承诺 for the commitment figures). */
export async function recordsOfTypeIn(db: DbOrTx, recordType: string, from: string, before: string): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM records WHERE record_type = ${recordType} AND decision_date >= ${from}::date AND decision_date < ${before}::date`.execute(db);
  return r.rows[0].n;
}
