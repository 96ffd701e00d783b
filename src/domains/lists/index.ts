// Public face of the lists domain (红黑名单: list types, the entry register, the local lifecycle).
export { activeEntriesForSubjects, registerEntry, endEntriesForRecords } from './register.ts';
export type { ActiveListEntry, NewListEntry } from './register.ts';
