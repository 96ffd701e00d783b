// Subject look-ups for other domains' registers (the lists domain's entry register and public list pages): basics
// of many subjects at once, and the ids matching a USCC or a name fragment, so those domains never query
// `subjects` themselves.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { SubjectBasics } from './subjects.repository.ts';

/** Basic information (never ID-number columns) of these subjects, by id. */
export async function subjectBasicsByIds(db: DbOrTx, ids: readonly string[]): Promise<Map<string, SubjectBasics>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .selectFrom('subjects')
    .select(['id', 'kind', 'name', 'uscc', 'legal_representative', 'region_code', 'registered_on'])
    .where('id', 'in', unique)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Ids of subjects whose USCC equals `q` or whose name contains it (at most `limit`). */
export async function subjectIdsMatching(db: DbOrTx, q: string, limit = 1000): Promise<string[]> {
  const s = q.trim();
  if (!s) return [];
  const rows = await db
    .selectFrom('subjects')
    .select('id')
    .where((eb) => eb.or([eb('uscc', '=', s.toUpperCase()), eb('name', 'like', sql<string>`'%' || ${s.replace(/[\\%_]/g, (c) => `\\${c}`)} || '%'`)]))
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
