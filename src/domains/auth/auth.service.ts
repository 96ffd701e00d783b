// Users, roles, departments, sessions and sign-in throttling (认证与授权).
import { hash, verify } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/index.ts';
import type { Selectable } from 'kysely';
import type { DepartmentsTable, Role } from '../../db/types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import { AppError, conflict, forbidden, isPgError, PG, unauthorized } from '../../platform/errors.ts';
import { checkUscc } from '../codes/index.ts';
import { GRANTS, mayGrant, needsDepartment, type UserAction } from './grants.ts';
import { clearLoginFailures, reserveLoginAttempt } from './throttle.ts';

export const ROLES: Record<Role, string> = {
  admin: '信用办管理员',
  reporter: '填报员',
  reviewer: '审核员',
  district_admin: '区县管理员',
  auditor: '审计员',
};

/** The signed-in user as the rest of the app sees it: the platform's request helpers define its shape. */
import type { SessionUser } from '../../platform/http.ts';
export type { SessionUser };

// argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's minimum recommendation).
/** Hashes a password with argon2id. */
export const hashPassword = (password: string): Promise<string> => hash(password);

/** Password policy: at least 10 characters, with letters and digits. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < 10 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw new AppError('weak_password', '密码至少 10 位，且须同时包含字母和数字', 400);
  }
}

/** Why a user may not act now: the account is deactivated, or so is its department. */
type InactiveReason = 'inactive' | 'inactive_department';

async function loadSessionUser(
  db: DbOrTx,
  userId: number,
): Promise<{ user: SessionUser; inactive: InactiveReason | null; oneTimePasswordUsed: boolean } | null> {
  // The user columns everyone sees (usersQuery), plus whether a one-time password was already spent.
  const row = await usersQuery(db).select('u.one_time_password_used_at').where('u.id', '=', userId).executeTakeFirst();
  if (!row) return null;
  return {
    user: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      departmentId: row.department_id,
      departmentName: row.department_name,
      mustChangePassword: row.must_change_password,
    },
    inactive: !row.active ? 'inactive' : row.department_active === false ? 'inactive_department' : null,
    oneTimePasswordUsed: row.must_change_password && row.one_time_password_used_at !== null,
  };
}

export interface LoginResult {
  user: SessionUser;
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Signs a user in: reserves an attempt under the throttle, verifies the password, opens a database session. */
export async function login(
  db: Db,
  config: Config,
  input: { username: string; password: string; ip: string | null; userAgent: string | null },
  ctx: AuditContext,
): Promise<LoginResult> {
  const username = input.username.trim();
  // Per user name and, at a much higher limit, per address (spraying many names from one client).
  const attempt = await reserveLoginAttempt(db, config, { username, ip: input.ip });
  if (!attempt.allowed) {
    await audit(db, ctx, { action: 'auth.login', target: username, outcome: 'denied', detail: { reason: 'throttled', by: attempt.by } });
    throw new AppError('login_throttled', `登录失败次数过多，请 ${config.loginWindowMinutes} 分钟后再试`, 429);
  }
  const row = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'active'])
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
  // Verify against a dummy hash for unknown users so response time does not reveal which names exist.
  const ok = row
    ? await verify(row.password_hash, input.password).catch(() => false)
    : (await verify(await DUMMY_HASH(), input.password).catch(() => false)) && false;
  if (!row || !ok || !row.active) {
    // The reserved attempt stays as the failure.
    await audit(db, ctx, {
      action: 'auth.login',
      target: username,
      outcome: 'failed',
      detail: { reason: !row ? 'unknown_user' : !ok ? 'bad_password' : 'inactive' },
    });
    throw new AppError('bad_credentials', '用户名或密码错误', 401);
  }
  const user = await signInUser(db, row.id, username, ctx);
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(Date.now() + config.sessionTtlMinutes * 60_000);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({ token_hash: sha256(token), user_id: user.id, csrf_token: csrfToken, expires_at: expiresAt, ip: input.ip, user_agent: input.userAgent })
      .execute();
    await clearLoginFailures(trx, username);
    if (user.mustChangePassword) await spendOneTimePassword(trx, user.id);
    await audit(trx, { ...ctx, actor: actorOf(user) }, { action: 'auth.login', target: user.username, detail: user.mustChangePassword ? { oneTimePassword: true } : undefined });
  });
  return { user, token, csrfToken, expiresAt };
}

/** After a correct password: refuses (audited) a user of an inactive department or a spent one-time password. */
async function signInUser(db: Db, userId: number, username: string, ctx: AuditContext): Promise<SessionUser> {
  const state = await loadSessionUser(db, userId);
  if (state?.inactive === 'inactive_department') {
    await audit(db, ctx, { action: 'auth.login', target: username, outcome: 'denied', detail: { reason: 'inactive_department', departmentId: state.user.departmentId } });
    throw forbidden('department_inactive', '所在部门已停用，无法登录');
  }
  if (state?.oneTimePasswordUsed) {
    await audit(db, ctx, { action: 'auth.login', target: username, outcome: 'denied', detail: { reason: 'one_time_password_used' } });
    throw unauthorized('one_time_password_used', '一次性密码已使用过，请联系管理员重新设置');
  }
  return state!.user;
}

/** Marks the one-time password as used by this sign-in; a concurrent second sign-in with it fails here. */
async function spendOneTimePassword(trx: DbOrTx, userId: number): Promise<void> {
  const spent = await trx
    .updateTable('users')
    .set({ one_time_password_used_at: new Date() })
    .where('id', '=', userId)
    .where('one_time_password_used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!spent) throw unauthorized('one_time_password_used', '一次性密码已使用过，请联系管理员重新设置');
}

let dummyHash: Promise<string> | null = null;
const DUMMY_HASH = () => (dummyHash ??= hash(randomToken(16)));

export type SessionState =
  | { ok: true; user: SessionUser; csrfToken: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | InactiveReason };

/** Why a session was ended (sessions.revoked_reason). */
export type RevokeReason = 'logout' | 'user_inactive' | 'inactive_department' | 'password_reset' | 'password_changed';

/**
 * Looks a session token up; an expired or revoked session is reported as such. The user and its department
 * are read on every request, so deactivating either ends the session at once.
 */
export async function resolveSession(db: Db, token: string): Promise<SessionState> {
  const s = await db.selectFrom('sessions').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!s) return { ok: false, reason: 'unknown' };
  if (s.revoked_at) {
    // A session ended by deactivation says so, so that the refusal is audited with the cause.
    const reason = s.revoked_reason === 'inactive_department' ? 'inactive_department' : s.revoked_reason === 'user_inactive' ? 'inactive' : 'revoked';
    return { ok: false, reason };
  }
  if (new Date(s.expires_at) <= new Date()) return { ok: false, reason: 'expired' };
  const state = await loadSessionUser(db, s.user_id);
  if (!state) return { ok: false, reason: 'inactive' };
  if (state.inactive) return { ok: false, reason: state.inactive };
  return { ok: true, user: state.user, csrfToken: s.csrf_token };
}

/** Ends every open session of the given users (optionally all but one token); returns how many ended. */
export async function revokeSessions(
  trx: DbOrTx,
  userIds: number[] | { departmentId: number },
  reason: RevokeReason,
  keepToken?: string,
): Promise<number> {
  let q = trx.updateTable('sessions').set({ revoked_at: new Date(), revoked_reason: reason }).where('revoked_at', 'is', null).where('expires_at', '>', new Date());
  if (Array.isArray(userIds)) q = q.where('user_id', 'in', userIds.length ? userIds : [-1]);
  else q = q.where('user_id', 'in', trx.selectFrom('users').select('id').where('department_id', '=', userIds.departmentId));
  if (keepToken) q = q.where('token_hash', '<>', sha256(keepToken));
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Ends a session. */
export async function logout(db: Db, token: string, ctx: AuditContext): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('sessions').set({ revoked_at: new Date(), revoked_reason: 'logout' }).where('token_hash', '=', sha256(token)).execute();
    await audit(trx, ctx, { action: 'auth.logout' });
  });
}

/** The audit actor for a session user. */
export function actorOf(u: SessionUser) {
  return { userId: u.id, username: u.username, role: u.role, departmentId: u.departmentId };
}

// ---------------------------------------------------------------------------------------------
// Departments and scope

export interface DepartmentDto {
  id: number;
  code: string;
  name: string;
  shortName: string;
  kind: 'office' | 'city_unit' | 'district' | 'soe';
  parentId: number | null;
  regionCode: string | null;
  uscc: string | null;
  active: boolean;
  /** Batches need approval by the department's 审核员 before they are written (issue 17 §3). */
  reviewRequired: boolean;
}

/** Department ids a user may see: all (null) for the credit office and auditors, a district and its units, or one's own. */
export async function departmentScope(db: DbOrTx, user: SessionUser): Promise<number[] | null> {
  if (user.role === 'admin' || user.role === 'auditor') return null;
  if (user.departmentId === null) return [];
  if (user.role === 'district_admin') {
    const rows = await db.selectFrom('departments').select('id').where('parent_id', '=', user.departmentId).execute();
    return [user.departmentId, ...rows.map((r) => r.id)];
  }
  return [user.departmentId];
}

/** Throws 403 (and writes a denied audit entry) when the department is outside the user's scope. */
export async function assertDepartmentAccess(db: Db, user: SessionUser, departmentId: number, ctx: AuditContext, action: string): Promise<void> {
  const scope = await departmentScope(db, user);
  if (scope === null || scope.includes(departmentId)) return;
  await audit(db, ctx, { action, target: `department:${departmentId}`, outcome: 'denied', detail: { reason: 'other_department' } });
  throw forbidden('department_forbidden', '无权访问其他部门的数据');
}

function toDepartmentDto(r: Selectable<DepartmentsTable>): DepartmentDto {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    shortName: r.short_name,
    kind: r.kind,
    parentId: r.parent_id,
    regionCode: r.region_code,
    uscc: r.uscc,
    active: r.active,
    reviewRequired: r.review_required,
  };
}

/** Lists the departments within the user's scope, city office first, then by sort order. */
export async function listDepartments(db: DbOrTx, user: SessionUser): Promise<DepartmentDto[]> {
  const scope = await departmentScope(db, user);
  let q = db.selectFrom('departments').selectAll();
  if (scope !== null) q = q.where('id', 'in', scope.length ? scope : [-1]);
  return (await q.orderBy('sort_order').orderBy('id').execute()).map(toDepartmentDto);
}

/** One department by id (the caller checks scope first). */
export async function getDepartment(db: DbOrTx, id: number): Promise<DepartmentDto | undefined> {
  const r = await db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toDepartmentDto(r) : undefined;
}

export interface DepartmentPatch {
  name?: string;
  shortName?: string;
  uscc?: string | null;
  active?: boolean;
  reviewRequired?: boolean;
}

/** Edits a department's profile (credit office only); its USCC fills the authority of legacy uploads. */
export async function updateDepartment(db: Db, id: number, patch: DepartmentPatch, ctx: AuditContext): Promise<DepartmentDto> {
  if (patch.uscc) {
    const v = checkUscc(patch.uscc);
    if (v.verdict === 'invalid') throw new AppError('invalid_uscc', `统一社会信用代码无效：${v.reasons.map((r) => r.message).join('；')}`, 400);
    patch = { ...patch, uscc: v.normalized };
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('departments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      if (!before) throw new AppError('department_not_found', '部门不存在', 404);
      const deactivating = before.active && patch.active === false;
      if (deactivating) await assertAdminsRemain(db, trx, { departmentId: id }, ctx, 'departments.update', `department:${id}`);
      const row = await trx
        .updateTable('departments')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.shortName !== undefined ? { short_name: patch.shortName } : {}),
          ...(patch.uscc !== undefined ? { uscc: patch.uscc } : {}),
          ...(patch.active !== undefined ? { active: patch.active } : {}),
          ...(patch.reviewRequired !== undefined ? { review_required: patch.reviewRequired } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      // Cut off at once: the department's users lose their sessions (its API keys are refused per request).
      const sessionsEnded = deactivating ? await revokeSessions(trx, { departmentId: id }, 'inactive_department') : 0;
      await audit(trx, ctx, {
        action: 'departments.update',
        target: `department:${id}`,
        detail: { before: { name: before.name, shortName: before.short_name, uscc: before.uscc, active: before.active, reviewRequired: before.review_required }, patch, ...(deactivating ? { sessionsEnded } : {}) },
      });
      return toDepartmentDto(row);
    });
  } catch (e) {
    if (isPgError(e, PG.uniqueViolation)) throw conflict('department_name_taken', '已有同名部门');
    throw e;
  }
}

/** Finds a department by id, short code or full name (as the CLI accepts). */
export async function findDepartment(db: DbOrTx, ref: string): Promise<{ id: number; code: string; name: string } | undefined> {
  const asId = /^\d+$/.test(ref) ? Number(ref) : -1;
  return db
    .selectFrom('departments')
    .select(['id', 'code', 'name'])
    .where((eb) => eb.or([eb('id', '=', asId), eb(sql`upper(code)`, '=', ref.toUpperCase()), eb('name', '=', ref), eb('short_name', '=', ref)]))
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// Users

export interface UserDto {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  departmentName: string | null;
  /** False when the user's department is deactivated (the user then cannot sign in either). */
  departmentActive: boolean | null;
  active: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

function usersQuery(db: DbOrTx) {
  return db
    .selectFrom('users as u')
    .leftJoin('departments as d', 'd.id', 'u.department_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.department_id',
      'u.active',
      'u.must_change_password',
      'u.created_at',
      'd.name as department_name',
      'd.active as department_active',
    ]);
}

type UserRow = Awaited<ReturnType<ReturnType<typeof usersQuery>['executeTakeFirstOrThrow']>>;

function toUserDto(r: UserRow): UserDto {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    departmentId: r.department_id,
    departmentName: r.department_name,
    departmentActive: r.department_active,
    active: r.active,
    mustChangePassword: r.must_change_password,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** One user by id, as the console lists it. */
export async function getUser(db: DbOrTx, id: number): Promise<UserDto | undefined> {
  const r = await usersQuery(db).where('u.id', '=', id).executeTakeFirst();
  return r ? toUserDto(r) : undefined;
}

/** Lists users within the caller's department scope (all for the CLI), optionally for one department. */
export async function listUsers(db: Db, user: SessionUser | 'system', departmentId: number | undefined, ctx: AuditContext): Promise<UserDto[]> {
  if (departmentId !== undefined && user !== 'system') await assertDepartmentAccess(db, user, departmentId, ctx, 'users.list');
  const scope = user === 'system' ? null : await departmentScope(db, user);
  let q = usersQuery(db);
  if (scope !== null) q = q.where('u.department_id', 'in', scope.length ? scope : [-1]);
  if (departmentId !== undefined) q = q.where('u.department_id', '=', departmentId);
  return (await q.orderBy('u.id').execute()).map(toUserDto);
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  departmentId: number | null;
  password: string;
}

/** Creates a user, within the creator's grants (GRANTS); the CLI and start-up seed act as 'system'. */
export async function createUser(db: Db, creator: SessionUser | 'system', input: NewUser, ctx: AuditContext): Promise<UserDto> {
  if (!/^[A-Za-z0-9_.-]{3,40}$/.test(input.username)) {
    throw new AppError('invalid_username', '用户名须为 3–40 位字母、数字、下划线、点或连字符', 400);
  }
  if (!(input.role in ROLES)) throw new AppError('invalid_role', '未知的角色', 400);
  checkPasswordPolicy(input.password);
  const needsDept = needsDepartment(input.role);
  if (needsDept && input.departmentId === null) throw new AppError('department_required', '该角色必须指定所属部门', 400);
  await assertGrant(db, creator, 'create', input.username, [{ role: input.role, departmentId: input.departmentId }], ctx);
  await assertAssignableDepartment(db, input.departmentId);
  const passwordHash = await hashPassword(input.password);
  try {
    const id = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('users')
        .values({
          username: input.username,
          display_name: input.displayName,
          password_hash: passwordHash,
          role: input.role,
          department_id: needsDept ? input.departmentId : input.departmentId ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, ctx, {
        action: 'users.create',
        target: `user:${row.id}`,
        detail: { username: input.username, role: input.role, departmentId: input.departmentId },
      });
      return row.id;
    });
    return toUserDto(await usersQuery(db).where('u.id', '=', id).executeTakeFirstOrThrow());
  } catch (e) {
    if (isPgError(e, PG.uniqueViolation)) throw conflict('username_taken', `用户名“${input.username}”已被使用`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Grants (账号与角色): who may create or change which role, in which departments

const GRANT_DENIED: Record<'city' | 'district' | 'none', string> = {
  city: '',
  district: '区县管理员只能管理本辖区的填报员和审核员',
  none: '当前角色无权管理用户账号',
};

/**
 * Throws 403 (audited as `users.<action>` denied) unless the actor may grant every given role in its
 * department: the target's state before the change and the state after it. 'system' is the CLI.
 */
export async function assertGrant(
  db: Db,
  actor: SessionUser | 'system',
  action: UserAction,
  target: string,
  states: Array<{ role: Role; departmentId: number | null }>,
  ctx: AuditContext,
): Promise<void> {
  if (actor === 'system') return;
  const grant = GRANTS[actor.role];
  const scope = grant.scope === 'district' ? await departmentScope(db, actor) : null;
  for (const s of states) {
    const outOfScope = scope !== null && (s.departmentId === null || !scope.includes(s.departmentId));
    if (mayGrant(actor.role, s.role) && !outOfScope) continue;
    const reason = mayGrant(actor.role, s.role) ? 'other_department' : 'role_not_granted';
    await audit(db, ctx, { action: `users.${action}`, target, outcome: 'denied', detail: { reason, role: s.role, departmentId: s.departmentId } });
    throw reason === 'other_department'
      ? forbidden('department_forbidden', '无权管理本辖区以外部门的用户')
      : forbidden('role_forbidden', GRANT_DENIED[grant.scope] || `无权授予或管理“${ROLES[s.role]}”角色`);
  }
}

/** A user may be placed only in an existing, active department. */
export async function assertAssignableDepartment(db: DbOrTx, departmentId: number | null): Promise<void> {
  if (departmentId === null) return;
  const d = await db.selectFrom('departments').select(['id', 'active']).where('id', '=', departmentId).executeTakeFirst();
  if (!d) throw new AppError('department_not_found', '所属部门不存在', 400);
  if (!d.active) throw new AppError('department_inactive', '该部门已停用，不能添加或调入用户', 400);
}

/**
 * Refuses (audited, 409) a change that would leave no administrator able to sign in: the last active admin
 * deactivated or demoted, or the department of the last ones deactivated. Serialised by a transaction lock,
 * so two admins cannot remove each other at the same time.
 */
export async function assertAdminsRemain(
  db: Db,
  trx: DbOrTx,
  without: { userId?: number; departmentId?: number },
  ctx: AuditContext,
  action: string,
  target: string,
): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('citycredit'), hashtext('users.admins'))`.execute(trx);
  let q = trx
    .selectFrom('users as u')
    .leftJoin('departments as d', 'd.id', 'u.department_id')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('u.role', '=', 'admin')
    .where('u.active', '=', true)
    .where((eb) => eb.or([eb('d.id', 'is', null), eb('d.active', '=', true)]));
  if (without.userId !== undefined) q = q.where('u.id', '<>', without.userId);
  if (without.departmentId !== undefined) q = q.where((eb) => eb.or([eb('u.department_id', 'is', null), eb('u.department_id', '<>', without.departmentId!)]));
  const { n } = await q.executeTakeFirstOrThrow();
  if (n > 0) return;
  await audit(db, ctx, { action, target, outcome: 'denied', detail: { reason: 'last_admin' } });
  throw conflict('last_admin', '这是最后一个可登录的信用办管理员，不能停用或降级');
}

/** Re-exported so routes can raise the standard 401. */
export { unauthorized };
