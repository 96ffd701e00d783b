// The register's black-list figures the city credit monitoring reads (issue 14 §7): the evidence for the gen-1
// tree's 黑名单企业占比, 单位黑名单违法记录 and 黑名单公开 (docs/domain/05-monitoring.md §5.1). Unlike
// `listStatistics` (all subjects against organisations), the share here counts organisations on both sides.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { registryFigures, subjectBasicsByIds } from '../subjects/index.ts';
import { listTypes } from './types.service.ts';

export interface BlacklistFigures {
  /** registered organisations (法人、非法人组织和个体工商户): the denominator of 黑名单企业占比 [M] */
  organisations: number;
  /** organisations with a black-list entry in force on `to` */
  blackOrganisations: number;
  /** black-list entries of organisations in force on `to` (单位黑名单) */
  organisationEntries: number;
  /** black-list entries of organisations listed within [from, to] */
  organisationEntriesAdded: number;
  /** black-list entries in force and published (列入并公示) on `to`, of any subject (黑名单公开) */
  published: number;
}

const CHUNK = 10_000;

/** Black-list figures of the register for the period [from, to] (days, inclusive); in force means on `to`. */
export async function blacklistFigures(db: DbOrTx, from: string, to: string): Promise<BlacklistFigures> {
  const black = (await listTypes(db)).filter((t) => t.color === 'black').map((t) => t.code);
  const { organisations } = await registryFigures(db);
  if (!black.length) return { organisations, blackOrganisations: 0, organisationEntries: 0, organisationEntriesAdded: 0, published: 0 };
  // 'listed' is the state 列入并公示: the entry is on the public list pages (docs/domain/04-joint-measures.md §4.2 step 1).
  const rows = await db
    .selectFrom('list_entries')
    .select([
      'subject_id',
      sql<number>`count(*) FILTER (WHERE coalesce(listed_on, created_at::date) <= ${to}::date AND (expires_on IS NULL OR expires_on >= ${to}::date) AND (removed_on IS NULL OR removed_on > ${to}::date))::int`.as('in_force'),
      sql<number>`count(*) FILTER (WHERE listed_on BETWEEN ${from}::date AND ${to}::date)::int`.as('added'),
    ])
    .where('list_type', 'in', black)
    .where('status', 'in', ['listed', 'removed'])
    .groupBy('subject_id')
    .execute();
  const kinds = new Map<string, string>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    for (const [id, s] of await subjectBasicsByIds(db, rows.slice(i, i + CHUNK).map((r) => r.subject_id))) kinds.set(id, s.kind);
  }
  let blackOrganisations = 0;
  let organisationEntries = 0;
  let organisationEntriesAdded = 0;
  let published = 0;
  for (const r of rows) {
    published += r.in_force;
    if (kinds.get(r.subject_id) === 'natural_person' || !kinds.has(r.subject_id)) continue;
    if (r.in_force > 0) blackOrganisations++;
    organisationEntries += r.in_force;
    organisationEntriesAdded += r.added;
  }
  return { organisations, blackOrganisations, organisationEntries, organisationEntriesAdded, published };
}
