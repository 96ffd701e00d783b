// The real app over a fresh test database, for app.inject tests; plus sign-in helpers.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { migrationVersion, type Db } from '../../src/db/index.ts';
import type { Role } from '../../src/db/types.ts';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import type { AppContext } from '../../src/platform/http.ts';
import { seedDepartments } from '../../src/shell/seed.ts';
import { installBuiltinCatalog } from '../../src/domains/catalog/catalog.repository.ts';
import { installBuiltinListTypes } from '../../src/domains/lists/index.ts';
import { createTestDb } from './db.ts';
import { testDataDir } from './dataDir.ts';

export const TEST_PASSWORD = 'Test-password-123';

export interface TestApp {
  app: FastifyInstance;
  /** The app role's handle, the one the app itself uses. */
  db: Db;
  /** The owner's handle (test/helpers/db.ts). */
  owner: Db;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

/** Builds the app over a new migrated database with the departments seeded. */
export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const t = await createTestDb();
  const config = loadConfig({ LOG_LEVEL: 'silent', DEMO_DATA: 'false', CITYCREDIT_DATA_DIR: testDataDir() }, { databaseUrl: t.url, ...overrides });
  const ctx: AppContext = { config: { ...config, secret: 'test-secret-0123456789-abcdefghijklmnop' }, db: t.db, pool: t.pool, migrationVersion: () => migrationVersion(t.db) };
  await seedDepartments(t.db, config);
  await installBuiltinCatalog(t.db);
  await installBuiltinListTypes(t.db);
  const app = await buildApp(ctx, { logger: false, serveWeb: false });
  await app.ready();
  return {
    app,
    db: t.db,
    owner: t.owner,
    ctx,
    url: t.url,
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}

/** Department id by short code. */
export async function deptId(db: Db, code: string): Promise<number> {
  return (await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

let seq = 0;

/** Creates a user with the given role and signs in; returns the cookie and CSRF token for inject calls. */
export async function loginAs(
  t: TestApp,
  role: Role,
  deptCode: string | null = role === 'admin' || role === 'auditor' ? null : 'SCJGJ',
): Promise<{ cookie: string; csrf: string; userId: number; username: string; headers: Record<string, string> }> {
  const username = `${role}_${++seq}_${Date.now() % 100000}`;
  const departmentId = deptCode ? await deptId(t.db, deptCode) : null;
  const u = await createUser(t.db, 'system', { username, displayName: username, role, departmentId, password: TEST_PASSWORD }, { actor: null });
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = res.json().csrfToken as string;
  return { cookie, csrf, userId: u.id, username, headers: { cookie, 'x-csrf-token': csrf } };
}
