// Public surface of the subjects domain (主体库) for other domains and the shell.
export { subjectsJobs } from './subjects.jobs.ts';
