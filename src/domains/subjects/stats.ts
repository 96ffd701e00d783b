// Figures of the subject registry that other domains read (the monitoring index's local estimates):
// enterprises and the USCC coverage of organisations. Subjects owns the table, so the query lives here.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';

/**
 * Registry counts: market subjects registered by 市场监管 (USCC beginning 91, 92 or 93), and
 * organisations (every subject but natural persons) with and without a USCC (统一社会信用代码转换, docs/domain/01-sgs.md §1.5).
 */
export async function registryFigures(db: DbOrTx): Promise<{ enterprises: number; with_uscc: number; organisations: number }> {
  const r = await sql<{ enterprises: number; with_uscc: number; organisations: number }>`
    SELECT (SELECT count(*)::int FROM subjects WHERE uscc LIKE '91%' OR uscc LIKE '92%' OR uscc LIKE '93%') AS enterprises,
           (SELECT count(*)::int FROM subjects WHERE kind <> 'natural_person' AND uscc IS NOT NULL) AS with_uscc,
           (SELECT count(*)::int FROM subjects WHERE kind <> 'natural_person') AS organisations`.execute(db);
  return r.rows[0];
}
