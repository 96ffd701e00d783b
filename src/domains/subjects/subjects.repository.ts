// Subject registry SQL for search and the public subject page. Returns rows; subjects.service.ts shapes them.
// The search columns (name_norm, name_bigrams, pinyin_initials) and their indexes come from migration
// 20261128T1300_subject_search.sql. Every public query names the kinds it may return, so a natural person
// (or any kind added later) is never found unless a query asks for it.
import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import type pg from 'pg';
import { executePrepared, type DbOrTx } from '../../db/index.ts';
import type { SubjectsTable } from '../../db/types.ts';

export type SubjectKind = SubjectsTable['kind'];

/** Kinds that public name and code search may return (natural persons are left out; see subjects.service.ts). */
const PUBLIC_KINDS = sql`kind IN ('legal', 'individual_business')`;

/** One search hit with its sort keys. */
export interface SearchRow {
  id: string;
  name: string;
  uscc: string | null;
  kind: SubjectKind;
  region_code: string | null;
  name_norm: string;
  pinyin_initials: string | null;
}

const SEARCH_COLUMNS = sql`id, name, uscc, kind, region_code, name_norm, pinyin_initials`;

const notIn = (ids: readonly string[]): RawBuilder<unknown> => (ids.length ? sql`AND NOT (id = ANY(${ids as string[]}::bigint[]))` : sql``);

/** The subject with this exact USCC (unique B-tree). */
export async function findByUscc(db: DbOrTx, uscc: string): Promise<SearchRow[]> {
  const r = await sql<SearchRow>`SELECT ${SEARCH_COLUMNS} FROM subjects WHERE uscc = ${uscc} AND ${PUBLIC_KINDS}`.execute(db);
  return r.rows;
}

/** A row of usccFirstPage: a search hit with the tier it was found in. */
export interface TieredSearchRow extends SearchRow {
  tier: 0 | 1 | 2;
}

/**
 * The first page of a query shaped like a USCC, in one statement: tier 0, the subject with that code (what
 * findByUscc returns; an 18-character code is never an organisation code or a registration number), then the
 * tier-1 and tier-2 pages of namePrefixPage and nameContainsPage (index way: a code has no Han character)
 * without that subject. Same rows in the same order as those three queries, one round trip instead of three.
 */
export function usccFirstPage(
  db: DbOrTx,
  o: { uscc: string; tsquery: string; containsPattern: string; prefixPattern: string; limit: number },
): CompiledQuery<TieredSearchRow> {
  const other = sql`uscc IS DISTINCT FROM ${o.uscc}`;
  return sql<TieredSearchRow>`SELECT tier, ${SEARCH_COLUMNS} FROM (
      SELECT 0 AS tier, 1::bigint AS ord, ${SEARCH_COLUMNS} FROM subjects WHERE uscc = ${o.uscc} AND ${PUBLIC_KINDS}
    UNION ALL
      SELECT 1, row_number() OVER (ORDER BY (name_norm COLLATE "C"), id), * FROM (
        SELECT ${SEARCH_COLUMNS} FROM subjects
        WHERE (name_norm COLLATE "C") LIKE ${o.prefixPattern} AND ${PUBLIC_KINDS} AND ${other}
        ORDER BY (name_norm COLLATE "C"), id LIMIT ${o.limit}) p
    UNION ALL
      SELECT 2, row_number() OVER (ORDER BY id), * FROM (
        SELECT ${SEARCH_COLUMNS} FROM subjects
        WHERE name_bigrams @@ ${o.tsquery}::tsquery
          AND (name_norm COLLATE "C") LIKE ${o.containsPattern}
          AND (name_norm COLLATE "C") NOT LIKE ${o.prefixPattern}
          AND ${PUBLIC_KINDS} AND ${other}
        ORDER BY id LIMIT ${o.limit}) c
    ) t ORDER BY tier, ord`.compile(db);
}

/** Subjects linked to a legacy code (organisation code or old registration number). */
export async function findByLegacyCode(db: DbOrTx, kind: 'org' | 'regno', value: string): Promise<SearchRow[]> {
  const r = await sql<SearchRow>`SELECT ${SEARCH_COLUMNS} FROM subjects
    WHERE id IN (SELECT subject_id FROM subject_identifiers WHERE kind = ${kind} AND value = ${value}) AND ${PUBLIC_KINDS}
    ORDER BY id`.execute(db);
  return r.rows;
}

/** Subjects whose USCC embeds the organisation code (GB 32100 positions 9–17; subjects_embedded_org_idx). */
export async function findByEmbeddedOrgCode(db: DbOrTx, orgCode: string): Promise<SearchRow[]> {
  const r = await sql<SearchRow>`SELECT ${SEARCH_COLUMNS} FROM subjects
    WHERE substr(uscc, 9, 9) = ${orgCode} AND uscc IS NOT NULL AND ${PUBLIC_KINDS} ORDER BY id`.execute(db);
  return r.rows;
}

/** Tier 1: the normalised name starts with the query (exact names sort first), after a keyset position. */
export async function namePrefixPage(
  db: DbOrTx,
  o: { pattern: string; after: { key: string; id: string } | null; exclude: readonly string[]; limit: number },
): Promise<SearchRow[]> {
  const after = o.after ? sql`AND ((name_norm COLLATE "C"), id) > (${o.after.key}, ${o.after.id}::bigint)` : sql``;
  const r = await sql<SearchRow>`SELECT ${SEARCH_COLUMNS} FROM subjects
    WHERE (name_norm COLLATE "C") LIKE ${o.pattern} AND ${PUBLIC_KINDS} ${after} ${notIn(o.exclude)}
    ORDER BY (name_norm COLLATE "C"), id LIMIT ${o.limit}`.execute(db);
  return r.rows;
}

/**
 * Tier 2 by scanning: the matches among the next `window` subjects in id order. Rows are read from the
 * covering index subjects_search_window_idx (id INCLUDE name_norm, kind) and the scan stops at `limit`
 * matches, so a common fragment costs a few hundred index entries. Matches found this way are exactly the
 * first ones after the cursor.
 */
export async function nameContainsWindow(
  db: DbOrTx,
  o: { containsPattern: string; prefixPattern: string; afterId: string | null; exclude: readonly string[]; limit: number; window: number },
): Promise<SearchRow[]> {
  const r = await sql<SearchRow>`SELECT ${SEARCH_COLUMNS} FROM subjects WHERE id IN (
      SELECT id FROM (SELECT id, name_norm, kind FROM subjects WHERE id > ${o.afterId ?? '0'}::bigint ORDER BY id LIMIT ${o.window}) w
      WHERE (name_norm COLLATE "C") LIKE ${o.containsPattern}
        AND (name_norm COLLATE "C") NOT LIKE ${o.prefixPattern}
        AND ${PUBLIC_KINDS} ${notIn(o.exclude)}
      ORDER BY id LIMIT ${o.limit})
    ORDER BY id`.execute(db);
  return r.rows;
}

/**
 * The first page of a Chinese query up to the end of tier 2's first window, in one statement (issue 18: each
 * round trip costs a scheduling delay on a busy machine, and a search took up to seven): the tier-1 page of
 * namePrefixPage (first page, no exclusions) and, from the start, the tier-2 matches of nameContainsWindow in the
 * first `window` subjects, each at most `limit` rows; and when the window gave fewer than `limit` matches, the
 * windowExtent of that window (otherwise it is not scanned to its end and `extent` is null). Same rows as those
 * three queries.
 */
export async function prefixAndFirstWindow(
  db: DbOrTx,
  o: { containsPattern: string; prefixPattern: string; limit: number; window: number },
): Promise<{ prefix: SearchRow[]; window: SearchRow[]; extent: { rows: number; lastId: string | null } | null }> {
  const r = await sql<SearchRow & { part: 1 | 2 | 3; window_rows: number | null; last_id: string | null }>`
    WITH m AS (SELECT id FROM (SELECT id, name_norm, kind FROM subjects ORDER BY id LIMIT ${o.window}) w
      WHERE (name_norm COLLATE "C") LIKE ${o.containsPattern} AND (name_norm COLLATE "C") NOT LIKE ${o.prefixPattern} AND ${PUBLIC_KINDS}
      ORDER BY id LIMIT ${o.limit})
    SELECT part, ${SEARCH_COLUMNS}, window_rows, last_id FROM (
      SELECT 1 AS part, row_number() OVER (ORDER BY (name_norm COLLATE "C"), id) AS ord, ${SEARCH_COLUMNS}, NULL::int AS window_rows, NULL::text AS last_id FROM (
        SELECT ${SEARCH_COLUMNS} FROM subjects
        WHERE (name_norm COLLATE "C") LIKE ${o.prefixPattern} AND ${PUBLIC_KINDS}
        ORDER BY (name_norm COLLATE "C"), id LIMIT ${o.limit}) p
    UNION ALL
      SELECT 2, id, ${SEARCH_COLUMNS}, NULL, NULL FROM subjects WHERE id IN (SELECT id FROM m)
    UNION ALL
      -- Only when the window did not fill the page: then it was read to its end anyway.
      SELECT 3, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*)::int, max(id)::text
      FROM (SELECT id FROM subjects ORDER BY id LIMIT ${o.window}) w
      WHERE (SELECT count(*) FROM m) < ${o.limit} HAVING (SELECT count(*) FROM m) < ${o.limit}
    ) t ORDER BY part, ord`.execute(db);
  const strip = ({ part: _p, window_rows: _w, last_id: _l, ...row }: (typeof r.rows)[number]): SearchRow => row;
  const e = r.rows.find((x) => x.part === 3);
  const prefix = r.rows.filter((x) => x.part === 1).map(strip);
  const window = r.rows.filter((x) => x.part === 2).map(strip);
  return { prefix, window, extent: e ? { rows: e.window_rows ?? 0, lastId: e.last_id } : null };
}

/** How many subjects the window after `afterId` holds (at most `window`) and the last id in it. */
export async function windowExtent(db: DbOrTx, afterId: string | null, window: number): Promise<{ rows: number; lastId: string | null }> {
  const r = await sql<{ rows: number; last_id: string | null }>`SELECT count(*)::int AS rows, max(id)::text AS last_id
    FROM (SELECT id FROM subjects WHERE id > ${afterId ?? '0'}::bigint ORDER BY id LIMIT ${window}) w`.execute(db);
  return { rows: r.rows[0].rows, lastId: r.rows[0].last_id };
}

/** The planner's row count of subjects (pg_class.reltuples; -1 before the first ANALYZE). */
export async function estimatedSubjects(db: DbOrTx): Promise<number> {
  const r = await sql<{ n: number }>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'subjects'::regclass`.execute(db);
  return Math.max(0, Number(r.rows[0]?.n ?? 0));
}

/** Tier 2: the name contains the query but does not start with it; bigram GIN candidates confirmed by LIKE. */
export async function nameContainsPage(
  db: DbOrTx,
  o: { tsquery: string; containsPattern: string; prefixPattern: string; afterId: string | null; exclude: readonly string[]; limit: number },
): Promise<SearchRow[]> {
  const after = o.afterId ? sql`AND id > ${o.afterId}::bigint` : sql``;
  const r = await sql<SearchRow>`SELECT ${SEARCH_COLUMNS} FROM subjects
    WHERE name_bigrams @@ ${o.tsquery}::tsquery
      AND (name_norm COLLATE "C") LIKE ${o.containsPattern}
      AND (name_norm COLLATE "C") NOT LIKE ${o.prefixPattern}
      AND ${PUBLIC_KINDS} ${after} ${notIn(o.exclude)}
    ORDER BY id LIMIT ${o.limit}`.execute(db);
  return r.rows;
}

/** Tier 3: 拼音首字母 start with the query, for names that do not contain it as text. */
export async function pinyinPrefixPage(
  db: DbOrTx,
  o: { pattern: string; containsPattern: string; after: { key: string; id: string } | null; exclude: readonly string[]; limit: number },
): Promise<SearchRow[]> {
  const after = o.after ? sql`AND ((pinyin_initials COLLATE "C"), id) > (${o.after.key}, ${o.after.id}::bigint)` : sql``;
  const r = await sql<SearchRow>`SELECT ${SEARCH_COLUMNS} FROM subjects
    WHERE (pinyin_initials COLLATE "C") LIKE ${o.pattern}
      AND (name_norm COLLATE "C") NOT LIKE ${o.containsPattern}
      AND ${PUBLIC_KINDS} ${after} ${notIn(o.exclude)}
    ORDER BY (pinyin_initials COLLATE "C"), id LIMIT ${o.limit}`.execute(db);
  return r.rows;
}

/** What the public subject page may draw from; the encrypted ID number and its hash are never selected. */
export interface SubjectPageRow {
  id: string;
  kind: SubjectKind;
  name: string;
  uscc: string | null;
  legal_representative: string | null;
  region_code: string | null;
  registered_on: string | null;
}

/** One subject by id, or undefined; with `pool`, as a named prepared statement (the public page's hot path). */
export async function findSubjectPage(db: DbOrTx, id: string, pool?: pg.Pool): Promise<SubjectPageRow | undefined> {
  const q = db.selectFrom('subjects').select(['id', 'kind', 'name', 'uscc', 'legal_representative', 'region_code', 'registered_on']).where('id', '=', id);
  return pool ? (await executePrepared(pool, q))[0] : q.executeTakeFirst();
}

// ── Backfill of the JS-computed search columns ───────────────────────────────────────────────────────

/** Locks up to `limit` pending rows (pinyin_initials IS NULL) that no other backfill holds. Call in a transaction. */
export async function claimPending(trx: DbOrTx, limit: number): Promise<Array<{ id: string; name: string }>> {
  const r = await sql<{ id: string; name: string }>`SELECT id, name FROM subjects WHERE pinyin_initials IS NULL
    ORDER BY id LIMIT ${limit} FOR NO KEY UPDATE SKIP LOCKED`.execute(trx);
  return r.rows;
}

/**
 * Stores the search columns: name_norm and pinyin from JS, and the bigram tsvector text of that name_norm
 * (search.ts bigramsTsvector), which lets the row trigger skip the PL/pgSQL call (migration 20261208T0840s).
 * A row renamed since it was read is left pending (the trigger reset it).
 */
export async function storeSearchColumns(
  trx: DbOrTx,
  rows: ReadonlyArray<{ id: string; name: string; nameNorm: string; bigrams: string; pinyinInitials: string }>,
): Promise<number> {
  if (!rows.length) return 0;
  const r = await sql`UPDATE subjects s SET name_norm = v.norm, name_bigrams = v.bigrams::tsvector, pinyin_initials = v.py
    FROM unnest(${rows.map((x) => x.id)}::bigint[], ${rows.map((x) => x.name)}::text[],
                ${rows.map((x) => x.nameNorm)}::text[], ${rows.map((x) => x.bigrams)}::text[],
                ${rows.map((x) => x.pinyinInitials)}::text[]) AS v(id, name, norm, bigrams, py)
    WHERE s.id = v.id AND s.name = v.name`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

/** True while some committed row still waits for the backfill. */
export async function hasPending(db: DbOrTx): Promise<boolean> {
  const r = await sql<{ one: number }>`SELECT 1 AS one FROM subjects WHERE pinyin_initials IS NULL LIMIT 1`.execute(db);
  return r.rows.length > 0;
}

export interface SubjectBasics {
  id: string;
  kind: 'legal' | 'individual_business' | 'natural_person';
  name: string;
  uscc: string | null;
  legal_representative: string | null;
  region_code: string | null;
  registered_on: string | null;
}

/** A subject's basic information (never its ID-number columns), e.g. for a credit report's header. */
export async function subjectBasics(db: DbOrTx, id: string): Promise<SubjectBasics | undefined> {
  return db
    .selectFrom('subjects')
    .select(['id', 'kind', 'name', 'uscc', 'legal_representative', 'region_code', 'registered_on'])
    .where('id', '=', id)
    .executeTakeFirst();
}
