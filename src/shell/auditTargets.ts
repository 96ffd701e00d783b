// Composition: every domain's audit-target namers (src/platform/auditTargets.ts), so that the audit log names the
// objects it lists without the auth domain reading other domains' tables. Adding a kind is one line here.
import type { AuditTargetNamer } from '../platform/auditTargets.ts';
import { authAuditTargets } from '../domains/auth/index.ts';
import { catalogAuditTargets } from '../domains/catalog/index.ts';
import { ingestAuditTargets } from '../domains/ingest/index.ts';
import { listsAuditTargets } from '../domains/lists/index.ts';

/** The namers the audit log asks, by domain. */
export const AUDIT_TARGET_NAMERS: AuditTargetNamer[] = [...authAuditTargets, ...ingestAuditTargets, ...catalogAuditTargets, ...listsAuditTargets];
