// Public records (公示): the one query that decides what the public may see — audience 'public' and the
// period not yet over today — and the shaping that keeps only 社会公开 fields, with labels for codes.
// Used by the public API and by the credit report.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { compileItem } from '../catalog/catalog.model.ts';
import type { CatalogItem } from '../catalog/catalog.schemas.ts';

export type PublicRow = {
  id: string;
  record_type: string;
  item_id: string;
  subject_id: string | null;
  doc_no: string;
  decision_date: string | null;
  public_until: string | null;
  publicity: unknown;
  content: unknown;
  definition: unknown;
};

export type PublicRecord = {
  id: string;
  type: string;
  itemName: string;
  subjectId: string | null;
  subjectName: string | null;
  docNo: string;
  decisionDate: string | null;
  authority: string | null;
  publicUntil: string | null;
  publicity: string;
  fields: Array<{ name: string; value: string }>;
};

/** Shapes one record for the public: 社会公开 fields only, labels instead of codes. */
export function toPublic(r: PublicRow): PublicRecord {
  const item = r.definition as CatalogItem;
  const c = compileItem(item);
  const content = r.content as Record<string, string | number | null>;
  const byRole = (role: string) => item.items.find((f) => f.role === role)?.code;
  const label = (code: string, v: string | number | null): string => {
    if (v === null || v === '') return '';
    const table = c.enums.get(code);
    if (!table) return String(v);
    return String(v)
      .split(';')
      .map((x) => table.byCode.get(x)?.label ?? x)
      .join('、');
  };
  const fields = item.items
    .filter((f) => f.visibility === '社会公开' && f.inTemplate !== false)
    .map((f) => ({ name: f.name, value: label(f.code, content[f.code] ?? null) }))
    .filter((f) => f.value !== '');
  const nameField = byRole('subject_name');
  const authorityField = byRole('authority_name');
  return {
    id: r.id,
    type: r.record_type,
    itemName: item.name,
    subjectId: r.subject_id,
    subjectName: nameField ? (content[nameField] as string | null) : null,
    docNo: r.doc_no,
    decisionDate: r.decision_date,
    authority: authorityField ? (content[authorityField] as string | null) : null,
    publicUntil: r.public_until,
    publicity: ((r.publicity as { explanation?: string } | null)?.explanation ?? '') as string,
    fields,
  };
}

export function publicRecords(db: DbOrTx) {
  return db
    .selectFrom('records as r')
    .innerJoin('record_versions as v', (j) => j.onRef('v.record_id', '=', 'r.id').onRef('v.version', '=', 'r.current_version'))
    .innerJoin('catalog_versions as c', (j) => j.onRef('c.item_id', '=', 'r.item_id').onRef('c.version', '=', 'v.catalog_version'))
    .select(['r.id', 'r.record_type', 'r.item_id', 'r.subject_id', 'r.doc_no', 'r.decision_date', 'r.public_until', 'r.publicity', 'v.content', 'c.definition'])
    .where('r.audience', '=', 'public')
    // Publicity is decided per day; a record whose period ended since the last job run is not shown either.
    .where((eb) => eb.or([eb('r.public_until', 'is', null), eb('r.public_until', '>=', sql<string>`(now() AT TIME ZONE 'Asia/Shanghai')::date`)]));
}

// Keyset cursor over (decision_date desc, id desc), encoded as "date|id".
function applyCursor<T extends ReturnType<typeof publicRecords>>(q: T, cursor: string | undefined): T {
  if (!cursor) return q;
  const [date, id] = cursor.split('|');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date ?? '') || !/^\d{1,19}$/.test(id ?? '')) return q;
  return q.where(sql<boolean>`(coalesce(r.decision_date, '1900-01-01'), r.id) < (${date}::date, ${id}::bigint)`) as T;
}

export async function page(q: ReturnType<typeof publicRecords>, cursor: string | undefined, limit: number) {
  const rows = (await applyCursor(q, cursor)
    .orderBy(sql`coalesce(r.decision_date, '1900-01-01')`, 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit + 1)
    .execute()) as PublicRow[];
  const items = rows.slice(0, limit).map(toPublic);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? `${last.decisionDate ?? '1900-01-01'}|${last.id}` : null };
}


/** Every record of a subject that is public today, newest first (for subject pages and the credit report). */
export async function publicRecordsOfSubject(db: DbOrTx, subjectId: string, types?: string[]): Promise<PublicRecord[]> {
  let q = publicRecords(db).where('r.subject_id', '=', subjectId);
  if (types?.length) q = q.where('r.record_type', 'in', types);
  const rows = (await q.orderBy(sql`coalesce(r.decision_date, '1900-01-01')`, 'desc').orderBy('r.id', 'desc').execute()) as PublicRow[];
  return rows.map(toPublic);
}
