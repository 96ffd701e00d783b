// A fresh, migrated database per test file, cloned from the template that scripts/run-tests.ts prepared.
// `db` runs as the run's app role, as the platform does; `owner` and `url` are the owner's (migrations,
// backup, restore, and checks of what only the owner can reach).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/index.ts';

export interface TestDb {
  /** The database as its owner: for migrations, backup and restore (DATABASE_URL). */
  url: string;
  /** The database as the app role (APP_DATABASE_URL). */
  appUrl: string;
  /** Kysely as the app role. */
  db: Db;
  /** The app role's pool. */
  pool: pg.Pool;
  /** Kysely as the owner. */
  owner: Db;
  close(): Promise<void>;
}

function env(): { server: string; template: string; app: string } {
  const server = process.env.CITYCREDIT_TEST_SERVER_URL;
  const template = process.env.CITYCREDIT_TEST_TEMPLATE;
  const app = process.env.CITYCREDIT_TEST_APP_SERVER_URL;
  if (!server || !template || !app) throw new Error('数据库测试须通过 `npm test` 运行 / run database tests through `npm test`');
  return { server, template, app };
}

/** An empty server-level URL for a new database name (as the owner). */
export function urlFor(name: string): string {
  const u = new URL(env().server);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The URL of a database as the run's app role. */
export function appUrlFor(name: string): string {
  const u = new URL(env().app);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates a database; with template, a clone of the migrated template, otherwise an empty one. */
export async function createTestDatabase(opts: { migrated?: boolean } = {}): Promise<string> {
  const { server, template } = env();
  const name = `${process.env.CITYCREDIT_TEST_PREFIX ?? 'cc_t_x'}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${opts.migrated === false ? 'template0' : template}`);
        break;
      } catch (e) {
        // 55006: the template is momentarily in use by a concurrent clone; retry.
        if ((e as { code?: string }).code !== '55006' || attempt > 50) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return name;
}

/** Drops a test database, closing any connections still open to it. */
export async function dropTestDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: env().server });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A fresh migrated database with Kysely handles as the app role and as the owner. */
export async function createTestDb(): Promise<TestDb> {
  const name = await createTestDatabase();
  const url = urlFor(name);
  const appUrl = appUrlFor(name);
  const { db, pool } = createDb(appUrl, 5);
  const owner = createDb(url, 2).db;
  return {
    url,
    appUrl,
    db,
    pool,
    owner,
    close: async () => {
      await db.destroy();
      await owner.destroy();
      await dropTestDatabase(name);
    },
  };
}
