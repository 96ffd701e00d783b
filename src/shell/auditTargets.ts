// Composition: every domain's audit-target namers (src/platform/auditTargets.ts), so that the audit log names the
// objects it lists without the auth domain reading other domains' tables. Adding a kind is one line here.
import type { AuditTargetNamer } from '../platform/auditTargets.ts';
import { authAuditTargets } from '../domains/auth/index.ts';
import { catalogAuditTargets } from '../domains/catalog/index.ts';
import { ingestAuditTargets } from '../domains/ingest/index.ts';
import { listsAuditTargets } from '../domains/lists/index.ts';
import { repairAuditTargets } from '../domains/repair/index.ts';
import { objectionsAuditTargets } from '../domains/objections/index.ts';
import { commitmentsAuditTargets } from '../domains/commitments/index.ts';
import { sanctionsAuditTargets } from '../domains/sanctions/index.ts';
import { monitoringAuditTargets } from '../domains/monitoring/index.ts';
import { reportsAuditTargets } from '../domains/reports/index.ts';
import { publicityAuditTargets } from '../domains/publicity/index.ts';

/** The namers the audit log asks, by domain. */
export const AUDIT_TARGET_NAMERS: AuditTargetNamer[] = [
  ...authAuditTargets,
  ...ingestAuditTargets,
  ...catalogAuditTargets,
  ...listsAuditTargets,
  ...repairAuditTargets,
  ...objectionsAuditTargets,
  ...commitmentsAuditTargets,
  ...sanctionsAuditTargets,
  ...monitoringAuditTargets,
  ...reportsAuditTargets,
  ...publicityAuditTargets,
];
