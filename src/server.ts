// Start-up: open the database (embedded by default), migrate, seed, build the front end when
// missing, listen, and shut down gracefully on SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, ROOT_DIR, WEB_DIST } from './app.ts';
import type { Config } from './config.ts';
import { migrationVersion, openDatabase, type Database } from './db/index.ts';
import { loadInstanceSecrets, ownShutdownSignals } from './db/embedded.ts';
import type { AppContext } from './platform/http.ts';
import { installBuiltinCatalog } from './domains/catalog/catalog.repository.ts';
import { installBuiltinListTypes } from './domains/lists/index.ts';
import { installShippedMeasures } from './domains/sanctions/index.ts';
import { formatCredentials, seedDepartments } from './shell/seed.ts';

/** Opens and migrates the database (as its owner) and returns the context shared by the app, the CLI and jobs, on the app role's pool. */
export async function openContext(config: Config, log: (m: string) => void = () => undefined): Promise<{ database: Database; ctx: AppContext }> {
  const database = await openDatabase(config, log);
  try {
    await installBuiltinCatalog(database.db);
    await installBuiltinListTypes(database.db);
    await installShippedMeasures(database.db);
    const secret = config.secret ?? (await loadInstanceSecrets(config.dataDir)).secret;
    const ctx: AppContext = { config: { ...config, secret }, db: database.db, pool: database.pool, migrationVersion: () => migrationVersion(database.db) };
    return { database, ctx };
  } catch (e) {
    await database.close();
    throw e;
  }
}

/** Builds the Vue front end into dist/web when it is missing (`npm start` on a fresh clone). */
export async function ensureWebBuilt(log: (m: string) => void): Promise<void> {
  if (existsSync(join(WEB_DIST, 'index.html'))) return;
  log('正在构建前端（首次启动）/ building the front end (first start)…');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT_DIR, 'src', 'web', 'vite.config.ts'), logLevel: 'warn' });
}

/** Runs the platform until a signal arrives. */
export async function serve(config: Config): Promise<FastifyInstance> {
  const say = (m: string) => process.stdout.write(`${m}\n`);
  if (config.buildWebOnStart) await ensureWebBuilt(say);
  const { database, ctx } = await openContext(config, (m) => {
    if (config.logLevel === 'debug' || config.logLevel === 'trace') say(`[pg] ${m}`);
  });
  // Running as root in a folder the postgres user may not enter, the data lives elsewhere (embedded.ts rootFallbackDir).
  if (database.embedded && database.embedded.pgDir !== join(config.dataDir, 'pg')) {
    say(`内置数据库的数据存放在 ${database.embedded.pgDir}（postgres 用户无法进入 ${config.dataDir} 的上级目录）`);
  }
  await seedDepartments(database.db, config);
  // First start with DEMO_DATA on: demo accounts and a city that has run for a year (issue 17 §1). Loaded lazily,
  // since the CLI imports this module for openContext and should not load ingest and monitoring for it.
  const { loadDemoOnFirstStart } = await import('./shell/demo/city.ts');
  const creds = await loadDemoOnFirstStart(database.db, database.pool, ctx.config, say);
  // The periodic jobs run on their schedule here (app.jobs; services and the import queue run in every app).
  const app = await buildApp(ctx, { schedules: true });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close(); // stops the job runner too, after the imports it is running
    } finally {
      await database.close();
      process.exit(0);
    }
  };
  // This process owns the order on a signal: close HTTP, then the pool, then postgres (ownShutdownSignals).
  ownShutdownSignals((sig) => void shutdown(sig));
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await database.close();
    throw e;
  }
  const base = `http://${config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host}:${config.port}`;
  say(`${config.siteTitle} 城市信用平台已启动 / CityCredit is running: ${base}  （接口文档 ${base}/docs）`);
  if (database.embedded) say(`内置数据库 / embedded PostgreSQL: 127.0.0.1:${database.embedded.port}${database.embedded.owned ? '' : '（共享已运行的实例 / shared with a running process）'}`);
  say(`应用数据库角色 / app database role: ${database.appRole}（不能修改审计日志 / cannot change the audit log）`);
  say(formatCredentials(creds, base));
  return app;
}
