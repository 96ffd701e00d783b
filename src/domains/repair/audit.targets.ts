// The audit log's words for a credit-repair application (platform/auditTargets.ts): its number, as the deadline
// notices cite it, and the applying organisation (repair is for subjects with a USCC; the agent is never named);
// and the domain's settings (`setting:repair`).
import { sql } from 'kysely';
import { bigintIds, type AuditTargetNamer } from '../../platform/auditTargets.ts';
import { REPAIR_SETTINGS_KEY } from './repair.settings.ts';

/** Repair applications and the repair settings named for the audit log. */
export const repairAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'repair',
    sql: (ids) => sql`SELECT id, '编号 ' || id || '（' || subject_name || '）' AS name FROM repair_applications WHERE id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'setting',
    sql: (ids) => sql`SELECT id, '信用修复办理设置'::text AS name FROM unnest(${ids}::text[]) AS id WHERE id = ${REPAIR_SETTINGS_KEY}`,
  },
];
