// CLI commands of the monitoring domain: `monitor compare`, `monitor report` and `events classify`.
// Thin shells over src/domains/monitoring; they need no database. The run* cores take arguments
// and streams so tests call them directly. Errors are MonitoringError (an AppError), printed by
// the program's top-level handler.
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import {
  MonitoringError,
  RELATION_LABELS,
  buildReportModel,
  cityTrend,
  classifyEvents,
  classifyTitle,
  compare,
  compareJson,
  defaultClassifier,
  depthFirst,
  eventStats,
  formatFromFilename,
  importChecklistXlsx,
  inPeriod,
  parseEventsCsv,
  parseLabelledTsv,
  parseScores,
  renderReport,
  summarizeChecklist,
  unknownCity,
  validateChecklist,
  type CompareResult,
  type ReportFormat,
  type ReportInput,
  type ScoreTable,
} from '../domains/monitoring/index.ts';
import { displayWidth, fmt, monthLabel, normaliseMonth, padDisplay } from '../domains/monitoring/util.ts';

export interface CompareArgs {
  scores: string;
  city: string;
  month?: string;
  tree?: string;
  json?: boolean;
  /** file with one known city name per line */
  cities?: string;
}

export interface ReportArgs extends Omit<CompareArgs, 'json'> {
  out: string;
  /** CSV of credit events (title,date,…) used for the cause analysis */
  events?: string;
  /** institution checklist, .xlsx or .json */
  checklist?: string;
  /** date printed on the briefing (YYYY-MM-DD) */
  date?: string;
}

function checkMonth(month: string | undefined): string | undefined {
  if (month === undefined) return undefined;
  const m = normaliseMonth(month);
  if (!m) throw new MonitoringError('no_data', `月份「${month}」格式错误，应为 YYYY-MM`);
  return m;
}

/** Reads an input file; a missing file becomes a domain error with a Chinese message. */
async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new MonitoringError('file_not_found', `找不到文件：${path}`);
    throw err;
  }
}

async function loadTable(args: CompareArgs): Promise<ScoreTable> {
  const cities = args.cities ? (await readInput(args.cities)).toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean) : undefined;
  return parseScores(await readInput(args.scores), args.scores, { tree: args.tree, cities });
}

export function compareTable(c: CompareResult, table: ScoreTable): string {
  const parentOf = new Map(depthFirst(table.tree).map((n) => [n.code, n.parent]));
  const depth = (code: string): number => {
    const p = parentOf.get(code);
    return p ? 1 + depth(p) : 0;
  };
  // An unknown maximum is marked 「≥」: it is only the highest score the file shows.
  const rows = c.indicators.map((i) => [
    '  '.repeat(depth(i.code)) + i.name,
    fmt(i.score),
    fmt(i.average),
    RELATION_LABELS[i.relation],
    `${i.gap > 0 ? '+' : ''}${fmt(i.gap)}`,
    i.maxKnown ? fmt(i.max) : `≥${fmt(i.max)}`,
  ]);
  const head = ['指标', '得分', `${c.of}城平均`, '比较', '差距', '满分'];
  const widths = head.map((h, k) => Math.max(...[h, ...rows.map((r) => r[k])].map(displayWidth)));
  const line = (r: string[]) => r.map((cell, k) => padDisplay(cell, widths[k], k > 0)).join('  ');
  return [
    `${c.city} ${monthLabel(c.month)}（${table.tree.name}）`,
    `综合指数 ${fmt(c.composite)}，${c.of} 城平均 ${fmt(c.average)}，排名第 ${c.rank} / ${c.of} 位`,
    '',
    line(head),
    ...rows.map(line),
    ...(c.indicators.some((i) => !i.maxKnown) ? ['', '注：满分栏「≥」表示该指标满分未公布，所列为文件中所见最高分。'] : []),
    '',
  ].join('\n');
}

/** Core of `monitor compare`: prints JSON or a table and returns the comparison. */
export async function runMonitorCompare(args: CompareArgs, out: Writable): Promise<CompareResult> {
  const table = await loadTable(args);
  const c = compare(table, args.city, { month: checkMonth(args.month) });
  out.write(args.json ? JSON.stringify(compareJson(c), null, 2) + '\n' : compareTable(c, table));
  return c;
}

/** Core of `monitor report`: builds the briefing and writes it in the format of the output file's extension. */
export async function runMonitorReport(args: ReportArgs, out: Writable): Promise<{ file: string; format: ReportFormat; hasData: boolean }> {
  const format = formatFromFilename(args.out);
  const table = await loadTable(args);
  if (!table.cities.includes(args.city)) throw unknownCity(table, args.city);
  const month = checkMonth(args.month) ?? table.months[table.months.length - 1];
  // A month without data for the city yields a briefing that says so (no ranks, no division by zero).
  const hasRows = table.values.get(month)?.has(args.city) ?? false;
  const input: ReportInput = {
    tree: table.tree,
    city: args.city,
    month,
    compare: hasRows ? compare(table, args.city, { month }) : null,
    trend: cityTrend(table, args.city),
    date: args.date,
  };
  if (args.events) {
    const events = classifyEvents(defaultClassifier(), parseEventsCsv((await readInput(args.events)).toString('utf8')));
    const inMonth = inPeriod(events, month, month);
    input.events = { stats: eventStats(inMonth, { from: month, to: month }), samples: inMonth };
  }
  if (args.checklist) {
    const items =
      extname(args.checklist).toLowerCase() === '.json'
        ? validateChecklist(JSON.parse((await readInput(args.checklist)).toString('utf8')))
        : await importChecklistXlsx(await readInput(args.checklist));
    input.checklist = summarizeChecklist(items);
  }
  const model = buildReportModel(input);
  await writeFile(args.out, await renderReport(model, format));
  out.write(`已生成通报：${args.out}（${format.toUpperCase()}${model.hasData ? '' : '，本期无监测数据'}）\n`);
  return { file: args.out, format, hasData: model.hasData };
}

/** Core of `events classify`: one title per input line → title, domain, sub-domain, good|bad, confidence; returns the count. */
export async function runEventsClassify(input: Readable, out: Writable, args: { json?: boolean; overrides?: string } = {}): Promise<number> {
  const extra = args.overrides ? parseLabelledTsv((await readInput(args.overrides)).toString('utf8')) : undefined;
  const model = defaultClassifier(extra);
  const results = [];
  let count = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const title = line.trim();
    if (!title) continue;
    count++;
    const r = classifyTitle(model, title);
    if (args.json) results.push(r);
    // Tabs inside a title would shift the columns, so they become spaces.
    else out.write([title.replace(/\t/g, ' '), r.domain, r.subdomain, r.polarity, r.confidence.toFixed(2)].join('\t') + '\n');
  }
  if (args.json) out.write(JSON.stringify(results, null, 2) + '\n');
  return count;
}

function subcommand(parent: Command, name: string, description: string): Command {
  return parent.commands.find((c) => c.name() === name) ?? parent.command(name).description(description);
}

/** Adds `monitor compare`, `monitor report` and `events classify` to the CLI program. */
export function registerMonitorCommands(program: Command): void {
  const monitor = subcommand(program, 'monitor', '城市信用状况监测：对比、通报');
  monitor
    .command('compare')
    .description('与同类城市对比综合指数、排名及各项指标')
    .requiredOption('--scores <file>', '官方月度得分文件（.csv 或 .xlsx，列 month,city,indicator,score）')
    .requiredOption('--city <name>', '城市名称，如 西宁市')
    .option('--month <YYYY-MM>', '月份，默认取文件中最新月份')
    .option('--tree <id>', '指标体系：gen1 或 2020，默认按文件中的指标自动识别')
    .option('--cities <file>', '城市名单文件（每行一个），用于校验未知城市')
    .option('--json', '输出 JSON')
    .action(async (opts: CompareArgs) => {
      await runMonitorCompare(opts, process.stdout);
    });
  monitor
    .command('report')
    .description('生成监测分析通报（按输出文件扩展名生成 PDF、Word 或 HTML）')
    .requiredOption('--scores <file>', '官方月度得分文件（.csv 或 .xlsx）')
    .requiredOption('--city <name>', '城市名称')
    .requiredOption('--out <file>', '输出文件：.pdf、.docx 或 .html')
    .option('--month <YYYY-MM>', '月份，默认取文件中最新月份')
    .option('--tree <id>', '指标体系：gen1 或 2020')
    .option('--cities <file>', '城市名单文件（每行一个）')
    .option('--events <file>', '信用事件 CSV（title,date,source,link,summary,polarity），用于原因分析')
    .option('--checklist <file>', '信用制度清单（.xlsx 或 .json），用于原因分析')
    .option('--date <YYYY-MM-DD>', '通报落款日期，默认今天')
    .action(async (opts: ReportArgs) => {
      await runMonitorReport(opts, process.stdout);
    });

  const events = subcommand(program, 'events', '信用事件监测');
  events
    .command('classify')
    .description('从标准输入逐行读取事件标题，输出 标题、领域、子领域、good|bad、置信度（制表符分隔）')
    .option('--json', '输出 JSON（含分类依据）')
    .option('--overrides <file>', '人工修正样本（子领域<TAB>good|bad<TAB>标题），参与重新训练')
    .action(async (opts: { json?: boolean; overrides?: string }) => {
      await runEventsClassify(process.stdin, process.stdout, opts);
    });
}
