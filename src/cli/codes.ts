// `citycredit codes …`: a thin shell over the codes domain. Needs no database.
import { Command, Option } from 'commander';
import {
  CHECK_KIND_OPTIONS,
  runCodesCheck,
  type CheckKindOption,
  type CheckStreamOptions,
  type CheckStreamSummary,
} from '../domains/codes/index.ts';

export { runCodesCheck, type CheckStreamOptions, type CheckStreamSummary };

/** Adds `codes check` to the program: one code per line on stdin, one verdict per line on stdout. */
export function registerCodesCommands(program: Command): void {
  const codes = program.command('codes').description('统一社会信用代码、组织机构代码、身份证号码等代码工具');
  codes
    .command('check')
    .description(
      '从标准输入逐行读取代码并校验；每行输出“输入<TAB>结论<TAB>类型<TAB>原因代码”，结论为 valid|warning|invalid',
    )
    .addOption(
      new Option('--kind <kind>', '代码类型（auto 为自动识别）').choices([...CHECK_KIND_OPTIONS]).default('auto'),
    )
    .option('--json', '每行输出一个 JSON 对象（含中文说明和解析结果）', false)
    .action(async (opts: { kind: CheckKindOption; json: boolean }) => {
      const summary = await runCodesCheck(process.stdin, process.stdout, { kind: opts.kind, json: opts.json });
      // The summary goes to stderr so that stdout stays one line per input line.
      if (process.stderr.isTTY) {
        process.stderr.write(
          `共 ${summary.total} 条：有效 ${summary.valid}，需注意 ${summary.warning}，无效 ${summary.invalid}\n`,
        );
      }
    });
}
