// The public face of the records (公示): only records whose audience is 'public' on the day, only fields
// the catalogue marks 社会公开, enum codes shown as their Chinese labels. A record that is not public
// answers 404, never 403, so that nothing about it leaks (issue: public service, bad input). Personal data
// follows the one policy of public.repository.ts / src/domains/codes/pii.ts (PUBLIC_PERSON_NAME).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import { findPublicRecord, page, publicCountsOfSubject, publicRecords } from './public.repository.ts';
import { PublicRecordPageSchema as PageSchema, PublicRecordSchema } from './publicity.schemas.ts';

const TABS = { permit: ['permit'], penalty: ['penalty'], red: ['red_list'], black: ['black_list'], commitment: ['commitment'], evaluation: ['evaluation'] } as const;
type Tab = keyof typeof TABS;

const RATE = { rateLimit: { max: 120, timeWindow: '1 minute' } };
const Cursor = Type.Optional(Type.String({ maxLength: 40 }));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 100 }));

/** Registers the public record routes. */
export default async function publicRecordRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, pool } = app.ctx;
  const policy = { personName: app.ctx.config.publicPersonName };

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
      const q = publicRecords(db).where('r.subject_id', '=', req.params.id).where('r.record_type', 'in', types);
      // The subject page's hot path: prepared, planned once per connection.
      return page(db, q, { cursor: req.query.cursor, limit: req.query.limit ?? 20, pool, policy });
    },
  );

  app.get(
    '/api/public/subjects/:id/counts',
    {
      config: RATE,
      schema: {
        tags: ['公开'],
        summary: '主体各栏目的公示信息条数（栏目标签上的数字）',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) }),
        response: { 200: Type.Record(Type.String(), Type.Integer({ minimum: 0 })) },
      },
    },
    async (req) => {
      const byType = await publicCountsOfSubject(db, req.params.id);
      return Object.fromEntries(Object.entries(TABS).map(([tab, types]) => [tab, types.reduce((a, t) => a + (byType[t] ?? 0), 0)]));
    },
  );

  app.get(
    '/api/public/records/:id',
    {
      config: RATE,
      schema: { tags: ['公开'], summary: '一条公示信息', params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) }), response: { 200: PublicRecordSchema } },
    },
    async (req) => {
      const record = await findPublicRecord(db, req.params.id, policy);
      if (!record) throw notFound('record_not_found', '未找到该公示信息');
      return record;
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
      return page(db, q, { cursor: req.query.cursor, limit: req.query.limit ?? 20, policy });
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
    async (req) =>
      page(db, publicRecords(db).where('r.record_type', '=', req.query.kind === 'red' ? 'red_list' : 'black_list'), { cursor: req.query.cursor, limit: req.query.limit ?? 20, policy }),
  );
}
