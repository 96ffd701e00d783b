// `citycredit` — the command line: thin shells over the same services the HTTP app uses.
// Start-up stays light: `citycredit --help` loads this file, commander, the config and the groups table,
// and nothing else. Each action imports what it needs when it runs, and a command group's module loads
// only when the command line names it (groups.ts), so no command pays for another's libraries.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import type { BackupManifest } from '../db/backup.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../platform/errors.ts';
import type { openContext } from '../server.ts';
import { registerLazyGroups } from './groups.ts';
import { DbError } from '../db/errors.ts';

const CLI_ACTOR = { actor: { username: 'cli' }, ip: 'cli' };

function config(): Config {
  return loadConfig();
}

/** Runs fn with an open, migrated database and closes it afterwards. */
async function withContext<T>(fn: (c: Awaited<ReturnType<typeof openContext>>) => Promise<T>): Promise<T> {
  const { openContext } = await import('../server.ts');
  const c = await openContext(config());
  try {
    return await fn(c);
  } finally {
    await c.database.close();
  }
}

/** Runs fn with the configured database opened as it is: no migration, no built-in catalogue (restore, verify). */
async function withDatabase<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../db/index.ts');
  const database = await openDatabase(config());
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

const sizeOf = (m: BackupManifest) => `${m.tables.length} 张表，${m.tables.reduce((s, t) => s + t.rows, 0)} 行`;

/** The secret a restore installs or runs with, recovered from the backup (passphrase) or this instance's own. */
async function restoreSecret(cfg: Config, manifest: BackupManifest, passphraseFile: string | undefined): Promise<{ secret: string; install: boolean }> {
  const { readPassphraseFile, unwrapSecret } = await import('../db/keys.ts');
  const { readInstanceSecret } = await import('../db/embedded.ts');
  if (passphraseFile) {
    const secret = await unwrapSecret(manifest.keys, await readPassphraseFile(passphraseFile));
    if (cfg.secret && cfg.secret !== secret) {
      throw new AppError('backup_secret_conflict', '环境变量 CITYCREDIT_SECRET 与备份中的实例密钥不同，恢复后将无法解密数据，未写入任何数据。请取消该变量（密钥将写入数据目录的 instance.json），或把它设为原实例的密钥');
    }
    return { secret, install: !cfg.secret };
  }
  const own = cfg.secret ?? (await readInstanceSecret(cfg.dataDir));
  if (!own) {
    throw new AppError(
      'backup_secret_required',
      `本实例还没有实例密钥（${resolve(cfg.dataDir, 'instance.json')} 不存在，也未设置 CITYCREDIT_SECRET），无法解密备份中的数据，未写入任何数据。请用 --passphrase-file 指定备份时的口令，或设置原实例的 CITYCREDIT_SECRET`,
    );
  }
  return { secret: own, install: false };
}

/** The program for a command line (args without `node` and the script): its named group loaded, the others listed. */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command();
  program.name('citycredit').description('CityCredit 城市信用平台 命令行工具').showHelpAfterError();

  program
    .command('serve')
    .description('启动平台（默认使用内置 PostgreSQL，首次启动载入演示数据）')
    .action(async () => {
      const { serve } = await import('../server.ts');
      await serve(config());
    });

  const db = program.command('db').description('数据库维护');
  db.command('migrate')
    .description('执行数据库迁移')
    .action(async () => {
      const { migrate } = await import('../db/index.ts');
      await withContext(async ({ database }) => {
        const v = await migrate(database.owner);
        process.stdout.write(`数据库已迁移到最新版本：${v}\n`);
      });
    });
  db.command('backup <file>')
    .description('备份整个数据库（一致性快照，gzip 压缩，含清单和校验和；文件权限 0600）')
    .option('--passphrase-file <file>', '用该文件中的口令（至少 12 个字符）加密后把实例密钥一并写入备份，恢复到其他机器时需要同一口令')
    .action(async (file: string, opts: { passphraseFile?: string }) => {
      const { readPassphraseFile } = await import('../db/keys.ts');
      const { backupDatabase } = await import('../db/backup.ts');
      const { audit } = await import('../platform/audit.ts');
      const passphrase = opts.passphraseFile ? await readPassphraseFile(opts.passphraseFile) : undefined;
      await withContext(async ({ database, ctx }) => {
        const target = resolve(file);
        let m: BackupManifest;
        try {
          m = await backupDatabase(database.url, target, { secret: ctx.config.secret, passphrase });
        } catch (e) {
          await audit(database.db, CLI_ACTOR, { action: 'db.backup', target, outcome: 'failed', detail: { osUser: userInfo().username, error: (e as Error).message } }).catch(() => undefined);
          throw e;
        }
        // Recorded after the snapshot, so the entry is in the database but not in this backup.
        const rows = Object.fromEntries(m.tables.map((t) => [t.name, t.rows]));
        await audit(database.db, CLI_ACTOR, {
          action: 'db.backup',
          target,
          detail: { osUser: userInfo().username, migration: m.migrations.at(-1), tables: m.tables.length, rows: m.tables.reduce((s, t) => s + t.rows, 0), secretIncluded: Boolean(m.keys?.wrapped), rowCounts: rows },
        });
        process.stdout.write(`备份完成：${target}（${sizeOf(m)}，迁移版本 ${m.migrations.at(-1)}）\n`);
        process.stdout.write(
          m.keys?.wrapped
            ? '实例密钥已用口令加密后写入备份；恢复时用 --passphrase-file 指定同一口令。\n'
            : '备份不含实例密钥：恢复到其他实例前须把本实例的 CITYCREDIT_SECRET（或数据目录中 instance.json 的 secret）一并迁移，或改用 --passphrase-file 备份。\n',
        );
      });
    });
  db.command('restore <file>')
    .description('把备份恢复到一个空数据库（全新的数据目录，或 DATABASE_URL 指向的空库）；先校验校验和与实例密钥，再在一个事务中写入')
    .option('--passphrase-file <file>', '备份时的口令文件：取出备份中的实例密钥并安装为本实例的密钥')
    .action(async (file: string, opts: { passphraseFile?: string }) => {
      const cfg = config();
      const { assertSecretFits, inspectBackup, restoreDatabase } = await import('../db/backup.ts');
      const { migrate } = await import('../db/index.ts');
      const { installInstanceSecret } = await import('../db/embedded.ts');
      const { audit } = await import('../platform/audit.ts');
      // Everything that can refuse the backup runs before the database is opened: a fresh data folder stays untouched.
      const inspected = await inspectBackup(file);
      const { secret, install } = await restoreSecret(cfg, inspected.manifest, opts.passphraseFile);
      assertSecretFits(inspected, secret);
      await withDatabase(async (database) => {
        // Migrations only: the built-in catalogue and departments come with the backup.
        await migrate(database.db);
        const m = await restoreDatabase(database.url, file, {
          secret,
          inspected,
          // The target is empty by now, so replacing its secret loses nothing; a failure here rolls the restore back.
          beforeLoad: install ? () => installInstanceSecret(cfg.dataDir, secret) : undefined,
        });
        await audit(database.db, CLI_ACTOR, {
          action: 'db.restore',
          target: resolve(file),
          detail: { osUser: userInfo().username, backupCreatedAt: m.createdAt, migration: m.migrations.at(-1), tables: m.tables.length, rows: m.tables.reduce((s, t) => s + t.rows, 0), secretInstalled: install },
        });
        process.stdout.write(`恢复完成：${sizeOf(m)}，校验和全部一致${install ? `；实例密钥已写入 ${resolve(cfg.dataDir, 'instance.json')}` : ''}\n`);
        process.stdout.write(`可运行 citycredit db verify --manifest ${file} 检查恢复结果\n`);
      });
    });
  db.command('verify')
    .description('一致性检查：行数（与备份清单比对）、加密数据可解密性抽样、序列是否超过最大 id；有问题时退出码非零')
    .option('--manifest <file>', '与该备份文件（或保存为 .json 的清单）中的行数比对')
    .action(async (opts: { manifest?: string }) => {
      const cfg = config();
      const { readInstanceSecret } = await import('../db/embedded.ts');
      const { formatVerifyReport, verifyDatabase } = await import('../db/verify.ts');
      const manifest = opts.manifest ? await readManifestFile(opts.manifest) : undefined;
      const secret = cfg.secret ?? (await readInstanceSecret(cfg.dataDir));
      const report = await withDatabase((database) => verifyDatabase(database.db, { secret, manifest }));
      process.stdout.write(formatVerifyReport(report));
      if (!report.ok) throw new AppError('verify_failed', '一致性检查未通过，详见上方报告');
    });

  program
    .command('seed')
    .description('载入基础数据（部门）；加 --demo 载入演示数据')
    .option('--demo', '载入演示主体和每个角色一个演示账号', false)
    .option('--subjects <n>', '演示主体数量', (v) => Number(v))
    .action(async (opts: { demo: boolean; subjects?: number }) => {
      const { demoLoaded, formatCredentials, seedDemo, seedDepartments } = await import('../shell/seed.ts');
      await withContext(async ({ database, ctx }) => {
        const added = await seedDepartments(database.db, ctx.config);
        process.stdout.write(`部门：新增 ${added} 个\n`);
        if (opts.demo) {
          if (await demoLoaded(database.db)) process.stdout.write('演示数据已载入过，仅补充缺少的演示账号\n');
          const first = !(await demoLoaded(database.db));
          const creds = await seedDemo(database.db, ctx.config, { subjects: opts.subjects });
          if (first) {
            // The demo city (issue 17 §1); its load time is printed, as the ≤ 20 s target is measured here.
            const { cityScale, seedDemoCity } = await import('../shell/demo/city.ts');
            const scale = cityScale(opts.subjects ?? ctx.config.demoSubjects);
            const city = await seedDemoCity(database.db, database.pool, ctx.config, { ...scale, log: (l) => process.stdout.write(`${l}\n`) });
            process.stdout.write(
              `演示城市载入用时 ${(city.ms / 1000).toFixed(1)} 秒：${city.batches} 个批次，入库 ${city.accepted} 条，退回 ${city.rejected} 行，超期 ${city.late} 条，撤销 ${city.withdrawn} 条，修复 ${city.repaired} 条，名单 ${city.listEntries} 条，信用事件 ${city.events} 条，监测得分 ${city.scoreRows} 条\n`,
            );
          }
          process.stdout.write(formatCredentials(creds, `http://localhost:${ctx.config.port}`) + '\n');
        }
      });
    });

  const apikey = program.command('apikey').description('部门系统 API 密钥');
  apikey
    .command('create')
    .description('为部门创建 API 密钥（密钥只显示一次）')
    .requiredOption('--dept <dept>', '部门：编码或全称')
    .option('--name <name>', '用途说明', '部门业务系统')
    .action(async (opts: { dept: string; name: string }) => {
      const { findDepartment } = await import('../domains/auth/auth.service.ts');
      const { createApiKey } = await import('../domains/auth/apikeys.service.ts');
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
    .description('列出后台任务及其最近一次运行（状态取自数据库）')
    .action(async () => {
      const { JOBS } = await import('../shell/jobs.ts');
      const { formatJobStatus, jobStatuses } = await import('../platform/jobs.ts');
      await withContext(async ({ ctx }) => {
        for (const s of await jobStatuses(ctx.db, JOBS)) process.stdout.write(`${formatJobStatus(s)}\n`);
      });
    });
  jobs
    .command('run <name>')
    .description('立即运行一个后台任务（如 publicity）；排队型任务（如 ingest.import）处理队列中等待的任务')
    .option('--all', '对全部记录重新判断（如公示规则调整后）', false)
    .action(async (name: string, opts: { all: boolean }) => {
      const { JOBS } = await import('../shell/jobs.ts');
      const { JobRunner } = await import('../platform/jobs.ts');
      const job = JOBS.find((j) => j.name === name);
      if (!job) throw new AppError('job_not_found', `没有名为“${name}”的任务。可用：${JOBS.map((j) => j.name).join('、')}`);
      await withContext(async ({ ctx }) => {
        const runner = new JobRunner(ctx, JOBS);
        const out = job.kind === 'periodic' ? await runner.runPeriodic(name, opts) : job.kind === 'queued' ? `处理排队任务 ${await runner.drain(name)} 个` : ((await job.once?.(ctx)) ?? '该任务随服务运行');
        process.stdout.write(`${job.description}\n${out}\n`);
      });
    });

  await registerLazyGroups(program, args, (fn) => withContext(({ ctx }) => fn(ctx)));
  return program;
}

/** A manifest from a backup file (gzip), or a manifest saved as JSON. */
async function readManifestFile(file: string): Promise<BackupManifest> {
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new AppError('manifest_unreadable', `无法读取清单文件 ${file}：${e.code ?? e.message}`);
    });
    return JSON.parse(text) as BackupManifest;
  }
  const { readManifest } = await import('../db/backup.ts');
  return readManifest(file);
}

/** Prints an error for a person: config problems listed, expected errors in Chinese, the rest briefly. */
async function report(e: unknown): Promise<never> {
  // Only what threw an EmbeddedServerError has loaded embedded.ts, so the import costs nothing then.
  const embedded = e instanceof Error && e.name === 'EmbeddedServerError' && e instanceof (await import('../db/embedded.ts')).EmbeddedServerError;
  if (e instanceof ConfigError || embedded) process.stderr.write(`${(e as Error).message}\n`);
  else if (e instanceof AppError || e instanceof DbError) process.stderr.write(`错误（${e.code}）：${e.message}\n`);
  else process.stderr.write(`错误：${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof ConfigError ? 78 : 1);
}

try {
  await (await buildProgram(process.argv.slice(2))).parseAsync(process.argv);
} catch (e) {
  await report(e);
}
