// The lists domain's jobs (listed by src/shell/jobs.ts): the hand-over of committed list batches from ingest, and
// the daily end of entries whose validity has passed.
import type { JobDefinition } from '../../platform/jobs.ts';
import { expireEntries } from './lifecycle.ts';
import { syncCollectedEntries } from './sync.ts';

/** Every minute: read committed 黑名单/红名单 batches into the register (sync.ts). */
export const LISTS_SYNC_JOB: JobDefinition = {
  name: 'lists.sync',
  kind: 'periodic',
  description: '将已入库的红名单、黑名单记录登记到名单库（去重）',
  everyMs: 60_000,
  retries: 1,
  async run(ctx) {
    const r = await syncCollectedEntries(ctx.db);
    return `读取批次 ${r.batches} 个，新增名单条目 ${r.entries} 条，移出 ${r.ended} 条`;
  },
};

/** Hourly: entries past their validity are removed (有效期届满移出), with history and audit. */
export const LISTS_EXPIRE_JOB: JobDefinition = {
  name: 'lists.expire',
  kind: 'periodic',
  description: '名单有效期届满的条目移出',
  everyMs: 3_600_000,
  async run(ctx) {
    const n = await expireEntries(ctx.db, { actor: { username: 'lists.expire' } });
    return `有效期届满移出 ${n} 条`;
  },
};

export const listsJobs: JobDefinition[] = [LISTS_SYNC_JOB, LISTS_EXPIRE_JOB];
