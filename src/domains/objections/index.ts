// Public face of the objections domain (异议申诉): filing, 初审, the department's outcome, the queue, the
// desk's to-dos and the figures for monitoring and scorecards. Other domains import objections only from here.
export { fileObjection, lookupObjection, addMaterial, precheck, decideObjection, staffObjections, staffObjection, objectionNo, type ObjectionEnv } from './objections.service.ts';
export { objectionStats } from './objections.stats.ts';
export { objectionsTodos } from './objections.todos.ts';
export { objectionSettings, DEFAULT_OBJECTION_SETTINGS, type ObjectionSettings } from './objections.settings.ts';
export type { ObjectionStats } from './objections.schemas.ts';
export { objectionHandlingByDepartment } from './handling.stats.ts';
export { objectionsJobs, objectionDeadlineNotices } from './objections.deadlines.ts';
export { objectionsAuditTargets } from './audit.targets.ts';
