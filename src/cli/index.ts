// `citycredit` — the command line: thin shells over the same services the HTTP app uses.
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { backupDatabase, readManifest, restoreDatabase } from '../db/backup.ts';
import { migrate } from '../db/index.ts';
import { EmbeddedServerError } from '../db/embedded.ts';
import { createApiKey } from '../domains/auth/apikeys.service.ts';
import { createUser, findDepartment, ROLES } from '../domains/auth/auth.service.ts';
import type { Role } from '../db/types.ts';
import { AppError } from '../platform/errors.ts';
import { demoLoaded, formatCredentials, seedDemo, seedDepartments } from '../platform/seed.ts';
import { openContext, serve } from '../server.ts';
import { registerCodesCommands } from './codes.ts';
import { registerMonitorCommands } from './monitor.ts';
import { registerImportCommand } from './import.ts';
import { registerScorecardsCommand } from './scorecards.ts';
import { registerEventsCommands } from './events.ts';

const CLI_ACTOR = { actor: { username: 'cli' }, ip: 'cli' };

function config(): Config {
  return loadConfig();
}

/** Runs fn with an open, migrated database and closes it afterwards. */
async function withContext<T>(fn: (c: Awaited<ReturnType<typeof openContext>>) => Promise<T>): Promise<T> {
  const c = await openContext(config());
  try {
    return await fn(c);
  } finally {
    await c.database.close();
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program.name('citycredit').description('CityCredit 城市信用平台 命令行工具').showHelpAfterError();

  program
    .command('serve')
    .description('启动平台（默认使用内置 PostgreSQL，首次启动载入演示数据）')
    .action(async () => {
      await serve(config());
    });

  const db = program.command('db').description('数据库维护');
  db.command('migrate')
    .description('执行数据库迁移')
    .action(async () => {
      await withContext(async ({ database }) => {
        const v = await migrate(database.db);
        process.stdout.write(`数据库已迁移到最新版本：${v}\n`);
      });
    });
  db.command('backup <file>')
    .description('备份整个数据库（一致性快照，gzip 压缩，含清单和校验和）')
    .action(async (file: string) => {
      await withContext(async ({ database }) => {
        const m = await backupDatabase(database.url, file);
        const rows = m.tables.reduce((s, t) => s + t.rows, 0);
        process.stdout.write(`备份完成：${file}（${m.tables.length} 张表，${rows} 行，迁移版本 ${m.migrations.at(-1)}）\n`);
      });
    });
  db.command('restore <file>')
    .description('把备份恢复到一个空数据库（迁移版本须一致）')
    .action(async (file: string) => {
      await readManifest(file);
      await withContext(async ({ database }) => {
        const m = await restoreDatabase(database.url, file);
        const rows = m.tables.reduce((s, t) => s + t.rows, 0);
        process.stdout.write(`恢复完成：${m.tables.length} 张表，${rows} 行，校验和全部一致\n`);
      });
    });

  program
    .command('seed')
    .description('载入基础数据（部门）；加 --demo 载入演示数据')
    .option('--demo', '载入演示主体和每个角色一个演示账号', false)
    .option('--subjects <n>', '演示主体数量', (v) => Number(v))
    .action(async (opts: { demo: boolean; subjects?: number }) => {
      await withContext(async ({ database, ctx }) => {
        const added = await seedDepartments(database.db, ctx.config);
        process.stdout.write(`部门：新增 ${added} 个\n`);
        if (opts.demo) {
          if (await demoLoaded(database.db)) process.stdout.write('演示数据已载入过，仅补充缺少的演示账号\n');
          const creds = await seedDemo(database.db, ctx.config, { subjects: opts.subjects });
          process.stdout.write(formatCredentials(creds, `http://localhost:${ctx.config.port}`) + '\n');
        }
      });
    });

  const users = program.command('users').description('用户管理');
  users
    .command('add')
    .description('添加用户')
    .requiredOption('--username <name>', '用户名')
    .requiredOption('--role <role>', `角色：${Object.entries(ROLES).map(([k, v]) => `${k}（${v}）`).join('、')}`)
    .option('--name <displayName>', '姓名')
    .option('--dept <dept>', '所属部门：编码或全称')
    .option('--password <password>', '密码（不填则随机生成并显示一次）')
    .action(async (opts: { username: string; role: Role; name?: string; dept?: string; password?: string }) => {
      await withContext(async ({ database }) => {
        const dep = opts.dept ? await findDepartment(database.db, opts.dept) : undefined;
        if (opts.dept && !dep) throw new AppError('department_not_found', `找不到部门“${opts.dept}”`);
        const { randomToken } = await import('../platform/crypto.ts');
        const password = opts.password ?? `Cc${randomToken(9)}9`;
        const u = await createUser(
          database.db,
          'system',
          { username: opts.username, displayName: opts.name ?? opts.username, role: opts.role, departmentId: dep?.id ?? null, password },
          CLI_ACTOR,
        );
        process.stdout.write(`已创建用户 ${u.username}（${ROLES[u.role]}${u.departmentName ? '，' + u.departmentName : ''}）${opts.password ? '' : `，初始密码：${password}`}\n`);
      });
    });

  const apikey = program.command('apikey').description('部门系统 API 密钥');
  apikey
    .command('create')
    .description('为部门创建 API 密钥（密钥只显示一次）')
    .requiredOption('--dept <dept>', '部门：编码或全称')
    .option('--name <name>', '用途说明', '部门业务系统')
    .action(async (opts: { dept: string; name: string }) => {
      await withContext(async ({ database, ctx }) => {
        const dep = await findDepartment(database.db, opts.dept);
        if (!dep) throw new AppError('department_not_found', `找不到部门“${opts.dept}”`);
        const k = await createApiKey(database.db, ctx.config, 'system', { departmentId: dep.id, name: opts.name }, CLI_ACTOR);
        process.stdout.write(`部门：${dep.name}\nappKey：${k.appKey}\nsecret：${k.secret}\n（secret 只显示这一次，请妥善保存）\n`);
      });
    });

  const jobs = program.command('jobs').description('后台任务');
  jobs
    .command('list')
    .description('列出后台任务')
    .action(async () => {
      const { JOBS } = await import('../platform/jobs.ts');
      for (const j of JOBS) process.stdout.write(`${j.name}\t每 ${Math.round(j.everyMs / 60000)} 分钟\t${j.description}\n`);
    });
  jobs
    .command('run <name>')
    .description('立即运行一个后台任务（如 publicity）')
    .option('--all', '对全部记录重新判断（如公示规则调整后）', false)
    .action(async (name: string, opts: { all: boolean }) => {
      const { JOBS } = await import('../platform/jobs.ts');
      const job = JOBS.find((j) => j.name === name);
      if (!job) throw new AppError('job_not_found', `没有名为“${name}”的任务。可用：${JOBS.map((j) => j.name).join('、')}`);
      await withContext(async ({ ctx }) => {
        process.stdout.write(`${job.description}\n${await job.run(ctx, opts)}\n`);
      });
    });

  registerCodesCommands(program);
  registerMonitorCommands(program);
  registerImportCommand(program, (fn) => withContext(({ ctx }) => fn(ctx)));
  registerScorecardsCommand(program, (fn) => withContext(({ ctx }) => fn(ctx)));
  registerEventsCommands(program, (fn) => withContext(({ ctx }) => fn(ctx)));
  return program;
}

/** Prints an error for a person: config problems listed, expected errors in Chinese, the rest briefly. */
function report(e: unknown): never {
  if (e instanceof ConfigError || e instanceof EmbeddedServerError) process.stderr.write(`${e.message}\n`);
  else if (e instanceof AppError) process.stderr.write(`错误（${e.code}）：${e.message}\n`);
  else process.stderr.write(`错误：${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof ConfigError ? 78 : 1);
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  report(e);
}
