// Database access: a pg pool, Kysely over it, and the one migration code path used by the server,
// the CLI (`citycredit db migrate`) and the test setup (ARCHITECTURE.md "Query layer").
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, Migrator, PostgresDialect, sql, type Compilable, type CompiledQuery, type Migration, type MigrationProvider, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';
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
  db: Db;
  pool: pg.Pool;
  url: string;
  embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

/** Opens the configured database: DATABASE_URL, or the embedded server in the data folder. */
export async function openDatabase(config: Config, log: (m: string) => void = () => undefined): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbedded({ dataDir: join(config.dataDir), port: config.embeddedPgPort, log });
    url = embedded.url('citycredit');
  }
  const { db, pool } = createDb(url, config.dbPoolSize);
  try {
    await sql`SELECT 1`.execute(db);
  } catch (e) {
    await db.destroy();
    await embedded?.stop();
    throw new Error(`无法连接数据库 / cannot connect to the database: ${(e as Error).message}`, { cause: e });
  }
  return {
    db,
    pool,
    url,
    embedded,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
