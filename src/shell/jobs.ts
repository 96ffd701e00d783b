// Composition: every job of every domain, in one list the platform's runner runs (`serve`, test apps) and
// `citycredit jobs list|run` reads. A domain declares its jobs beside its code and exports them from index.ts.
import type { JobDefinition } from '../platform/jobs.ts';
import { ingestJobs } from '../domains/ingest/index.ts';
import { publicityJobs } from '../domains/publicity/index.ts';
import { subjectsJobs } from '../domains/subjects/index.ts';
import { listsJobs } from '../domains/lists/index.ts';
import { sanctionsJobs } from '../domains/sanctions/index.ts';
import { repairJobs } from '../domains/repair/index.ts';
import { objectionsJobs } from '../domains/objections/index.ts';
import { feedbackDeadlineJobs } from '../domains/sanctions/index.ts';

/** The registered jobs, by domain. */
export const JOBS: JobDefinition[] = [...publicityJobs, ...ingestJobs, ...subjectsJobs, ...listsJobs, ...sanctionsJobs];

// Deadline reminders (issue 15 §4): each domain with working-day deadlines declares its own periodic job.
JOBS.push(...repairJobs, ...objectionsJobs, ...feedbackDeadlineJobs);
