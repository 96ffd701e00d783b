// Public face of the sanctions domain (联合奖惩: measures, pre-action checks, screening, feedback, statistics).
import type { TodoProvider } from '../../platform/todos.ts';
import { checksWithoutFeedback } from './feedback.service.ts';

export { activeMeasures, measuresApplying, type Measure } from './measures.ts';
export { installShippedMeasures } from './measures.seed.ts';
export { runCheck, type CheckAnswer, type SubjectAnswer } from './check.service.ts';
export { feedbackByDepartment, sanctionsEvidence, sanctionStats, type Period } from './stats.service.ts';
export { SCENARIOS, KNOWN_LIST_TYPES } from './scenarios.ts';
export { screenFile, MAX_SCREENING_ROWS, type ScreeningResult, type ScreeningSummary } from './screening.ts';
export { sanctionsJobs } from './screening.job.ts';
/** The department desk's to-dos of this domain (the lead wires them into src/shell/todos.ts). */
export const sanctionsTodos: TodoProvider[] = [checksWithoutFeedback];
export { publishedCaseCounts } from './monitoring.stats.ts';
export { feedbackDeadlineJobs, feedbackDeadlineNotices } from './feedback.deadlines.ts';
/** The credit office's desk item of this domain: checks past their feedback deadline, all departments. */
export { overdueFeedbackForOffice } from './feedback.deadlines.ts';
export { markNotable, recordFeedback } from './feedback.service.ts';
export { checkBatchStats, traceCheckBatches } from './check.batch.ts';
export { sanctionsAuditTargets } from './audit.targets.ts';
