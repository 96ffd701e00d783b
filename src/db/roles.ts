// The two database roles (issue 11 §6; docs/OPERATIONS.md "数据库角色"). The owner owns the schema and runs
// migrations, backup and restore; the app's pool connects as a role that owns no table, holds only SELECT and
// INSERT on audit_log and cannot TRUNCATE, ALTER or DROP anything, so no query the app runs can switch the
// append-only triggers off. The privileges are granted again after every migration run, so tables added by
// later migrations are covered without anyone remembering to.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DbError } from './errors.ts';
import type { DB } from './types.ts';

type Db = Kysely<DB>;
type DbOrTx = Kysely<DB> | Transaction<DB>;

/** Tables the app may read and append to, never change: each must also refuse UPDATE/DELETE/TRUNCATE by trigger. */
export const APPEND_ONLY_TABLES = ['audit_log'] as const;
/** Bookkeeping of the migrator: the app reads the schema version, only the owner writes it. */
const READ_ONLY_TABLES = ['kysely_migration', 'kysely_migration_lock'] as const;

/** What a role the platform creates for the app may do as a role: log in, nothing else. */
const APP_ROLE_ATTRIBUTES = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT';

/**
 * Serialises role creation and grants between processes starting at once (concurrent GRANTs on one table fail
 * with "tuple concurrently updated"), and with migrations: this is the advisory lock Kysely's PostgresAdapter
 * takes around a migration run (kysely/dist/esm/dialect/postgres/postgres-adapter.js, LOCK_ID).
 */
const LOCK_KEY = sql`3853314791062309107::bigint`;

/** Role names are identifiers: at most 63 bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * A SCRAM-SHA-256 verifier for password (RFC 5802/7677, the format PostgreSQL stores). CREATE ROLE is given
 * the verifier, never the password, so a server that logs DDL (log_statement = 'ddl') logs no secret.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Creates a login role with only the LOGIN attribute and the given password (sent as a SCRAM verifier). */
export async function createAppLoginRole(db: DbOrTx, role: string, password: string): Promise<void> {
  await sql`CREATE ROLE ${sql.id(role)} ${sql.raw(APP_ROLE_ATTRIBUTES)} PASSWORD ${sql.lit(scramVerifier(password))}`.execute(db);
}

/** url with its user and password replaced: the same server and database, reached as another role. */
export function urlAsRole(url: string, role: string, password: string | null): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = password === null ? '' : encodeURIComponent(password);
  return u.toString();
}

/** The role named in a postgres:// URL (its user part), or null when the URL names none. */
export function roleOfUrl(url: string): string | null {
  const user = new URL(url).username;
  return user ? decodeURIComponent(user) : null;
}

/**
 * Grants role exactly what the app needs on every table and sequence of schema public, in one transaction:
 * SELECT, INSERT, UPDATE, DELETE on application tables; SELECT, INSERT on the append-only ones; SELECT on the
 * migrator's; USAGE, SELECT on sequences (nextval). Never TRUNCATE, TRIGGER, REFERENCES or ownership.
 * Run as the owner after every migration run.
 */
export async function grantAppRole(db: Db, role: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
    await grantInTransaction(trx, role);
  });
}

async function grantInTransaction(trx: DbOrTx, role: string): Promise<void> {
  const r = sql.id(role);
  const tables = (names: readonly string[]) => sql.join(names.map((n) => sql.id('public', n)));
  // From nothing to exactly this set, so a privilege granted by hand or by an older release does not linger.
  await sql`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`.execute(trx);
  await sql`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${r}`.execute(trx);
  await sql`GRANT USAGE ON SCHEMA public TO ${r}`.execute(trx);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`.execute(trx);
  await sql`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`.execute(trx);
  await sql`REVOKE UPDATE, DELETE ON ${tables(APPEND_ONLY_TABLES)} FROM ${r}`.execute(trx);
  // Nobody but the owner changes the audit trail, not even through a privilege granted to everyone.
  await sql`REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON ${tables(APPEND_ONLY_TABLES)} FROM PUBLIC`.execute(trx);
  const migrator = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname = ANY(${[...READ_ONLY_TABLES]}::text[])`.execute(trx);
  if (migrator.rows.length) await sql`REVOKE INSERT, UPDATE, DELETE ON ${tables(migrator.rows.map((x) => x.name))} FROM ${r}`.execute(trx);
}

/** The role the app's pool connects as, and its URL. */
export interface AppRole {
  role: string;
  url: string;
  /** True when the platform created the role and keeps its password (citycredit_private.app_role). */
  managed: boolean;
}

/**
 * Makes sure the app role exists and holds its privileges; runs as the owner after the migrations.
 * With appUrl (APP_DATABASE_URL), that role is used as given. Without, the role `<database>_app` is created
 * when missing, provided the owner may create roles (superuser or CREATEROLE, as on the embedded server),
 * with a random password kept in citycredit_private.app_role, which only the owner can read.
 */
export async function provideAppRole(owner: Db, opts: { ownerUrl: string; appUrl: string | null }): Promise<AppRole> {
  return owner.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
    const me = (
      await sql<{ user: string; database: string; may_create: boolean }>`SELECT current_user AS user, current_database() AS database,
        (rolsuper OR rolcreaterole) AS may_create FROM pg_roles WHERE rolname = current_user`.execute(trx)
    ).rows[0];
    const exists = async (role: string) => (await sql`SELECT 1 FROM pg_roles WHERE rolname = ${role}`.execute(trx)).rows.length > 0;

    if (opts.appUrl) {
      const role = roleOfUrl(opts.appUrl) ?? '';
      if (role === me.user) {
        throw new DbError('app_role_is_owner', `APP_DATABASE_URL 与 DATABASE_URL 使用同一个数据库角色“${role}”：应用须使用另一个不拥有任何表的角色。`, 500);
      }
      if (!(await exists(role))) {
        throw new DbError('app_role_missing', `APP_DATABASE_URL 中的数据库角色“${role}”不存在：请先由数据库管理员创建（见 docs/OPERATIONS.md“数据库角色”）。`, 500);
      }
      await grantInTransaction(trx, role);
      return { role, url: opts.appUrl, managed: false };
    }

    const role = `${me.database}_app`;
    if (Buffer.byteLength(role) > MAX_IDENTIFIER_BYTES) {
      throw new DbError('app_role_name_too_long', `数据库名“${me.database}”过长，无法派生应用角色名：请创建应用角色并设置 APP_DATABASE_URL。`, 500);
    }
    const stored = (await sql<{ password: string }>`SELECT password FROM citycredit_private.app_role WHERE role_name = ${role}`.execute(trx)).rows[0];
    let password = stored?.password;
    if (!(await exists(role))) {
      if (!me.may_create) {
        throw new DbError(
          'app_role_cannot_create',
          `数据库角色“${me.user}”无权创建角色，无法创建应用角色“${role}”：请由数据库管理员创建应用角色并设置 APP_DATABASE_URL，或授予“${me.user}” CREATEROLE（见 docs/OPERATIONS.md“数据库角色”）。`,
          500,
        );
      }
      password ??= randomBytes(24).toString('base64url');
      await createAppLoginRole(trx, role, password);
      if (!stored) await sql`INSERT INTO citycredit_private.app_role (role_name, password) VALUES (${role}, ${password})`.execute(trx);
    } else if (!password) {
      throw new DbError(
        'app_role_unmanaged',
        `数据库角色“${role}”已存在，但不是本平台创建的，其密码未知：请设置 APP_DATABASE_URL 使用该角色，或删除该角色后重新启动。`,
        500,
      );
    }
    await grantInTransaction(trx, role);
    return { role, url: urlAsRole(opts.ownerUrl, role, password!), managed: true };
  });
}

/**
 * What is wrong with the current connection's role as the app role, in Chinese, one line each; empty when it
 * can neither change nor switch off the audit log. Checked on every start, so a mistaken APP_DATABASE_URL (the
 * owner, a superuser) stops the platform instead of silently running with the power to rewrite history.
 */
export async function appRoleProblems(db: DbOrTx): Promise<string[]> {
  const problems: string[] = [];
  for (const table of APPEND_ONLY_TABLES) {
    const r = (
      await sql<{
        role: string;
        rolsuper: boolean;
        rolcreaterole: boolean;
        rolbypassrls: boolean;
        owner: boolean;
        update: boolean;
        delete: boolean;
        truncate: boolean;
        trigger: boolean;
        insert: boolean;
        select: boolean;
        replica: boolean;
      }>`SELECT r.rolname AS role, r.rolsuper, r.rolcreaterole, r.rolbypassrls,
          pg_has_role(current_user, c.relowner, 'MEMBER') AS owner,
          has_table_privilege(c.oid, 'UPDATE') AS update, has_table_privilege(c.oid, 'DELETE') AS delete,
          has_table_privilege(c.oid, 'TRUNCATE') AS truncate, has_table_privilege(c.oid, 'TRIGGER') AS trigger,
          has_table_privilege(c.oid, 'INSERT') AS insert, has_table_privilege(c.oid, 'SELECT') AS select,
          has_parameter_privilege('session_replication_role', 'SET') AS replica
        FROM pg_roles r, pg_class c
        WHERE r.rolname = current_user AND c.oid = ${`public.${table}`}::regclass`.execute(db)
    ).rows[0];
    const who = `数据库角色“${r.role}”`;
    if (r.rolsuper) problems.push(`${who}是超级用户`);
    if (r.rolcreaterole) problems.push(`${who}可以创建角色（CREATEROLE）`);
    if (r.rolbypassrls) problems.push(`${who}可以绕过行级安全（BYPASSRLS）`);
    if (r.owner) problems.push(`${who}是 ${table} 的所有者或其成员`);
    for (const p of ['update', 'delete', 'truncate', 'trigger'] as const) if (r[p]) problems.push(`${who}对 ${table} 有 ${p.toUpperCase()} 权限`);
    if (r.replica) problems.push(`${who}可以设置 session_replication_role（可绕过触发器）`);
    if (!r.insert || !r.select) problems.push(`${who}缺少 ${table} 的 SELECT 或 INSERT 权限`);
  }
  return problems;
}
