// `citycredit events retrain` (issue 16 §2): rebuilds the credit-event classifier from the shipped labelled titles and
// every staff decision (复核 and 人工修正) kept in the database, records the build and prints its held-out accuracy.
// A thin shell over the monitoring service; runEventsRetrain takes the context and a stream so tests call it directly.
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { retrainClassifier, type ClassifierBuild } from '../domains/monitoring/events.service.ts';
import type { AppContext } from '../platform/http.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Retrains, records the build (audited as the CLI) and prints the figures; returns the build. */
export async function runEventsRetrain(ctx: AppContext, out: Writable, args: { json?: boolean } = {}): Promise<ClassifierBuild> {
  const build = await retrainClassifier(ctx.db, 'cli', { actor: { username: 'cli' }, ip: 'cli' });
  if (args.json) out.write(JSON.stringify(build, null, 2) + '\n');
  else {
    out.write(`事件分类模型已重新训练：内置标注样本 ${build.shippedTitles} 条，人工复核/修正样本 ${build.staffLabels} 条\n`);
    out.write(`留出测试集（${build.heldOut} 条，训练从未使用）准确率：领域 ${pct(build.domainAccuracy)}，子领域 ${pct(build.subdomainAccuracy)}，优良/不良 ${pct(build.polarityAccuracy)}\n`);
  }
  return build;
}

/** Adds `events retrain` to the program's `events` group (created by the monitor commands, or here). */
export function registerEventsCommands(program: Command, open: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>): void {
  const events = program.commands.find((c) => c.name() === 'events') ?? program.command('events').description('信用事件监测');
  events
    .command('retrain')
    .description('用内置标注样本和数据库中的人工复核/修正结果重新训练事件分类模型，并输出留出测试集准确率')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { json?: boolean }) => {
      await open((ctx) => runEventsRetrain(ctx, process.stdout, opts));
    });
}
