// The command groups whose modules load only when a command line names them. `citycredit --help` lists each
// group from this table without importing its module, so the heavy libraries behind a group (pg, exceljs,
// pdfmake, docx …) stay off the start-up path; `citycredit monitor …` imports the monitor modules and nothing
// else. The listing must read as if every module were loaded: groups.test.ts compares the two helps.
import { Help, type Command } from 'commander';
import type { AppContext } from '../platform/http.ts';

/** Runs fn with an open, migrated database context and closes it afterwards (provided by the program). */
export type OpenContext = <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>;

export interface LazyGroup {
  /** The top-level command name. */
  name: string;
  /** How `--help` lists it (commander's term: name, `[options]`, arguments). */
  term: string;
  /** Its one-line description, the same the module gives the command. */
  summary: string;
  /** Imports the group's modules and registers their commands on the program. */
  load(program: Command, open: OpenContext): Promise<void>;
}

/** In the order `--help` lists them, after the commands the program declares itself. */
export const LAZY_GROUPS: readonly LazyGroup[] = [
  {
    name: 'codes',
    term: 'codes',
    summary: '统一社会信用代码、组织机构代码、身份证号码等代码工具',
    load: async (program) => (await import('./codes.ts')).registerCodesCommands(program),
  },
  {
    name: 'monitor',
    term: 'monitor',
    summary: '城市信用状况监测：对比、通报',
    load: async (program, open) => {
      (await import('./monitor.ts')).registerMonitorCommands(program);
      (await import('./scorecards.ts')).registerScorecardsCommand(program, open);
    },
  },
  {
    name: 'events',
    term: 'events',
    summary: '信用事件监测',
    load: async (program, open) => {
      (await import('./monitor.ts')).registerMonitorCommands(program);
      (await import('./events.ts')).registerEventsCommands(program, open);
    },
  },
  {
    name: 'import',
    term: 'import [options] <file>',
    summary: '导入一个 CSV/XLSX/XLS 文件（与控制台上传同一校验流程），输出回执',
    load: async (program, open) => (await import('./import.ts')).registerImportCommand(program, open),
  },
  {
    name: 'publicity',
    term: 'publicity',
    summary: '公示期规则',
    load: async (program, open) => (await import('./publicity.ts')).registerPublicityCommands(program, open),
  },
  {
    name: 'lists',
    term: 'lists',
    summary: '红黑名单与联合奖惩：批量比对',
    load: async (program, open) => (await import('./lists.ts')).registerListsCommands(program, open),
  },
  {
    name: 'users',
    term: 'users',
    summary: '用户管理（账号与角色）',
    load: async (program, open) => (await import('./users.ts')).registerUsersCommands(program, open),
  },
];

/** The command a command line runs: its first word that is not an option (`help <command>` names the next). */
export function namedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * Registers the lazy groups on the program: the one the command line names with its real commands (its
 * modules imported now), every other as a placeholder that only `--help` ever sees.
 */
export async function registerLazyGroups(program: Command, args: readonly string[], open: OpenContext): Promise<void> {
  const named = namedCommand(args);
  const terms = new Map<Command, string>();
  for (const g of LAZY_GROUPS) {
    if (g.name === named) await g.load(program, open);
    // A module may register a second group (monitor.ts adds `events` too); that one is then real already.
    else if (!program.commands.some((c) => c.name() === g.name)) terms.set(program.command(g.name).description(g.summary), g.term);
  }
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? help.subcommandTerm(cmd) });
}
