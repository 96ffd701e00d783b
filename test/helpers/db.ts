// A fresh, migrated database per test file, cloned from the template that scripts/run-tests.ts prepared.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/index.ts';

export interface TestDb {
  url: string;
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

function env(): { server: string; template: string } {
  const server = process.env.CITYCREDIT_TEST_SERVER_URL;
  const template = process.env.CITYCREDIT_TEST_TEMPLATE;
  if (!server || !template) throw new Error('数据库测试须通过 `npm test` 运行 / run database tests through `npm test`');
  return { server, template };
}

/** An empty server-level URL for a new database name. */
export function urlFor(name: string): string {
  const u = new URL(env().server);
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

/** A fresh migrated database with a Kysely handle. */
export async function createTestDb(): Promise<TestDb> {
  const name = await createTestDatabase();
  const url = urlFor(name);
  const { db, pool } = createDb(url, 5);
  return {
    url,
    db,
    pool,
    close: async () => {
      await db.destroy();
      await dropTestDatabase(name);
    },
  };
}
