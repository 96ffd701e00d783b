// Start-up: open the database (embedded by default), migrate, seed, build the front end when
// missing, listen (on a first start before the demo city loads, behind shell/startupGate.ts), and shut down
// gracefully on SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, ROOT_DIR, WEB_DIST, type BuildOptions } from './app.ts';
import type { Config } from './config.ts';
import { migrationVersion, openDatabase, type Database } from './db/index.ts';
import { loadInstanceSecrets, ownShutdownSignals } from './db/embedded.ts';
import type { AppContext } from './platform/http.ts';
import { installBuiltinCatalog } from './domains/catalog/catalog.repository.ts';
import { installBuiltinListTypes } from './domains/lists/index.ts';
import { installShippedMeasures } from './domains/sanctions/index.ts';
import { installChecklistBasis } from './domains/monitoring/checklist.service.ts';
import { demoLoaded, formatCredentials, seedDepartments, type DemoCredential } from './shell/seed.ts';
import type { DemoCityOptions, DemoProgress } from './shell/demo/city.ts';
import { createStartupGate, type StartupGate } from './shell/startupGate.ts';

/** Opens and migrates the database (as its owner) and returns the context shared by the app, the CLI and jobs, on the app role's pool. */
export async function openContext(config: Config, log: (m: string) => void = () => undefined): Promise<{ database: Database; ctx: AppContext }> {
  const database = await openDatabase(config, log);
  try {
    await installBuiltinCatalog(database.db);
    await installBuiltinListTypes(database.db);
    await installShippedMeasures(database.db);
    await installChecklistBasis(database.db);
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

/** What a started server holds; `loaded` settles when the platform serves normally. */
export interface StartedServer {
  app: FastifyInstance;
  database: Database;
  /** The address to print (localhost for a loopback or wildcard host). */
  base: string;
  /**
   * Resolves with the demo accounts to print once, when the demo city is loaded and the gate open (at once, with
   * none, on a later start or with DEMO_DATA=false); rejects with the load's error after closing app and database.
   */
  loaded: Promise<DemoCredential[]>;
}

/** Options of startServer for `serve` and tests: where lines go, the demo loader's options (a test holds a step open), the logger. */
export interface StartOptions {
  say: (line: string) => void;
  demo?: DemoCityOptions;
  logger?: BuildOptions['logger'];
}

/**
 * Opens the database, builds the app and listens. On a first start with DEMO_DATA the app listens first, behind a
 * start-up gate (shell/startupGate.ts: the loading page, 503s, jobs held back), and the demo city loads while the
 * site answers; `loaded` opens the gate when it is in. Otherwise nothing waits: the gate is not even installed.
 */
export async function startServer(config: Config, opts: StartOptions): Promise<StartedServer> {
  const { say } = opts;
  if (config.buildWebOnStart) await ensureWebBuilt(say);
  const { database, ctx } = await openContext(config, (m) => {
    if (config.logLevel === 'debug' || config.logLevel === 'trace') say(`[pg] ${m}`);
  });
  let app: FastifyInstance;
  let gate: StartupGate | null = null;
  try {
    // Running as root in a folder the postgres user may not enter, the data lives elsewhere (embedded.ts rootFallbackDir).
    if (database.embedded && database.embedded.pgDir !== join(config.dataDir, 'pg')) {
      say(`内置数据库的数据存放在 ${database.embedded.pgDir}（postgres 用户无法进入 ${config.dataDir} 的上级目录）`);
    }
    await seedDepartments(database.db, config);
    if (config.demoData && !(await demoLoaded(database.db))) gate = createStartupGate({ siteTitle: config.siteTitle, migration: await ctx.migrationVersion() });
    // The periodic jobs run on their schedule here (app.jobs; services and the import queue run in every app);
    // behind the gate they all start when it opens.
    app = await buildApp(ctx, { schedules: true, ...(gate ? { gate } : {}), ...(opts.logger !== undefined ? { logger: opts.logger } : {}) });
  } catch (e) {
    await database.close();
    throw e;
  }
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app.close().catch(() => undefined);
    await database.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`;
  if (!gate) return { app, database, base, loaded: Promise.resolve([]) };
  const open = gate;
  say(`首次启动：平台已在 ${base} 应答，演示数据载入期间页面显示载入进度 / first start: ${base} shows the loading progress`);
  // First start with DEMO_DATA on: demo accounts and a city that has run for a year (issue 17 §1).
  const loaded = (async () => {
    // Loaded lazily, since the CLI imports this module for openContext and should not load ingest and monitoring for it.
    const { loadDemoOnFirstStart } = await import('./shell/demo/city.ts');
    const started = performance.now();
    let step = 0;
    const progress = async (p: DemoProgress) => {
      open.progress(p);
      // One line per step (not per month), with the seconds since the load began: the first-start bench reads them.
      if (p.step !== step) say(`  第 ${p.step}/${p.steps} 步：${p.name}（${((performance.now() - started) / 1000).toFixed(1)} 秒）`);
      step = p.step;
      await opts.demo?.progress?.(p);
    };
    const creds = await loadDemoOnFirstStart(database.db, database.pool, ctx.config, say, { ...opts.demo, progress });
    open.open();
    return creds;
  })();
  // A failed load leaves nothing serving: the caller gets the error (the CLI prints it and exits non-zero).
  const settled = loaded.catch(async (e: unknown) => {
    await app.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw e;
  });
  return { app, database, base, loaded: settled };
}

/** Runs the platform until a signal arrives. */
export async function serve(config: Config): Promise<FastifyInstance> {
  const say = (m: string) => process.stdout.write(`${m}\n`);
  const { app, database, base, loaded } = await startServer(config, { say });
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
  // A signal during the load closes the database under the loader: its error is then the shutdown's, not a failure.
  const creds = await loaded.catch((e: unknown) => (closing ? new Promise<never>(() => undefined) : Promise.reject(e)));
  say(`${config.siteTitle} 城市信用平台已启动 / CityCredit is running: ${base}  （接口文档 ${base}/docs）`);
  if (database.embedded) say(`内置数据库 / embedded PostgreSQL: 127.0.0.1:${database.embedded.port}${database.embedded.owned ? '' : '（共享已运行的实例 / shared with a running process）'}`);
  say(`应用数据库角色 / app database role: ${database.appRole}（不能修改审计日志 / cannot change the audit log）`);
  say(formatCredentials(creds, base));
  return app;
}
