// The public face of the records (公示): only records whose audience is 'public' on the day, only fields
// the catalogue marks 社会公开, enum codes shown as their Chinese labels. A record that is not public
// answers 404, never 403, so that nothing about it leaks (issue: public service, bad input).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { notFound } from '../../platform/errors.ts';
import { compileItem } from '../catalog/catalog.model.ts';
import type { CatalogItem } from '../catalog/catalog.schemas.ts';

const TABS = { permit: ['permit'], penalty: ['penalty'], red: ['red_list'], black: ['black_list'], commitment: ['commitment'], evaluation: ['evaluation'] } as const;
type Tab = keyof typeof TABS;

const PublicRecordSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  itemName: Type.String(),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  subjectName: Type.Union([Type.String(), Type.Null()]),
  docNo: Type.String(),
  decisionDate: Type.Union([Type.String(), Type.Null()]),
  authority: Type.Union([Type.String(), Type.Null()]),
  publicUntil: Type.Union([Type.String(), Type.Null()]),
  publicity: Type.String(),
  fields: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
});

const PageSchema = Type.Object({ items: Type.Array(PublicRecordSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });

type Row = {
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

type PublicRecord = {
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
function toPublic(r: Row): PublicRecord {
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

function publicRecords(db: DbOrTx) {
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

async function page(q: ReturnType<typeof publicRecords>, cursor: string | undefined, limit: number) {
  const rows = (await applyCursor(q, cursor)
    .orderBy(sql`coalesce(r.decision_date, '1900-01-01')`, 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit + 1)
    .execute()) as Row[];
  const items = rows.slice(0, limit).map(toPublic);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? `${last.decisionDate ?? '1900-01-01'}|${last.id}` : null };
}

const RATE = { rateLimit: { max: 120, timeWindow: '1 minute' } };
const Cursor = Type.Optional(Type.String({ maxLength: 40 }));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 100 }));

/** Registers the public record routes. */
export default async function publicRecordRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get(
    '/api/public/subjects/:id/records',
    {
      config: RATE,
      schema: {
        tags: ['公开'],
        summary: '主体的公示信息（按栏目：行政许可、行政处罚、守信激励、失信惩戒、信用承诺、信用评价）',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) }),
        querystring: Type.Object({
          tab: Type.Union(Object.keys(TABS).map((k) => Type.Literal(k))),
          cursor: Cursor,
          limit: Limit,
        }),
        response: { 200: PageSchema },
      },
    },
    async (req) => {
      const types = [...TABS[req.query.tab as Tab]];
      return page(publicRecords(db).where('r.subject_id', '=', req.params.id).where('r.record_type', 'in', types), req.query.cursor, req.query.limit ?? 20);
    },
  );

  app.get(
    '/api/public/records/:id',
    {
      config: RATE,
      schema: { tags: ['公开'], summary: '一条公示信息', params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) }), response: { 200: PublicRecordSchema } },
    },
    async (req) => {
      const row = (await publicRecords(db).where('r.id', '=', req.params.id).executeTakeFirst()) as Row | undefined;
      if (!row) throw notFound('record_not_found', '未找到该公示信息');
      return toPublic(row);
    },
  );

  app.get(
    '/api/public/sgs',
    {
      config: RATE,
      schema: {
        tags: ['公开'],
        summary: '双公示：行政许可、行政处罚（可按部门、日期筛选）',
        querystring: Type.Object({
          type: Type.Union([Type.Literal('permit'), Type.Literal('penalty')]),
          departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
          from: Type.Optional(Type.String({ format: 'date' })),
          to: Type.Optional(Type.String({ format: 'date' })),
          cursor: Cursor,
          limit: Limit,
        }),
        response: { 200: PageSchema },
      },
    },
    async (req) => {
      let q = publicRecords(db).where('r.record_type', '=', req.query.type);
      if (req.query.departmentId) q = q.where('r.department_id', '=', req.query.departmentId);
      if (req.query.from) q = q.where('r.decision_date', '>=', req.query.from);
      if (req.query.to) q = q.where('r.decision_date', '<=', req.query.to);
      return page(q, req.query.cursor, req.query.limit ?? 20);
    },
  );

  app.get(
    '/api/public/lists',
    {
      config: RATE,
      schema: {
        tags: ['公开'],
        summary: '红名单（守信激励）与黑名单（失信惩戒）',
        querystring: Type.Object({ kind: Type.Union([Type.Literal('red'), Type.Literal('black')]), cursor: Cursor, limit: Limit }),
        response: { 200: PageSchema },
      },
    },
    async (req) => page(publicRecords(db).where('r.record_type', '=', req.query.kind === 'red' ? 'red_list' : 'black_list'), req.query.cursor, req.query.limit ?? 20),
  );
}
