// Batch look-up of subjects by their keys, for pre-action checks and screening (issue 14 §5): a fixed number of
// indexed statements per batch of keys, never one per subject.
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { SubjectKind } from './subjects.repository.ts';

/** A subject as checks see it: no personal number, only its kind and public name. */
export interface LookedUpSubject {
  id: string;
  kind: SubjectKind;
  name: string;
  uscc: string | null;
  idHash: string | null;
  nameNorm: string | null;
}

type Row = { id: string; kind: SubjectKind; name: string; uscc: string | null; id_hash: string | null; name_norm: string | null };
const toSubject = (r: Row): LookedUpSubject => ({ id: String(r.id), kind: r.kind, name: r.name, uscc: r.uscc, idHash: r.id_hash, nameNorm: r.name_norm });

/**
 * Subjects by USCC, by ID-number hash (as ingest stores it) and by normalised name (subjects.name_norm), in one
 * statement over the unique and name indexes.
 */
export async function subjectsByKeys(
  db: DbOrTx,
  keys: { usccs?: readonly string[]; idHashes?: readonly string[]; nameNorms?: readonly string[] },
): Promise<LookedUpSubject[]> {
  const usccs = [...new Set(keys.usccs ?? [])];
  const hashes = [...new Set(keys.idHashes ?? [])];
  const names = [...new Set(keys.nameNorms ?? [])];
  if (!usccs.length && !hashes.length && !names.length) return [];
  const r = await sql<Row>`
    SELECT id, kind, name, uscc, id_hash, name_norm FROM subjects WHERE uscc = ANY(${usccs}::text[])
    UNION
    SELECT id, kind, name, uscc, id_hash, name_norm FROM subjects WHERE id_hash = ANY(${hashes}::text[])
    UNION
    SELECT id, kind, name, uscc, id_hash, name_norm FROM subjects WHERE (name_norm COLLATE "C") = ANY(${names}::text[])`.execute(db);
  return r.rows.map(toSubject);
}

/**
 * Subjects whose normalised name starts with one of the prefixes (at most `perPrefix` each), for matching a name
 * with its legal-form suffix removed and for fuzzy candidates; the caller decides what counts as a match.
 */
export async function subjectsByNamePrefixes(db: DbOrTx, prefixes: readonly string[], perPrefix = 20): Promise<Array<LookedUpSubject & { prefix: string }>> {
  const list = [...new Set(prefixes.filter((p) => p.length > 0))];
  if (!list.length) return [];
  const r = await sql<Row & { prefix: string }>`
    SELECT p.prefix, s.id, s.kind, s.name, s.uscc, s.id_hash, s.name_norm
      FROM unnest(${list}::text[]) AS p(prefix)
      CROSS JOIN LATERAL (
        SELECT id, kind, name, uscc, id_hash, name_norm FROM subjects
         WHERE (name_norm COLLATE "C") >= (p.prefix COLLATE "C") AND (name_norm COLLATE "C") < ((p.prefix || chr(1114111)) COLLATE "C")
         ORDER BY (name_norm COLLATE "C"), id
         LIMIT ${perPrefix}
      ) s`.execute(db);
  return r.rows.map((x) => ({ ...toSubject(x), prefix: x.prefix }));
}

/**
 * The statement subjectsByKeys runs, for a caller that reads more in the same statement (e.g. as a CTE): rows of
 * id, kind, name, uscc, id_hash, name_norm; no rows for empty keys. A single key is compared as a scalar: a
 * prepared statement's generic plan then expects one row, as its custom plans do, so PostgreSQL keeps it instead
 * of planning each call again (with arrays the generic plan expects several rows, costs more, and is refused).
 */
export function subjectsByKeysSql(keys: { usccs?: readonly string[]; idHashes?: readonly string[]; nameNorms?: readonly string[] }): RawBuilder<Row> {
  const [usccs, hashes, names] = [[...new Set(keys.usccs ?? [])], [...new Set(keys.idHashes ?? [])], [...new Set(keys.nameNorms ?? [])]];
  if (usccs.length + hashes.length + names.length === 1) {
    const where = usccs.length ? sql`uscc = ${usccs[0]}::text` : hashes.length ? sql`id_hash = ${hashes[0]}::text` : sql`(name_norm COLLATE "C") = ${names[0]}::text`;
    return sql<Row>`SELECT id, kind, name, uscc, id_hash, name_norm FROM subjects WHERE ${where}`;
  }
  return sql<Row>`
    SELECT id, kind, name, uscc, id_hash, name_norm FROM subjects WHERE uscc = ANY(${[...new Set(keys.usccs ?? [])]}::text[])
    UNION
    SELECT id, kind, name, uscc, id_hash, name_norm FROM subjects WHERE id_hash = ANY(${[...new Set(keys.idHashes ?? [])]}::text[])
    UNION
    SELECT id, kind, name, uscc, id_hash, name_norm FROM subjects WHERE (name_norm COLLATE "C") = ANY(${[...new Set(keys.nameNorms ?? [])]}::text[])`;
}
