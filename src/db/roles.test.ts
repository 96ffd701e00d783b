// The app runs under a database role that cannot change or switch off the audit log (issue 11 §6): through
// the real start-up path (openContext/openDatabase) on the test server (embedded or DATABASE_URL), on an
// embedded server of its own, with an owner that may not create roles, and with APP_DATABASE_URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { audit, listAudit } from '../platform/audit.ts';
import { openContext } from '../server.ts';
import { createTestApp } from '../../test/helpers/app.ts';
import { createTestDatabase, createTestDb, dropTestDatabase, urlFor, type TestDb } from '../../test/helpers/db.ts';
import { freePort } from '../../test/helpers/net.ts';
import { createDb, openDatabase, type Database, type Db } from './index.ts';
import { appRoleProblems, createAppLoginRole, urlAsRole } from './roles.ts';

const SECRET = 'roles-test-secret-0123456789-abcdefgh';
/** Server-level handle as the test server's superuser, for creating and dropping roles. */
let admin: Db;
const rolesToDrop: string[] = [];

before(() => {
  admin = createDb(urlFor('postgres'), 1).db;
});
after(async () => {
  for (const r of rolesToDrop) await sql`DROP ROLE IF EXISTS ${sql.id(r)}`.execute(admin);
  await admin.destroy();
});

const config = (overrides: Partial<Config>): Config => loadConfig({ LOG_LEVEL: 'silent', DEMO_DATA: 'false' }, { secret: SECRET, ...overrides });
const dbName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
const currentUser = async (db: Db) => (await sql<{ u: string }>`SELECT current_user AS u`.execute(db)).rows[0].u;

/** Every way a role could rewrite or silence the audit log; each must fail for lack of privilege (42501). */
const TAMPERING: Array<[string, RawBuilder<unknown>]> = [
  ['UPDATE', sql`UPDATE audit_log SET action = 'x'`],
  ['DELETE', sql`DELETE FROM audit_log`],
  ['TRUNCATE', sql`TRUNCATE audit_log`],
  ['DISABLE TRIGGER', sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`],
  ['DISABLE TRIGGER ALL', sql`ALTER TABLE audit_log DISABLE TRIGGER ALL`],
  ['DROP TRIGGER', sql`DROP TRIGGER audit_log_no_truncate ON audit_log`],
  ['DROP TABLE', sql`DROP TABLE audit_log`],
  ['session_replication_role', sql`SET session_replication_role = replica`],
];

/** Asserts that the app's handle can append to and read the audit log but not change or switch it off. */
async function assertCannotTamper(app: Db, owner: Db): Promise<void> {
  await audit(app, { actor: { username: 'roles-test' } }, { action: 'roles.test', target: 'entry' });
  const before = (await listAudit(app, { action: 'roles.test' })).items;
  assert.equal(before.length, 1, 'INSERT and SELECT work');
  for (const [what, statement] of TAMPERING) {
    await assert.rejects(statement.execute(app), (e: { code?: string }) => e.code === '42501', `${what} is refused for lack of privilege`);
  }
  // Nothing changed: the entry is there, and both triggers are still enabled (seen by the owner).
  assert.deepEqual((await listAudit(app, { action: 'roles.test' })).items, before);
  const triggers = await sql<{ tgname: string; tgenabled: string }>`SELECT tgname, tgenabled FROM pg_trigger
    WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal ORDER BY tgname`.execute(owner);
  assert.deepEqual(triggers.rows, [
    { tgname: 'audit_log_no_truncate', tgenabled: 'O' },
    { tgname: 'audit_log_no_update', tgenabled: 'O' },
  ]);
}

describe('start-up with the owner in DATABASE_URL (the owner may create roles)', () => {
  let t: TestDb;
  let opened: Awaited<ReturnType<typeof openContext>>;
  before(async () => {
    t = await createTestDb();
    rolesToDrop.push(`${dbName(t.url)}_app`);
    opened = await openContext(config({ databaseUrl: t.url }));
  });
  after(async () => {
    await opened?.database.close();
    await t?.close();
  });

  test("the app's pool runs as `<database>_app`, a role with no power over the audit log; the owner keeps its own", async () => {
    const role = `${dbName(t.url)}_app`;
    assert.equal(opened.database.appRole, role);
    assert.equal(await currentUser(opened.ctx.db), role);
    assert.equal((await opened.ctx.pool.query<{ u: string }>('SELECT current_user AS u')).rows[0].u, role);
    assert.notEqual(await currentUser(opened.database.owner), role, 'migrations run as the owner');
    const attrs = await sql<Record<string, boolean>>`SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication, rolcanlogin
      FROM pg_roles WHERE rolname = ${role}`.execute(t.owner);
    assert.deepEqual(attrs.rows[0], { rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false, rolreplication: false, rolcanlogin: true });
    const owned = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = ${role})`.execute(t.owner);
    assert.equal(owned.rows[0].n, 0, 'the app role owns nothing');
    assert.deepEqual(await appRoleProblems(opened.ctx.db), []);
  });

  test('as the app role, UPDATE, DELETE, TRUNCATE, disabling or dropping triggers, DROP TABLE and session_replication_role fail; INSERT and SELECT work', async () => {
    await assertCannotTamper(opened.ctx.db, opened.database.owner);
  });

  test('the password is kept where only the owner can read it, and a second process on the same database finds it', async () => {
    await assert.rejects(sql`SELECT password FROM citycredit_private.app_role`.execute(opened.ctx.db), (e: { code?: string }) => e.code === '42501');
    const second = await openDatabase(config({ databaseUrl: t.url }));
    try {
      assert.equal(await currentUser(second.db), opened.database.appRole);
    } finally {
      await second.close();
    }
  });

  test('tables created by a later migration are granted at the next start; the app never gets TRUNCATE', async () => {
    await sql`CREATE TABLE later_feature (id bigserial PRIMARY KEY, note text)`.execute(opened.database.owner);
    await assert.rejects(sql`INSERT INTO later_feature (note) VALUES ('x')`.execute(opened.ctx.db), (e: { code?: string }) => e.code === '42501');
    const next = await openDatabase(config({ databaseUrl: t.url }));
    try {
      await sql`INSERT INTO later_feature (note) VALUES ('x')`.execute(next.db);
      await sql`UPDATE later_feature SET note = 'y'`.execute(next.db);
      await sql`DELETE FROM later_feature`.execute(next.db);
      await assert.rejects(sql`TRUNCATE later_feature`.execute(next.db), (e: { code?: string }) => e.code === '42501');
      await assert.rejects(sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('x', 'y')`.execute(next.db), (e: { code?: string }) => e.code === '42501');
    } finally {
      await next.close();
    }
  });
});

test('test files that build the app run it as the app role', async () => {
  const t = await createTestApp();
  try {
    assert.notEqual(await currentUser(t.ctx.db), await currentUser(t.owner));
    assert.deepEqual(await appRoleProblems(t.ctx.db), []);
    await assertCannotTamper(t.ctx.db, t.owner);
  } finally {
    await t.close();
  }
});

describe('an owner that may not create roles (a DBA-provided account)', () => {
  let name: string;
  let ownerUrl: string;
  const owner = `cc_owner_${randomBytes(4).toString('hex')}`;
  const app = `cc_appr_${randomBytes(4).toString('hex')}`;
  const powerful = `cc_super_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  before(async () => {
    rolesToDrop.push(owner, app, powerful);
    // A plain login role (INHERIT, the default: on PostgreSQL 15 the database owner's rights on schema public come through it).
    await sql`CREATE ROLE ${sql.id(owner)} LOGIN PASSWORD ${sql.lit(password)}`.execute(admin);
    await createAppLoginRole(admin, app, password);
    await createAppLoginRole(admin, powerful, password);
    await sql`ALTER ROLE ${sql.id(powerful)} SUPERUSER`.execute(admin);
    name = await createTestDatabase({ migrated: false });
    await sql`ALTER DATABASE ${sql.id(name)} OWNER TO ${sql.id(owner)}`.execute(admin);
    ownerUrl = urlAsRole(urlFor(name), owner, password);
  });
  after(async () => {
    if (name) await dropTestDatabase(name);
  });

  test('without APP_DATABASE_URL start-up stops and says what to do', async () => {
    await assert.rejects(openDatabase(config({ databaseUrl: ownerUrl })), (e: { code?: string; message: string }) => {
      assert.equal(e.code, 'app_role_cannot_create');
      assert.match(e.message, /APP_DATABASE_URL/);
      return true;
    });
  });

  test('with APP_DATABASE_URL the app runs as that role and cannot tamper with the audit log; the owner still meets the trigger', async () => {
    const database = await openDatabase(config({ databaseUrl: ownerUrl, appDatabaseUrl: urlAsRole(urlFor(name), app, password) }));
    try {
      assert.equal(database.appRole, app);
      assert.equal(await currentUser(database.db), app);
      await assertCannotTamper(database.db, database.owner);
      await assert.rejects(sql`DELETE FROM audit_log`.execute(database.owner), (e: { code?: string }) => e.code === 'P0001');
    } finally {
      await database.close();
    }
  });

  test('an APP_DATABASE_URL that is the owner or a superuser is refused', async () => {
    await assert.rejects(openDatabase(config({ databaseUrl: ownerUrl, appDatabaseUrl: ownerUrl })), (e: { code?: string }) => e.code === 'app_role_is_owner');
    await assert.rejects(
      openDatabase(config({ databaseUrl: ownerUrl, appDatabaseUrl: urlAsRole(urlFor(name), powerful, password) })),
      (e: { code?: string; message: string }) => e.code === 'app_role_too_powerful' && /超级用户/.test(e.message),
    );
  });
});

test('an owner with CREATEROLE that is no superuser creates `<database>_app` itself', async () => {
  const creator = `cc_creator_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  await sql`CREATE ROLE ${sql.id(creator)} LOGIN CREATEROLE PASSWORD ${sql.lit(password)}`.execute(admin);
  const name = await createTestDatabase({ migrated: false });
  rolesToDrop.push(`${name}_app`, creator);
  await sql`ALTER DATABASE ${sql.id(name)} OWNER TO ${sql.id(creator)}`.execute(admin);
  try {
    const database = await openDatabase(config({ databaseUrl: urlAsRole(urlFor(name), creator, password) }));
    try {
      assert.equal(await currentUser(database.db), `${name}_app`);
      await assertCannotTamper(database.db, database.owner);
    } finally {
      await database.close();
    }
  } finally {
    await dropTestDatabase(name);
  }
});

test('the embedded server: the app runs as citycredit_app, created with a stored password, also on the next start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cc-roles-embedded-'));
  const cfg = loadConfig({ LOG_LEVEL: 'silent', CITYCREDIT_DATA_DIR: dir, EMBEDDED_PG_PORT: String(await freePort()) }, { secret: SECRET });
  let database: Database | null = null;
  try {
    for (let start = 0; start < 2; start++) {
      const { database: d, ctx } = await openContext(cfg);
      database = d;
      assert.ok(d.embedded);
      assert.equal(await currentUser(ctx.db), 'citycredit_app');
      assert.equal(await currentUser(d.owner), 'postgres');
      if (start === 0) await assertCannotTamper(ctx.db, d.owner);
      else await assert.rejects(sql`TRUNCATE audit_log`.execute(ctx.db), (e: { code?: string }) => e.code === '42501');
      await d.close();
      database = null;
    }
  } finally {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('APP_DATABASE_URL must be a postgres:// URL naming a role, and goes with DATABASE_URL', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };
  assert.deepEqual(problems({ DATABASE_URL: 'postgres://o@h/d', APP_DATABASE_URL: 'postgres://a:p@h/d' }), []);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://o@h/d', APP_DATABASE_URL: 'postgres://a:p@h/d' }).appDatabaseUrl, 'postgres://a:p@h/d');
  assert.match(problems({ APP_DATABASE_URL: 'postgres://a:p@h/d' }).join(), /APP_DATABASE_URL.*DATABASE_URL/);
  assert.match(problems({ DATABASE_URL: 'postgres://o@h/d', APP_DATABASE_URL: 'postgres://h/d' }).join(), /APP_DATABASE_URL/);
  assert.match(problems({ DATABASE_URL: 'postgres://o@h/d', APP_DATABASE_URL: 'mysql://a@h/d' }).join(), /APP_DATABASE_URL/);
});
