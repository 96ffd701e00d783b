// The subjects domain's jobs (run by the platform's job runner, listed by src/shell/jobs.ts).
import type { JobDefinition } from '../../platform/jobs.ts';
import { backfillSearchColumns, startSearchIndexer } from './subjects.service.ts';

/**
 * The search indexer as a service job: started with the server, it completes the search columns at start-up and
 * after every write of subjects by any process (woken by the trigger's NOTIFY; the trigger is its clock), and
 * records its last pass or problem in the jobs table. Stopped when the app closes.
 */
export const subjectsJobs: JobDefinition[] = [
  {
    kind: 'service',
    name: 'subject-search',
    description: '主体检索字段补全：主体新增或改名后补全名称、拼音等检索字段（由数据库通知唤醒）',
    start: (ctx, report) => startSearchIndexer(ctx.db, ctx.pool, { info: (m) => report(m), warn: (m) => report(null, m) }),
    async once(ctx) {
      return `已补全 ${await backfillSearchColumns(ctx.db)} 个主体的检索字段`;
    },
  },
];
