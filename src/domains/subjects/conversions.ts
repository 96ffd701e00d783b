// 统一社会信用代码转换公示: the legacy codes (organisation code, old registration number) the registry has
// linked to a subject with a USCC, for the portal page the city monitor's PF1 item looks for. Read-only and
// public: only legal persons and individual businesses, never natural persons (same rule as search).
// Exported for the monitoring domain, which owns the page and reads the registry only through this file.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';

/** One conversion: a legacy code and the USCC and name of the subject it now belongs to. */
export interface LegacyConversion {
  kind: 'org' | 'regno';
  legacyCode: string;
  uscc: string;
  name: string;
}

const PUBLIC = sql`s.kind IN ('legal', 'individual_business') AND s.uscc IS NOT NULL`;

/**
 * A page of conversions ordered by (kind, legacy code), after a keyset position. `q` matches the start of
 * the legacy code or the USCC (upper-cased), or any part of the name.
 */
export async function legacyConversions(
  db: DbOrTx,
  o: { q?: string; after?: { kind: string; code: string }; limit: number },
): Promise<LegacyConversion[]> {
  const q = o.q?.normalize('NFKC').trim();
  const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  const match = q
    ? sql`AND (i.value LIKE ${like(q.toUpperCase()) + '%'} OR s.uscc LIKE ${like(q.toUpperCase()) + '%'} OR s.name LIKE ${'%' + like(q) + '%'})`
    : sql``;
  const after = o.after ? sql`AND (i.kind, i.value) > (${o.after.kind}, ${o.after.code})` : sql``;
  const r = await sql<LegacyConversion>`
    SELECT i.kind, i.value AS "legacyCode", s.uscc, s.name
      FROM subject_identifiers i JOIN subjects s ON s.id = i.subject_id
     WHERE ${PUBLIC} ${match} ${after}
     ORDER BY i.kind, i.value
     LIMIT ${o.limit}`.execute(db);
  return r.rows;
}

/** How many conversions the public page lists. */
export async function countLegacyConversions(db: DbOrTx): Promise<number> {
  const r = await sql<{ n: string }>`
    SELECT count(*) AS n FROM subject_identifiers i JOIN subjects s ON s.id = i.subject_id WHERE ${PUBLIC}`.execute(db);
  return Number(r.rows[0].n);
}
