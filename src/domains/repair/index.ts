// Public face of the repair domain (信用修复): the figures for monitoring and the scorecards, the desk's to-dos,
// and the plug-in points (identity service, scanner). Other domains import repair only from here.
import type { TodoProvider } from '../../platform/todos.ts';
import { repairTodoItems } from './repair.service.ts';

export { repairStats, type RepairStats } from './repair.service.ts';
export { STAFF_CHECKED_IDENTITY, type ApplicantClaim, type IdentityOutcome, type IdentityProvider } from './identity.ts';
export { commandScanner, type MaterialScanner, type ScanResult } from './materials.ts';
export { repairRoutesWith, type RepairRouteOptions } from './repair.routes.ts';

/** The desk's repair to-dos: applications to forward (credit office), to decide (department), overdue ones. */
export const repairTodos: TodoProvider[] = [(db, user) => repairTodoItems(db, user)];
export { repairHandlingByDepartment, type HandlingCount } from './repair.stats.ts';
export { repairJobs, repairDeadlineNotices } from './repair.deadlines.ts';
export { applyForRepair, decideRepair, forwardRepair } from './repair.service.ts';
export { repairAuditTargets } from './audit.targets.ts';
