// `citycredit lists screen <file> --scenario 政府采购 --dept <dept> --out result.xlsx`: batch screening (批量比对)
// from the command line, through the same service as the console upload; the check is stored for the
// department's feedback and audited with actor cli.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command } from 'commander';
import type { AppContext } from '../platform/http.ts';
import { AppError } from '../platform/errors.ts';
import { findDepartment } from '../domains/auth/auth.service.ts';
import { screenFile } from '../domains/sanctions/index.ts';

/** Adds the `lists` group (`lists screen`); `open` provides the database context. */
export function registerListsCommands(program: Command, open: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>): void {
  const lists = program.command('lists').description('红黑名单与联合奖惩：批量比对');
  lists
    .command('screen <file>')
    .description('批量比对一个 CSV/XLSX 文件（统一社会信用代码、身份证号码或名称，不超过 100,000 行），输出结果表')
    .requiredOption('--scenario <scenario>', '业务场景：行政审批、政府采购、招标投标、财政资金、评优评先、任职、融资信贷、其他')
    .requiredOption('--dept <dept>', '核查部门：编码或全称')
    .requiredOption('--out <file>', '结果表（.xlsx）')
    .action(async (file: string, opts: { scenario: string; dept: string; out: string }) => {
      const bytes = await readFile(file);
      const r = await open(async (ctx) => {
        const dept = await findDepartment(ctx.db, opts.dept);
        if (!dept) throw new AppError('department_not_found', `找不到部门“${opts.dept}”`);
        return ctx.db.transaction().execute((trx) =>
          screenFile(trx, { secret: ctx.config.secret, departmentId: dept.id, scenario: opts.scenario, fileName: basename(file), bytes }, { actor: { username: 'cli' }, ip: 'cli' }),
        );
      });
      await writeFile(opts.out, r.xlsx);
      const s = r.summary;
      process.stdout.write(
        `核查编号 ${r.caseNo}：比对 ${s.rows} 行，找到 ${s.found}，命中黑名单 ${s.black}，命中红名单 ${s.red}，未找到 ${s.notFound}（不代表没有失信记录），待人工核实 ${s.review}，错误 ${s.invalid}\n结果表：${opts.out}\n`,
      );
    });
}
