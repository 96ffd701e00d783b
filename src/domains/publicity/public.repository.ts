// Public records (公示): the one query that decides what the public may see — audience 'public' and the
// period not yet over today — and the shaping that keeps only 社会公开 fields, with labels for codes.
// Used by the public API and by the credit report.
//
// Personal data (src/domains/codes/pii.ts, docs/domain/03-publicity.md §3.5) is handled here, once for every public path: ID-number
// fields and fields the catalogue marks 公开时脱敏 are left out (not even a masked ID number is public); an
// individual business's operator (法定代表人, a natural person other than the party) is left out; the name
// of a natural person the record is about follows PUBLIC_PERSON_NAME; every text that remains is scrubbed of
// ID, mobile and bank-card numbers.
import { sql } from 'kysely';
import type pg from 'pg';
import { executePrepared, type DbOrTx } from '../../db/index.ts';
import { compileItem } from '../catalog/index.ts';
import { definitionKey, itemDefinitions } from '../catalog/index.ts';
import type { CatalogItem } from '../catalog/index.ts';
import { publicPersonName, scrubPersonalNumbers, type PublicPersonName } from '../codes/index.ts';

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
  /** 异议处理中: an objection against the record is open (docs/domain/03-publicity.md §3.4). */
  underObjection?: true;
};

/** How public output treats personal data; the setting comes from the config (PUBLIC_PERSON_NAME). */
export interface PublicPolicy {
  personName: PublicPersonName;
}
/** docs/domain/03-publicity.md §3.5: the penalised person's name may be shown. */
export const DEFAULT_PUBLIC_POLICY: PublicPolicy = { personName: 'full' };

// Fields never published whatever the catalogue says: ID numbers of the party and of the legal representative.
const ID_ROLES: ReadonlySet<string> = new Set(['subject_id_number', 'legal_rep_id_number']);

/** The department's 公示截止期 field (role publicity_end, or so named in an item without roles). */
const isDepartmentEndDate = (f: CatalogItem['items'][number]) => f.role === 'publicity_end' || f.name === '公示截止期';

const CATEGORY_KINDS: Record<string, string> = { 法人及非法人组织: 'legal', 个体工商户: 'individual_business', 自然人: 'natural_person' };

/** What toPublic needs of a catalogue item, worked out once per definition object. */
interface PublicShape {
  compiled: ReturnType<typeof compileItem>;
  fields: CatalogItem['items'];
  nameField: string | undefined;
  authorityField: string | undefined;
  legalRepField: string | undefined;
  categoryField: string | undefined;
}
const shapes = new WeakMap<CatalogItem, PublicShape>();

function publicShape(item: CatalogItem): PublicShape {
  let s = shapes.get(item);
  if (!s) {
    const byRole = (role: string) => item.items.find((f) => f.role === role)?.code;
    s = {
      compiled: compileItem(item),
      // The department's own 公示截止期 is left out: the engine decides publicity (docs/domain/01-sgs.md §1.3:
      // derive it from the §3 rules, do not trust the feed), so the public sees the engine's 公示至 only and
      // never a second end date that may disagree with it (issue 17 §2).
      fields: item.items.filter(
        (f) => f.visibility === '社会公开' && f.inTemplate !== false && !f.masked && !(f.role && ID_ROLES.has(f.role)) && !isDepartmentEndDate(f),
      ),
      nameField: byRole('subject_name'),
      authorityField: byRole('authority_name'),
      legalRepField: byRole('legal_rep_name'),
      categoryField: byRole('subject_category'),
    };
    shapes.set(item, s);
  }
  return s;
}

/**
 * Shapes one record for the public with its catalogue definition: 社会公开 fields only, labels instead of
 * codes, personal data handled as the header says (the subject's kind comes from the registry row).
 */
export function toPublic(r: PublicRecordRow, item: CatalogItem, policy: PublicPolicy = DEFAULT_PUBLIC_POLICY): PublicRecord {
  const { compiled: c, fields: publicFields, nameField, authorityField, legalRepField, categoryField } = publicShape(item);
  const content = r.content as Record<string, string | number | null>;
  const label = (code: string, v: string | number | null): string => {
    if (v === null || v === '') return '';
    const table = c.enums.get(code);
    if (!table) return String(v);
    return String(v)
      .split(';')
      .map((x) => table.byCode.get(x)?.label ?? x)
      .join('、');
  };
  const opts = { decisionDate: r.decision_date };
  // The registry's kind; a record without a linked subject falls back to its 行政相对人类别.
  const category = categoryField ? label(categoryField, content[categoryField] ?? null) : '';
  const kind = r.subject_kind ?? CATEGORY_KINDS[category] ?? null;
  const person = kind === 'natural_person';
  const text = (code: string, v: string): string => (person && code === nameField ? publicPersonName(v, policy.personName) : scrubPersonalNumbers(v, opts));
  const fields = publicFields
    // An individual business's operator is a natural person other than the party (a person has none).
    .filter((f) => !(f.code === legalRepField && kind !== 'legal'))
    .map((f) => ({ name: f.name, value: text(f.code, label(f.code, content[f.code] ?? null)) }))
    .filter((f) => f.value !== '');
  const name = nameField ? (content[nameField] as string | null) : null;
  const authority = authorityField ? (content[authorityField] as string | null) : null;
  return {
    id: r.id,
    type: r.record_type,
    itemName: item.name,
    subjectId: r.subject_id,
    subjectName: name === null ? null : text(nameField!, String(name)),
    docNo: scrubPersonalNumbers(r.doc_no, opts),
    decisionDate: r.decision_date,
    authority: authority === null ? null : scrubPersonalNumbers(String(authority), opts),
    publicUntil: r.public_until,
    publicity: scrubPersonalNumbers(r.explanation ?? '', opts),
    fields,
    ...(r.objection_mark === 'marked' ? { underObjection: true as const } : {}),
  };
}

/** One row of publicRecords: the record, its current version's content and the catalogue version it was validated against. */
export type PublicRecordRow = {
  id: string;
  record_type: string;
  item_id: string;
  subject_id: string | null;
  doc_no: string;
  decision_date: string | null;
  public_until: string | null;
  explanation: string | null;
  content: unknown;
  catalog_version: number;
  /** The registry's kind of the subject (legal, individual_business, natural_person); null when unknown. */
  subject_kind?: string | null;
  /** Set by the objections domain through ingest while an objection is open. */
  objection_mark?: 'marked' | 'hidden' | null;
};

/**
 * The records the public may see today, as a query to narrow and order. Two tables and only the columns the
 * public shape needs: the catalogue definition (about 10 KB of JSON) comes from itemDefinitions' memory, not
 * from a join, and of the publicity decision only its explanation is read. Planning this is about half the
 * cost of the three-table join it replaced, and the rows are a tenth of the bytes.
 */
export function publicRecords(db: DbOrTx) {
  return db
    .selectFrom('records as r')
    // The current version's content is on the record row itself (migration 20261208T0835w). Joining the
    // record_versions view here instead made the planner scan every record for a subject's records tab (0.8 s
    // at 1,000,000 records, measured by `npm run bench -- public`).
    // The subject's kind decides how its name and its operator are shown (a primary-key probe per row).
    .leftJoin('subjects as s', 's.id', 'r.subject_id')
    .select([
      'r.id',
      'r.record_type',
      'r.item_id',
      'r.subject_id',
      'r.doc_no',
      'r.decision_date',
      'r.public_until',
      sql<string | null>`r.publicity->>'explanation'`.as('explanation'),
      'r.content',
      // Never null on a public record: only records with a version are decided public.
      sql<number>`r.catalog_version`.as('catalog_version'),
      's.kind as subject_kind',
      'r.objection_mark',
    ])
    .where('r.audience', '=', 'public')
    // docs/domain/03-publicity.md §3.4: while an objection is open the record is marked, or hidden when the
    // credit office chose so (setting objections.whileOpen).
    .where((eb) => eb.or([eb('r.objection_mark', 'is', null), eb('r.objection_mark', '<>', 'hidden')]))
    // Publicity is decided per day; a record whose period ended since the last job run is not shown either.
    .where((eb) => eb.or([eb('r.public_until', 'is', null), eb('r.public_until', '>=', sql<string>`(now() AT TIME ZONE 'Asia/Shanghai')::date`)]));
}

/** Shapes rows of publicRecords with their catalogue definitions (a row whose version is not stored is left out, as the join did). */
export async function shapePublic(db: DbOrTx, rows: readonly PublicRecordRow[], policy: PublicPolicy = DEFAULT_PUBLIC_POLICY): Promise<PublicRecord[]> {
  if (!rows.length) return [];
  const defs = await itemDefinitions(
    db,
    rows.map((r) => ({ itemId: r.item_id, version: r.catalog_version })),
  );
  const out: PublicRecord[] = [];
  for (const r of rows) {
    const definition = defs.get(definitionKey(r.item_id, r.catalog_version));
    if (!definition) continue;
    out.push(toPublic(r, definition, policy));
  }
  return out;
}

/** One record the public may see, or undefined. */
export async function findPublicRecord(db: DbOrTx, id: string, policy: PublicPolicy = DEFAULT_PUBLIC_POLICY): Promise<PublicRecord | undefined> {
  const row = await publicRecords(db).where('r.id', '=', id).executeTakeFirst();
  return row ? (await shapePublic(db, [row], policy))[0] : undefined;
}

// Keyset cursor over (decision_date desc, id desc), encoded as "date|id".
function applyCursor<T extends ReturnType<typeof publicRecords>>(q: T, cursor: string | undefined): T {
  if (!cursor) return q;
  const [date, id] = cursor.split('|');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date ?? '') || !/^\d{1,19}$/.test(id ?? '')) return q;
  return q.where(sql<boolean>`(coalesce(r.decision_date, '1900-01-01'), r.id) < (${date}::date, ${id}::bigint)`) as T;
}

/**
 * One page of public records, newest decision first, with the cursor of the next page. With `pool` the query
 * runs as a named prepared statement (executePrepared), for the hot public routes; never inside a transaction.
 */
export async function page(db: DbOrTx, q: ReturnType<typeof publicRecords>, o: { cursor: string | undefined; limit: number; pool?: pg.Pool; policy?: PublicPolicy }) {
  const { cursor, limit } = o;
  const query = applyCursor(q, cursor)
    .orderBy(sql`coalesce(r.decision_date, '1900-01-01')`, 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit + 1);
  const rows = o.pool ? await executePrepared(o.pool, query) : await query.execute();
  const items = await shapePublic(db, rows.slice(0, limit), o.policy);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? `${last.decisionDate ?? '1900-01-01'}|${last.id}` : null };
}

/** Every record of a subject that is public today, newest first (for subject pages and the credit report). */
export async function publicRecordsOfSubject(db: DbOrTx, subjectId: string, types?: string[], policy: PublicPolicy = DEFAULT_PUBLIC_POLICY): Promise<PublicRecord[]> {
  let q = publicRecords(db).where('r.subject_id', '=', subjectId);
  if (types?.length) q = q.where('r.record_type', 'in', types);
  return shapePublic(db, await q.orderBy(sql`coalesce(r.decision_date, '1900-01-01')`, 'desc').orderBy('r.id', 'desc').execute(), policy);
}

/** Whether a subject has a record the public may see today (its name is then the party of a published record). */
export async function hasPublicRecord(db: DbOrTx, subjectId: string): Promise<boolean> {
  return (await publicRecords(db).where('r.subject_id', '=', subjectId).limit(1).executeTakeFirst()) !== undefined;
}

/** How many records of each type of a subject the public may see today (the counts on the subject page's tabs). */
export async function publicCountsOfSubject(db: DbOrTx, subjectId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('records as r')
    .select(['r.record_type', sql<number>`count(*)::int`.as('n')])
    .where('r.subject_id', '=', subjectId)
    .where('r.audience', '=', 'public')
    .where((eb) => eb.or([eb('r.public_until', 'is', null), eb('r.public_until', '>=', sql<string>`(now() AT TIME ZONE 'Asia/Shanghai')::date`)]))
    .groupBy('r.record_type')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.record_type, r.n]));
}
