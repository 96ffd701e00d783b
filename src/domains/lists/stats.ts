// List statistics (issue 14 §7, the lists half; docs/domain/04-joint-measures.md §4.2 item 4): list sizes by type,
// entries added / removed / repaired in a period and the red-list share (a 2020 monitoring indicator). Exported for
// monitoring and assessment; check and feedback figures belong to the sanctions domain.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { registryFigures } from '../subjects/index.ts';
import type { ListStats } from './lists.schemas.ts';
import { listTypes } from './types.service.ts';

/**
 * Figures for the period [from, to] (days, inclusive). `active` counts entries in force on `to`; the shares divide
 * the subjects with an entry in force on `to` by the registry's organisations (法人、非法人组织和个体工商户) — the
 * monitoring's denominator for 黑名单企业占比 [M].
 */
export async function listStatistics(db: DbOrTx, from: string, to: string): Promise<ListStats> {
  const inForce = sql<boolean>`status = 'listed' AND coalesce(listed_on, created_at::date) <= ${to}::date AND (expires_on IS NULL OR expires_on >= ${to}::date)`;
  const rows = await db
    .selectFrom('list_entries')
    .select([
      'list_type',
      sql<number>`count(*) FILTER (WHERE ${inForce})::int`.as('active'),
      sql<number>`count(*) FILTER (WHERE listed_on BETWEEN ${from}::date AND ${to}::date AND status IN ('listed', 'removed'))::int`.as('added'),
      sql<number>`count(*) FILTER (WHERE removed_on BETWEEN ${from}::date AND ${to}::date)::int`.as('removed'),
      sql<number>`count(*) FILTER (WHERE removed_on BETWEEN ${from}::date AND ${to}::date AND removed_reason = 'repaired')::int`.as('repaired'),
    ])
    .groupBy('list_type')
    .execute();
  const by = new Map(rows.map((r) => [r.list_type, r]));
  const types = await listTypes(db);
  const colorOf = new Map(types.map((t) => [t.code, t.color]));
  const shares = await db
    .selectFrom('list_entries')
    .select(['list_type', 'subject_id'])
    .distinct()
    .where(inForce)
    .execute();
  const red = new Set<string>();
  const black = new Set<string>();
  for (const s of shares) (colorOf.get(s.list_type) === 'red' ? red : black).add(s.subject_id);
  const { organisations } = await registryFigures(db);
  return {
    from,
    to,
    byType: types.map((t) => {
      const r = by.get(t.code);
      return { code: t.code, name: t.name, color: t.color, active: r?.active ?? 0, added: r?.added ?? 0, removed: r?.removed ?? 0, repaired: r?.repaired ?? 0 };
    }),
    subjects: organisations,
    redSubjects: red.size,
    blackSubjects: black.size,
    redShare: organisations > 0 ? red.size / organisations : null,
    blackShare: organisations > 0 ? black.size / organisations : null,
  };
}
