// The audit log's words for the publicity rules setting (platform/auditTargets.ts): `setting:publicity.settings`.
import { sql } from 'kysely';
import type { AuditTargetNamer } from '../../platform/auditTargets.ts';
import { PUBLICITY_SETTINGS_KEY } from './settings.store.ts';

/** The publicity settings named for the audit log. */
export const publicityAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'setting',
    sql: (ids) => sql`SELECT id, '公示期规则'::text AS name FROM unnest(${ids}::text[]) AS id WHERE id = ${PUBLICITY_SETTINGS_KEY}`,
  },
];
