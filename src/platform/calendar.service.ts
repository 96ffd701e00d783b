// The credit office's holiday/调休 overrides, stored in the database, feeding the working-day calendar
// used for 超期上报 (7 working days, docs/domain/01-sgs.md §1.1) and repair deadlines.
import type { Db, DbOrTx } from '../db/index.ts';
import { audit, type AuditContext } from './audit.ts';
import { AppError } from './errors.ts';
import { createWorkCalendar, type CalendarOverride, type WorkCalendar } from './workCalendar.ts';

/** All overrides, by day. */
export async function listOverrides(db: DbOrTx): Promise<CalendarOverride[]> {
  const rows = await db.selectFrom('calendar_overrides').select(['day', 'kind', 'name']).orderBy('day').execute();
  return rows.map((r) => ({ date: r.day, kind: r.kind, ...(r.name ? { name: r.name } : {}) }));
}

/** The working-day calendar with the stored overrides applied. */
export async function loadCalendar(db: DbOrTx): Promise<WorkCalendar> {
  return createWorkCalendar(await listOverrides(db));
}

/** Adds or replaces overrides for a set of days (e.g. one year's State Council schedule), atomically. */
export async function saveOverrides(db: Db, userId: number, days: CalendarOverride[], ctx: AuditContext): Promise<number> {
  for (const d of days) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date) || Number.isNaN(Date.parse(`${d.date}T00:00:00Z`))) {
      throw new AppError('calendar_bad_date', `日期格式应为 YYYY-MM-DD：${d.date}`, 400);
    }
  }
  await db.transaction().execute(async (trx) => {
    for (const d of days) {
      await trx
        .insertInto('calendar_overrides')
        .values({ day: d.date, kind: d.kind, name: d.name ?? null, created_by: userId })
        .onConflict((oc) => oc.column('day').doUpdateSet({ kind: d.kind, name: d.name ?? null, created_by: userId, created_at: new Date() }))
        .execute();
    }
    await audit(trx, ctx, { action: 'calendar.save', detail: { days: days.length, first: days[0]?.date, last: days.at(-1)?.date } });
  });
  return days.length;
}

/** Removes one override. */
export async function deleteOverride(db: Db, day: string, ctx: AuditContext): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('calendar_overrides').where('day', '=', day).execute();
    await audit(trx, ctx, { action: 'calendar.delete', target: day });
  });
}
