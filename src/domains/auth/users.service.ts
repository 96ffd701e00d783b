// Account control (用户管理): change a user's role or department, deactivate and reactivate, reset the password
// to a one-time password, and the user's own password change. Every change is checked against GRANTS, audited
// with before and after, and ends the user's sessions where it takes access away.
import { verify } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/index.ts';
import type { Role } from '../../db/types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError, conflict, forbidden, notFound } from '../../platform/errors.ts';
import {
  assertAdminsRemain,
  assertAssignableDepartment,
  assertGrant,
  checkPasswordPolicy,
  getUser,
  hashPassword,
  revokeSessions,
  ROLES,
  type SessionUser,
  type UserDto,
} from './auth.service.ts';
import { needsDepartment, type UserAction } from './grants.ts';

type Actor = SessionUser | 'system';

/** The target row, locked for the change so that two administrators' changes apply one after the other. */
async function lockUser(trx: DbOrTx, id: number) {
  const u = await trx.selectFrom('users').select(['id', 'username', 'role', 'department_id', 'active', 'must_change_password']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!u) throw notFound('user_not_found', '用户不存在');
  return u;
}

/** Nobody changes their own role, department or status through user management (audited when tried). */
async function assertNotSelf(db: Db, actor: Actor, userId: number, action: UserAction, ctx: AuditContext): Promise<void> {
  if (actor === 'system' || actor.id !== userId) return;
  await audit(db, ctx, { action: `users.${action}`, target: `user:${userId}`, outcome: 'denied', detail: { reason: 'self' } });
  throw forbidden('self_forbidden', '不能修改自己的角色、部门或账号状态；修改密码请使用“修改密码”');
}

/** Finds a user id by user name (case-insensitive), as the CLI accepts it. */
export async function findUserId(db: DbOrTx, username: string): Promise<number> {
  const r = await db.selectFrom('users').select('id').where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
  if (!r) throw notFound('user_not_found', `找不到用户“${username}”`);
  return r.id;
}

export interface UserChange {
  role?: Role;
  departmentId?: number | null;
}

/** Changes a user's role and/or department; the actor must be able to grant the role before and after, in both departments. */
export async function changeUser(db: Db, actor: Actor, userId: number, change: UserChange, ctx: AuditContext): Promise<UserDto> {
  const action: UserAction = change.role !== undefined && change.departmentId === undefined ? 'set_role' : 'set_department';
  if (change.role === undefined && change.departmentId === undefined) throw new AppError('nothing_to_change', '没有要修改的内容', 400);
  if (change.role !== undefined && !(change.role in ROLES)) throw new AppError('invalid_role', '未知的角色', 400);
  await assertNotSelf(db, actor, userId, action, ctx);
  await db.transaction().execute(async (trx) => {
    const before = await lockUser(trx, userId);
    const after = { role: change.role ?? before.role, departmentId: change.departmentId !== undefined ? change.departmentId : before.department_id };
    if (needsDepartment(after.role) && after.departmentId === null) throw new AppError('department_required', '该角色必须指定所属部门', 400);
    await assertGrant(db, actor, action, `user:${userId}`, [{ role: before.role, departmentId: before.department_id }, after], ctx);
    if (after.departmentId !== before.department_id) await assertAssignableDepartment(trx, after.departmentId);
    if (before.role === 'admin' && after.role !== 'admin' && before.active) await assertAdminsRemain(db, trx, { userId }, ctx, `users.${action}`, `user:${userId}`);
    await trx.updateTable('users').set({ role: after.role, department_id: after.departmentId, updated_at: new Date() }).where('id', '=', userId).execute();
    // Role and department are read on every request, so open sessions act with the new ones at once.
    await audit(trx, ctx, {
      action: change.role !== undefined && change.departmentId !== undefined ? 'users.update' : `users.${action}`,
      target: `user:${userId}`,
      detail: { username: before.username, before: { role: before.role, departmentId: before.department_id }, after },
    });
  });
  return (await getUser(db, userId))!;
}

/** Deactivates (ending every session at once) or reactivates a user. */
export async function setUserActive(db: Db, actor: Actor, userId: number, active: boolean, ctx: AuditContext): Promise<UserDto> {
  const action: UserAction = active ? 'activate' : 'deactivate';
  await assertNotSelf(db, actor, userId, action, ctx);
  await db.transaction().execute(async (trx) => {
    const before = await lockUser(trx, userId);
    await assertGrant(db, actor, action, `user:${userId}`, [{ role: before.role, departmentId: before.department_id }], ctx);
    if (!active && before.role === 'admin' && before.active) await assertAdminsRemain(db, trx, { userId }, ctx, `users.${action}`, `user:${userId}`);
    await trx.updateTable('users').set({ active, updated_at: new Date() }).where('id', '=', userId).execute();
    const sessionsEnded = active ? 0 : await revokeSessions(trx, [userId], 'user_inactive');
    await audit(trx, ctx, {
      action: `users.${action}`,
      target: `user:${userId}`,
      detail: { username: before.username, before: { active: before.active }, after: { active }, ...(active ? {} : { sessionsEnded }) },
    });
  });
  return (await getUser(db, userId))!;
}

/**
 * Sets a one-time password chosen by the administrator: it opens one session, which may only change the
 * password. The user's open sessions end.
 */
export async function resetPassword(db: Db, actor: Actor, userId: number, password: string, ctx: AuditContext): Promise<UserDto> {
  await assertNotSelf(db, actor, userId, 'reset_password', ctx);
  checkPasswordPolicy(password);
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const before = await lockUser(trx, userId);
    await assertGrant(db, actor, 'reset_password', `user:${userId}`, [{ role: before.role, departmentId: before.department_id }], ctx);
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: true, one_time_password_used_at: null, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
    const sessionsEnded = await revokeSessions(trx, [userId], 'password_reset');
    await audit(trx, ctx, {
      action: 'users.reset_password',
      target: `user:${userId}`,
      detail: { username: before.username, before: { mustChangePassword: before.must_change_password }, after: { mustChangePassword: true }, sessionsEnded },
    });
  });
  return (await getUser(db, userId))!;
}

/** The signed-in user changes their own password (also what a one-time password must be followed by); other sessions end. */
export async function changeOwnPassword(
  db: Db,
  user: SessionUser,
  input: { currentPassword: string; newPassword: string; sessionToken: string },
  ctx: AuditContext,
): Promise<void> {
  const row = await db.selectFrom('users').select(['password_hash', 'must_change_password']).where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verify(row.password_hash, input.currentPassword).catch(() => false))) {
    await audit(db, ctx, { action: 'auth.password_change', target: `user:${user.id}`, outcome: 'failed', detail: { reason: 'bad_password' } });
    throw new AppError('bad_password', '当前密码不正确', 400);
  }
  checkPasswordPolicy(input.newPassword);
  if (input.newPassword === input.currentPassword) throw conflict('password_unchanged', '新密码不能与当前密码相同');
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: false, one_time_password_used_at: null, updated_at: new Date() })
      .where('id', '=', user.id)
      .execute();
    const sessionsEnded = await revokeSessions(trx, [user.id], 'password_changed', input.sessionToken);
    await audit(trx, ctx, {
      action: 'auth.password_change',
      target: `user:${user.id}`,
      detail: { before: { mustChangePassword: row.must_change_password }, after: { mustChangePassword: false }, sessionsEnded },
    });
  });
}
