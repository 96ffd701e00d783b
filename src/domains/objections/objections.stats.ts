// Objection figures for the monitoring and the scorecards (issue 15 §5): how many were filed in a period, by
// ground and by outcome, how many are open and overdue, and the average handling time in working days.
import type { DbOrTx } from '../../db/index.ts';
import { OUTCOME_LABELS, SCOPE_LABELS, SCOPES, type ObjectionStats } from './objections.schemas.ts';
import { beijingDay } from './objections.settings.ts';

/** Figures of objections filed in [from, to] (Beijing days; both optional), per department when given. */
export async function objectionStats(db: DbOrTx, q: { from?: string; to?: string; departmentId?: number; now?: Date } = {}): Promise<ObjectionStats> {
  let base = db.selectFrom('objections');
  if (q.from) base = base.where('filed_at', '>=', new Date(`${q.from}T00:00:00+08:00`));
  if (q.to) base = base.where('filed_at', '<', new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000));
  if (q.departmentId) base = base.where('department_id', '=', q.departmentId);
  const today = beijingDay(q.now ?? new Date());
  const total = await base
    .select((eb) => [
      eb.fn.countAll<string>().as('filed'),
      eb.fn.count<string>('id').filterWhere('status', '<>', 'decided').as('open'),
      eb.fn.count<string>('id').filterWhere((w) => w.and([w('status', 'in', ['precheck', 'at_department']), w('due_on', '<', today)])).as('overdue'),
      eb.fn.avg<string | null>('working_days').as('avg'),
    ])
    .executeTakeFirstOrThrow();
  const scopes = await base.select((eb) => ['scope', eb.fn.countAll<string>().as('n')]).groupBy('scope').execute();
  const outcomes = await base.select((eb) => ['outcome', eb.fn.countAll<string>().as('n')]).where('outcome', 'is not', null).groupBy('outcome').execute();
  return {
    filed: Number(total.filed),
    open: Number(total.open),
    overdue: Number(total.overdue),
    byScope: SCOPES.map((s) => ({ scope: s, label: SCOPE_LABELS[s], count: Number(scopes.find((r) => r.scope === s)?.n ?? 0) })),
    byOutcome: (['corrected', 'withdrawn', 'refused'] as const).map((o) => ({ outcome: o, label: OUTCOME_LABELS[o], count: Number(outcomes.find((r) => r.outcome === o)?.n ?? 0) })),
    averageWorkingDays: total.avg === null ? null : Math.round(Number(total.avg) * 10) / 10,
  };
}
