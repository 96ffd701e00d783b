// Public face of the lists domain (红黑名单: list types, the entry register, the local lifecycle).
export { activeEntriesForSubjects, registerEntry, endEntriesForRecords } from './register.ts';
export { activeEntriesJson } from './register.ts';
export type { ActiveListEntry, NewListEntry } from './register.ts';
export { installBuiltinListTypes, listTypes } from './types.service.ts';
export { syncCollectedEntries } from './sync.ts';
export { listStatistics } from './stats.ts';
export { listsTodos } from './todos.ts';
export { listsJobs } from './lists.jobs.ts';
export { publicSubjectEntries, reportListEntries } from './query.ts';
export type { ListStats, PublicEntry } from './lists.schemas.ts';
export { startSyncOnCommit, type SyncWake } from './sync.wake.ts';
export { blacklistFigures, type BlacklistFigures } from './monitoring.stats.ts';
export { listsAuditTargets } from './audit.targets.ts';
