// Database access: a pg pool, Kysely over it, and the one migration code path used by the server,
// the CLI (`citycredit db migrate`) and the test setup (ARCHITECTURE.md "Query layer").
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, Migrator, PostgresDialect, sql, type Compilable, type CompiledQuery, type Migration, type MigrationProvider, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { DbError } from './errors.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';
import { appRoleProblems, provideAppRole } from './roles.ts';
import type { DB } from './types.ts';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** A database handle or an open transaction: services take either, so the caller owns the transaction. */
export type DbOrTx = Kysely<DB> | Transaction<DB>;

// int8 (bigint) and numeric come back as strings by default; ids stay strings, counts are cast in SQL.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Timestamped SQL files, applied in name order; a merged migration is never edited. */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(this.dir)).filter((f) => f.endsWith('.sql')).sort();
    const out: Record<string, Migration> = {};
    for (const f of files) {
      const text = await fs.readFile(join(this.dir, f), 'utf8');
      out[f.replace(/\.sql$/, '')] = {
        // Multi-statement SQL goes through the simple query protocol (no parameters).
        up: async (db) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return out;
  }
}

/** Applies all pending migrations; returns the latest applied migration name. */
export async function migrate(db: Db): Promise<string | null> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(MIGRATIONS_DIR) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`数据库迁移失败 / migration failed${failed ? ` (${failed.migrationName})` : ''}: ${String((error as Error).message ?? error)}`);
  }
  return migrationVersion(db);
}

/** Applies the shipped migrations up to and including `name` (a test of a migration that converts data). */
export async function migrateTo(db: Db, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider: new SqlFileMigrationProvider(MIGRATIONS_DIR) }).migrateTo(name);
  if (error) throw new Error(`数据库迁移失败 / migration failed: ${String((error as Error).message ?? error)}`);
}

/** The name of the latest applied migration, or null before any. */
export async function migrationVersion(db: Db): Promise<string | null> {
  const r = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1`
    .execute(db)
    .catch(() => ({ rows: [] as { name: string }[] }));
  return r.rows[0]?.name ?? null;
}

/** Names of every migration file shipped with this build. */
export async function shippedMigrations(): Promise<string[]> {
  return (await fs.readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
}

/** Kysely over a pool for the given URL. */
export function createDb(url: string, poolSize = 10): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'citycredit' });
  // An idle client's error (e.g. the server went away) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

// Kysely sends every query unnamed, so PostgreSQL plans it on every call. For the hot public reads planning
// cost several times the execution (records tab: 0.25–2.5 ms to plan, 0.06 ms to run), so those run as named
// prepared statements: pg prepares a name once per pooled connection and afterwards only binds and executes,
// and PostgreSQL switches to a cached generic plan after five calls when it is no worse than the custom ones.
// The name is a digest of the SQL text, so one name can never stand for two texts (pg refuses that), and the
// number of statements per connection is the number of distinct query shapes, a handful. Outside a transaction
// only: the pool hands out any connection.
const preparedNames = new Map<string, string>();

/** Runs a Kysely query (or a compiled one) as a named prepared statement on a pool connection; returns its rows. */
export async function executePrepared<O>(pool: pg.Pool, query: Compilable<O> | CompiledQuery<O>): Promise<O[]> {
  const { sql: text, parameters } = 'compile' in query ? query.compile() : query;
  let name = preparedNames.get(text);
  if (!name) {
    name = `cc_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (preparedNames.size < 1000) preparedNames.set(text, name);
  }
  const r = await pool.query({ name, text, values: parameters as unknown[] });
  return r.rows as O[];
}

export interface Database {
  /** Kysely over the app role's pool: what the app, the jobs and the CLI's services run on. */
  db: Db;
  /** The app role's pool. */
  pool: pg.Pool;
  /** The owner's URL: migrations, backup and restore (never the app's pool). */
  url: string;
  /** Kysely over a small pool as the owner, for migrations. */
  owner: Db;
  /** The role the app's pool connects as. */
  appRole: string;
  embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

/**
 * Opens the configured database (DATABASE_URL, or the embedded server in the data folder) as its owner,
 * applies pending migrations, provides the app role with its privileges (roles.ts), and opens the app's
 * pool as that role; refuses to start when that role could change or switch off the audit log.
 */
export async function openDatabase(config: Config, log: (m: string) => void = () => undefined): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbedded({ dataDir: join(config.dataDir), port: config.embeddedPgPort, log });
    url = embedded.url('citycredit');
  }
  const owner = createDb(url, 2);
  let app: { db: Db; pool: pg.Pool; role: string } | null = null;
  const closeAll = async () => {
    await app?.db.destroy();
    await owner.db.destroy();
    await embedded?.stop();
  };
  try {
    try {
      await sql`SELECT 1`.execute(owner.db);
    } catch (e) {
      throw new Error(`无法连接数据库 / cannot connect to the database: ${(e as Error).message}`, { cause: e });
    }
    await migrate(owner.db);
    const role = await provideAppRole(owner.db, { ownerUrl: url, appUrl: config.appDatabaseUrl });
    app = { ...createDb(role.url, config.dbPoolSize), role: role.role };
    let current: string;
    try {
      current = (await sql<{ u: string }>`SELECT current_user AS u`.execute(app.db)).rows[0].u;
    } catch (e) {
      throw new DbError('app_role_login_failed', `无法以应用角色“${role.role}”连接数据库：${(e as Error).message}`, 500);
    }
    const problems = current === role.role ? await appRoleProblems(app.db) : [`连接使用的是“${current}”而不是“${role.role}”`];
    if (problems.length) {
      throw new DbError('app_role_too_powerful', `应用数据库角色可以修改或关闭审计日志，平台拒绝启动：\n  - ${problems.join('\n  - ')}\n请按 docs/OPERATIONS.md“数据库角色”配置。`, 500);
    }
  } catch (e) {
    await closeAll();
    throw e;
  }
  return { db: app.db, pool: app.pool, url, owner: owner.db, appRole: app.role, embedded, close: closeAll };
}
