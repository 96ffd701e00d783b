// `citycredit users list|create|deactivate|activate|set-role|set-department|reset-password`: account control
// from the server's shell, over the same services as the console. The CLI acts with full rights (it has the
// database), but every change is audited with the actor `cli`, and the last active admin stays protected.
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Db } from '../db/index.ts';
import type { Role } from '../db/types.ts';
import { createUser, findDepartment, listUsers, ROLES, type UserDto } from '../domains/auth/auth.service.ts';
import { changeUser, findUserId, resetPassword, setUserActive } from '../domains/auth/users.service.ts';
import type { AuditContext } from '../platform/audit.ts';
import { randomToken } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import type { AppContext } from '../platform/http.ts';

/** The audit actor of every account change made from the command line. */
export const CLI_USERS_ACTOR: AuditContext = { actor: { username: 'cli' }, ip: 'cli' };

const ROLE_HELP = Object.entries(ROLES)
  .map(([k, v]) => `${k}（${v}）`)
  .join('、');

function role(value: string): Role {
  if (!(value in ROLES)) throw new AppError('invalid_role', `未知的角色“${value}”，可用：${ROLE_HELP}`);
  return value as Role;
}

async function department(db: Db, ref: string | undefined | null): Promise<number | null> {
  if (!ref) return null;
  const d = await findDepartment(db, ref);
  if (!d) throw new AppError('department_not_found', `找不到部门“${ref}”`);
  return d.id;
}

/** A random one-time password that satisfies the password policy. */
const randomPassword = () => `Cc${randomToken(9)}9`;

function summary(u: UserDto): string {
  const status = u.active ? (u.departmentActive === false ? '部门已停用' : '正常') : '已停用';
  return `${u.username}（${u.displayName}，${ROLES[u.role]}${u.departmentName ? '，' + u.departmentName : ''}，${status}${u.mustChangePassword ? '，须修改密码' : ''}）`;
}

/** `users list`: one tab-separated line per user, or JSON. */
export async function usersList(db: Db, out: Writable, opts: { dept?: string; json?: boolean }): Promise<UserDto[]> {
  const items = await listUsers(db, 'system', (await department(db, opts.dept)) ?? undefined, CLI_USERS_ACTOR);
  if (opts.json) {
    out.write(JSON.stringify(items, null, 2) + '\n');
    return items;
  }
  out.write(['用户名', '姓名', '角色', '所属部门', '状态'].join('\t') + '\n');
  for (const u of items) {
    const status = u.active ? (u.departmentActive === false ? '部门已停用' : u.mustChangePassword ? '须修改密码' : '正常') : '已停用';
    out.write([u.username, u.displayName, ROLES[u.role], u.departmentName ?? '—', status].join('\t') + '\n');
  }
  out.write(`共 ${items.length} 个用户\n`);
  return items;
}

/** `users create`: a new account; without --password a random one is printed once. */
export async function usersCreate(
  db: Db,
  out: Writable,
  opts: { username: string; role: string; name?: string; dept?: string; password?: string },
): Promise<UserDto> {
  const password = opts.password ?? randomPassword();
  const u = await createUser(
    db,
    'system',
    { username: opts.username, displayName: opts.name ?? opts.username, role: role(opts.role), departmentId: await department(db, opts.dept), password },
    CLI_USERS_ACTOR,
  );
  out.write(`已创建用户 ${summary(u)}${opts.password ? '' : `，初始密码：${password}`}\n`);
  return u;
}

/** `users deactivate` / `users activate`: deactivating ends the user's sessions at once. */
export async function usersSetActive(db: Db, out: Writable, username: string, active: boolean): Promise<UserDto> {
  const u = await setUserActive(db, 'system', await findUserId(db, username), active, CLI_USERS_ACTOR);
  out.write(`${active ? '已启用' : '已停用（其登录会话已全部结束）'}：${summary(u)}\n`);
  return u;
}

/** `users set-role`. */
export async function usersSetRole(db: Db, out: Writable, username: string, newRole: string, opts: { dept?: string } = {}): Promise<UserDto> {
  const change = { role: role(newRole), ...(opts.dept ? { departmentId: await department(db, opts.dept) } : {}) };
  const u = await changeUser(db, 'system', await findUserId(db, username), change, CLI_USERS_ACTOR);
  out.write(`已修改角色：${summary(u)}\n`);
  return u;
}

/** `users set-department`; `none` removes the department (admins and auditors only). */
export async function usersSetDepartment(db: Db, out: Writable, username: string, dept: string): Promise<UserDto> {
  const departmentId = dept === 'none' ? null : await department(db, dept);
  const u = await changeUser(db, 'system', await findUserId(db, username), { departmentId }, CLI_USERS_ACTOR);
  out.write(`已调整部门：${summary(u)}\n`);
  return u;
}

/** `users reset-password`: a one-time password (given, or random and printed once) that must be changed at sign-in. */
export async function usersResetPassword(db: Db, out: Writable, username: string, opts: { password?: string }): Promise<UserDto> {
  const password = opts.password ?? randomPassword();
  const u = await resetPassword(db, 'system', await findUserId(db, username), password, CLI_USERS_ACTOR);
  out.write(`已重置密码：${summary(u)}\n${opts.password ? '' : `一次性密码：${password}\n`}（该密码只能登录一次，登录后须立即修改；原有会话已全部结束）\n`);
  return u;
}

/** Adds the `users` commands (needs the database: `open` provides the context). */
export function registerUsersCommands(program: Command, open: <T>(fn: (ctx: AppContext) => Promise<T>) => Promise<T>): void {
  const users = program.commands.find((c) => c.name() === 'users') ?? program.command('users').description('用户管理（账号与角色）');
  const run = (fn: (db: Db) => Promise<unknown>) => open(async (ctx) => void (await fn(ctx.db)));
  users
    .command('list')
    .description('列出用户')
    .option('--dept <dept>', '只列出该部门（编码或全称）')
    .option('--json', '输出 JSON')
    .action((opts: { dept?: string; json?: boolean }) => run((db) => usersList(db, process.stdout, opts)));
  users
    .command('create')
    .alias('add')
    .description('添加用户')
    .requiredOption('--username <name>', '用户名')
    .requiredOption('--role <role>', `角色：${ROLE_HELP}`)
    .option('--name <displayName>', '姓名')
    .option('--dept <dept>', '所属部门：编码或全称')
    .option('--password <password>', '密码（不填则随机生成并显示一次）')
    .action((opts: { username: string; role: string; name?: string; dept?: string; password?: string }) => run((db) => usersCreate(db, process.stdout, opts)));
  users
    .command('deactivate <username>')
    .description('停用用户（立即结束其所有登录会话）')
    .action((username: string) => run((db) => usersSetActive(db, process.stdout, username, false)));
  users
    .command('activate <username>')
    .description('启用用户')
    .action((username: string) => run((db) => usersSetActive(db, process.stdout, username, true)));
  users
    .command('set-role <username> <role>')
    .description(`修改角色：${ROLE_HELP}`)
    .option('--dept <dept>', '同时调整所属部门（部门角色须有部门）')
    .action((username: string, newRole: string, opts: { dept?: string }) => run((db) => usersSetRole(db, process.stdout, username, newRole, opts)));
  users
    .command('set-department <username> <dept>')
    .description('调整所属部门（编码或全称；none 表示不属于任何部门，仅限管理员和审计员）')
    .action((username: string, dept: string) => run((db) => usersSetDepartment(db, process.stdout, username, dept)));
  users
    .command('reset-password <username>')
    .description('重置为一次性密码（登录一次后须立即修改；原有会话全部结束）')
    .option('--password <password>', '一次性密码（不填则随机生成并显示一次）')
    .action((username: string, opts: { password?: string }) => run((db) => usersResetPassword(db, process.stdout, username, opts)));
}
