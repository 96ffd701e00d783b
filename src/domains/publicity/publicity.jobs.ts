// The publicity domain's jobs (run by the platform's job runner, listed by src/shell/jobs.ts).
import type { JobDefinition } from '../../platform/jobs.ts';
import { refreshPublicity } from './publicity.service.ts';

// Due dates are calendar days in the city's time zone.
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** Records leave publicity when withdrawn, repaired or past their period (hourly; `--all` re-decides every record). */
export const publicityJobs: JobDefinition[] = [
  {
    kind: 'periodic',
    name: 'publicity',
    description: '公示到期与状态更新：撤销、修复、超过最长公示期的记录自动退出公示',
    everyMs: 60 * 60 * 1000,
    async run(ctx, opts) {
      const r = await refreshPublicity(ctx.db, ctx.config.secret, opts?.all ? { all: true } : { dueBy: today() });
      return `检查 ${r.checked} 条记录，公示状态变化 ${r.changed} 条`;
    },
  },
];
