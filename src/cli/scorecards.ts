// `citycredit monitor scorecards [--month YYYY-MM] [--out file.xlsx] [--json]`: the monthly department
// scorecards (部门考核) from the collection data, as the console shows them, for a credit-office script.
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { AppContext } from '../platform/http.ts';
import { currentMonth, scorecardsFor, scorecardsView, scorecardsXlsx } from '../domains/assessment/index.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(Math.round(x * 1000) / 10).toFixed(1)}%`);

/** Core of the command: prints a ranking table (or JSON) and optionally writes the .xlsx. */
export async function runScorecards(ctx: AppContext, out: Writable, args: { month?: string; out?: string; json?: boolean }): Promise<number> {
  const result = await scorecardsFor(ctx.db, args.month ?? currentMonth());
  const view = scorecardsView(result);
  if (args.out) await writeFile(args.out, await scorecardsXlsx(result));
  if (args.json) {
    out.write(JSON.stringify(view, null, 2) + '\n');
    return view.items.length;
  }
  out.write(`部门考核（${view.month}）：${view.items.length} 个部门${view.expectedKnown ? '' : '（未设置应报条数，完成率不计分）'}\n`);
  out.write(['排名', '部门', '上报', '按时上报率', '一次通过率', '已更正/退回', '平均更正用时', '综合得分'].join('\t') + '\n');
  for (const c of view.items) {
    out.write(
      [
        c.rank ?? '—',
        c.name,
        c.reported,
        pct(c.onTimeShare),
        pct(c.firstPassRate),
        `${c.corrected}/${c.rejected}`,
        c.avgCorrectionDays === null ? '—' : `${c.avgCorrectionDays} 个工作日`,
        c.status === 'not_reported' ? '未报送' : c.score.toFixed(2),
      ].join('\t') + '\n',
    );
  }
  if (args.out) out.write(`已导出：${args.out}\n`);
  return view.items.length;
}

/** Adds `monitor scorecards` (needs the database: `open` provides the context). */
export function registerScorecardsCommand(program: Command, open: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>): void {
  const monitor = program.commands.find((c) => c.name() === 'monitor') ?? program.command('monitor');
  monitor
    .command('scorecards')
    .description('部门考核：按月计算各部门上报量、按时上报率、一次通过率、更正用时与综合得分')
    .option('--month <YYYY-MM>', '月份，默认本月')
    .option('--out <file>', '同时导出 .xlsx')
    .option('--json', '输出 JSON')
    .action(async (opts: { month?: string; out?: string; json?: boolean }) => {
      await open((ctx) => runScorecards(ctx, process.stdout, opts));
    });
}
