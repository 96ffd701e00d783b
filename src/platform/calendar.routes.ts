// Working-day calendar: overrides (节假日/调休) kept by the credit office, and the coverage alert.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { deleteOverride, listOverrides, loadCalendar, saveOverrides } from './calendar.service.ts';
import { auditCtx, requireUser } from './http.ts';

const OverrideSchema = Type.Object({
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  kind: Type.Union([Type.Literal('workday'), Type.Literal('holiday')]),
  name: Type.Optional(Type.String({ maxLength: 50 })),
});

/** Registers /api/calendar routes. */
export default async function calendarRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = app.ctx;

  app.get(
    '/api/calendar',
    {
      schema: {
        tags: ['工作日历'],
        summary: '节假日调整与覆盖情况（缺少安排的年份按仅周末计算，结果为暂定）',
        response: {
          200: Type.Object({
            overrides: Type.Array(OverrideSchema),
            coveredYears: Type.Array(Type.Integer()),
            uncoveredYears: Type.Array(Type.Integer()),
            alert: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      await requireUser(req);
      const cal = await loadCalendar(db);
      const now = new Date();
      // This year and next: the State Council publishes next year's schedule late in the year.
      const uncovered = cal.uncoveredYears(now, new Date(Date.UTC(now.getUTCFullYear() + 1, 11, 31)));
      return {
        overrides: await listOverrides(db),
        coveredYears: cal.coveredYears(),
        uncoveredYears: uncovered,
        alert: uncovered.length
          ? `${uncovered.join('、')} 年的节假日安排尚未录入：涉及这些年份的工作日计算（超期上报、修复时限）暂按仅周末休息处理，结果标记为“暂定”。请在国务院办公厅发布通知后录入。`
          : null,
      };
    },
  );

  app.put(
    '/api/calendar/overrides',
    { schema: { tags: ['工作日历'], summary: '录入或更新节假日/调休（可一次录入全年）', body: Type.Object({ days: Type.Array(OverrideSchema, { minItems: 1, maxItems: 400 }) }) } },
    async (req) => {
      const user = await requireUser(req, ['admin']);
      return { saved: await saveOverrides(db, user.id, req.body.days, auditCtx(req)) };
    },
  );

  app.delete(
    '/api/calendar/overrides/:date',
    { schema: { tags: ['工作日历'], summary: '删除一条调整', params: Type.Object({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }) } },
    async (req) => {
      await requireUser(req, ['admin']);
      await deleteOverride(db, req.params.date, auditCtx(req));
      return { ok: true };
    },
  );
}
