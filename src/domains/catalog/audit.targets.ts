// The audit log's words for a catalogue version (platform/auditTargets.ts): `catalog:item@version` reads as the
// item's name and version number.
import { sql, type RawBuilder } from 'kysely';
import type { AuditTargetNamer } from '../../platform/auditTargets.ts';

/** Catalogue versions named for the audit log (`item@version`; a bare item id names its latest version). */
export const catalogAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'catalog',
    sql: (ids) => sql`
      SELECT DISTINCT ON (t.id) t.id, v.name || ' 第 ' || v.version || ' 版' AS name
      FROM unnest(${ids}::text[]) AS t(id)
      JOIN catalog_versions v ON v.item_id = split_part(t.id, '@', 1)
       AND (position('@' IN t.id) = 0 OR v.version::text = split_part(t.id, '@', 2))
      ORDER BY t.id, v.version DESC`,
  },
];

/** SQL for a catalogue item's name in its latest version, for other domains' audit namers (they may not read catalog_versions). */
export function catalogItemNameSql(itemId: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`(SELECT v.name FROM catalog_versions v WHERE v.item_id = (${itemId})::text ORDER BY v.version DESC LIMIT 1)`;
}
