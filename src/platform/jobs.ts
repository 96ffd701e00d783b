// Named, idempotent jobs with their schedule beside their code (STYLE.md practice 10). `serve` runs them on
// their interval; `citycredit jobs run <name>` runs one on demand.
import type { AppContext } from './http.ts';
import { refreshPublicity } from '../domains/publicity/publicity.service.ts';
import { sweepAbandonedBatches } from '../domains/ingest/ingest.service.ts';
import { protectStoredRejects } from '../domains/ingest/rejects.ts';

export interface Job {
  name: string;
  description: string;
  /** Milliseconds between runs while the server is up (first run at start-up). */
  everyMs: number;
  run(ctx: AppContext, opts?: { all?: boolean }): Promise<string>;
}

const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

export const JOBS: Job[] = [
  {
    name: 'publicity',
    description: '公示到期与状态更新：撤销、修复、超过最长公示期的记录自动退出公示',
    everyMs: 60 * 60 * 1000,
    async run(ctx, opts) {
      const r = await refreshPublicity(ctx.db, ctx.config.secret, opts?.all ? { all: true } : { dueBy: today() });
      return `检查 ${r.checked} 条记录，公示状态变化 ${r.changed} 条`;
    },
  },
  {
    name: 'abandoned-batches',
    description: '将中断的导入批次标记为失败（未写入任何数据，可重新上传）',
    everyMs: 10 * 60 * 1000,
    async run(ctx) {
      return `标记失败批次 ${await sweepAbandonedBatches(ctx.db)} 个`;
    },
  },
  {
    // Rows rejected before 20261206T0600 kept personal cells in plain text; SQL has no secret to encrypt them,
    // so this job does it once at start-up (idempotent: later runs find nothing).
    name: 'reject-cells',
    description: '退回行个人信息保护：升级前存储的退回行中的个人信息改为脱敏存储、原文加密',
    everyMs: 24 * 60 * 60 * 1000,
    async run(ctx) {
      return `加密退回行 ${await protectStoredRejects(ctx.db, ctx.config.secret)} 行`;
    },
  },
];

/** Starts every job on its interval; returns a function that stops them. Failures are logged, never thrown. */
export function startJobs(ctx: AppContext, log: (msg: string, err?: unknown) => void): () => void {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<string>();
  for (const job of JOBS) {
    const tick = async () => {
      if (running.has(job.name)) return; // never overlap a slow run with the next
      running.add(job.name);
      try {
        log(`[job ${job.name}] ${await job.run(ctx)}`);
      } catch (e) {
        log(`[job ${job.name}] failed`, e);
      } finally {
        running.delete(job.name);
      }
    };
    void tick();
    const t = setInterval(() => void tick(), job.everyMs);
    t.unref();
    timers.push(t);
  }
  return () => timers.forEach(clearInterval);
}
