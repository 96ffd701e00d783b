// The ingest domain's jobs (run by the platform's job runner, listed by src/shell/jobs.ts).
import type { JobDefinition } from '../../platform/jobs.ts';
import { importJob, sweepAbandonedImports } from './import.job.ts';
import { protectStoredRejects } from './rejects.ts';

/** Background imports, the sweep of abandoned batches, and the one-off protection of old rejected rows. */
export const ingestJobs: JobDefinition[] = [
  {
    kind: 'periodic',
    name: 'abandoned-batches',
    description: '将中断的导入批次标记为失败（未写入任何数据，可重新上传）；仍在排队重新导入的批次除外',
    everyMs: 10 * 60 * 1000,
    async run(ctx) {
      return `标记失败批次 ${await sweepAbandonedImports(ctx.db)} 个`;
    },
  },
  {
    // Rows rejected before 20261206T0600 kept personal cells in plain text; SQL has no secret to encrypt them,
    // so this job does it once at start-up (idempotent: later runs find nothing).
    kind: 'periodic',
    name: 'reject-cells',
    description: '退回行个人信息保护：升级前存储的退回行中的个人信息改为脱敏存储、原文加密',
    everyMs: 24 * 60 * 60 * 1000,
    async run(ctx) {
      return `加密退回行 ${await protectStoredRejects(ctx.db, ctx.config.secret)} 行`;
    },
  },
  importJob(),
];
