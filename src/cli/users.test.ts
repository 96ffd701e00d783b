// `citycredit users …` over a real database: the command functions, and the commands run as a process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTestApp, deptId, TEST_PASSWORD, type TestApp } from '../../test/helpers/app.ts';
import { usersCreate, usersList, usersResetPassword, usersSetActive, usersSetDepartment, usersSetRole } from './users.ts';
import { runCli } from '../../test/helpers/cli.ts';

let t: TestApp;
let dir: string;

before(async () => {
  t = await createTestApp();
  dir = await mkdtemp(join(tmpdir(), 'cc-cli-users-'));
});
after(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function sink() {
  let text = '';
  const w = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  return { w, text: () => text };
}

const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

async function cliAudit(action: string) {
  return t.db.selectFrom('audit_log').select(['actor_username', 'ip', 'target', 'detail', 'outcome']).where('action', '=', action).orderBy('id').execute();
}

test('create, list, set-role, set-department, deactivate and activate; each change audited as cli with before/after', async () => {
  const out = sink();
  const u = await usersCreate(t.db, out.w, { username: 'cli_clerk', role: 'reporter', dept: '西宁市市场监督管理局', name: '命令行填报员' });
  assert.match(out.text(), /已创建用户 cli_clerk（命令行填报员，填报员，西宁市市场监督管理局，正常）/);
  const password = /初始密码：(\S+)/.exec(out.text())![1];
  assert.equal((await login('cli_clerk', password)).statusCode, 200);

  const list = sink();
  const items = await usersList(t.db, list.w, { dept: 'SCJGJ' });
  assert.deepEqual(items.map((i) => i.username), ['cli_clerk']);
  assert.match(list.text(), /^用户名\t姓名\t角色\t所属部门\t状态\ncli_clerk\t命令行填报员\t填报员\t西宁市市场监督管理局\t正常\n共 1 个用户\n$/);

  await usersSetRole(t.db, sink().w, 'CLI_CLERK', 'reviewer');
  await usersSetDepartment(t.db, sink().w, 'cli_clerk', 'SWUJU');
  const moved = (await usersList(t.db, sink().w, { json: true })).find((i) => i.id === u.id)!;
  assert.equal(moved.role, 'reviewer');
  assert.equal(moved.departmentId, await deptId(t.db, 'SWUJU'));

  const s = await login('cli_clerk', password);
  const cookie = s.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const off = sink();
  await usersSetActive(t.db, off.w, 'cli_clerk', false);
  assert.match(off.text(), /已停用/);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode, 401, 'the session ends at once');
  assert.equal((await login('cli_clerk', password)).statusCode, 401);
  await usersSetActive(t.db, sink().w, 'cli_clerk', true);
  assert.equal((await login('cli_clerk', password)).statusCode, 200);

  for (const [action, before, after] of [
    ['users.set_role', { role: 'reporter', departmentId: await deptId(t.db, 'SCJGJ') }, { role: 'reviewer', departmentId: await deptId(t.db, 'SCJGJ') }],
    ['users.set_department', { role: 'reviewer', departmentId: await deptId(t.db, 'SCJGJ') }, { role: 'reviewer', departmentId: await deptId(t.db, 'SWUJU') }],
    ['users.deactivate', { active: true }, { active: false }],
    ['users.activate', { active: false }, { active: true }],
  ] as const) {
    const [entry] = await cliAudit(action);
    assert.equal(entry.actor_username, 'cli', action);
    assert.equal(entry.ip, 'cli');
    assert.equal(entry.target, `user:${u.id}`);
    assert.deepEqual((entry.detail as { before: unknown }).before, before, action);
    assert.deepEqual((entry.detail as { after: unknown }).after, after, action);
  }
  assert.equal((await cliAudit('users.create'))[0].actor_username, 'cli');
});

test('reset-password prints a one-time password that opens one session, which must change it', async () => {
  await usersCreate(t.db, sink().w, { username: 'cli_forgetful', role: 'reviewer', dept: 'SCJGJ', password: TEST_PASSWORD });
  const out = sink();
  await usersResetPassword(t.db, out.w, 'cli_forgetful', {});
  const otp = /一次性密码：(\S+)/.exec(out.text())![1];
  assert.equal((await login('cli_forgetful', TEST_PASSWORD)).statusCode, 401);
  const first = await login('cli_forgetful', otp);
  assert.equal(first.statusCode, 200);
  assert.equal(first.json().user.mustChangePassword, true);
  assert.equal((await login('cli_forgetful', otp)).json().error.code, 'one_time_password_used');
  const [entry] = await cliAudit('users.reset_password');
  assert.equal(entry.actor_username, 'cli');
  assert.ok(!JSON.stringify(entry.detail).includes(otp));
});

test('unknown users, roles and departments are refused in Chinese', async () => {
  await assert.rejects(usersSetActive(t.db, sink().w, 'nobody_here', false), /找不到用户“nobody_here”/);
  await assert.rejects(usersSetRole(t.db, sink().w, 'cli_forgetful', 'boss'), /未知的角色“boss”/);
  await assert.rejects(usersSetDepartment(t.db, sink().w, 'cli_forgetful', '不存在的局'), /找不到部门“不存在的局”/);
  await assert.rejects(usersSetDepartment(t.db, sink().w, 'cli_forgetful', 'none'), /必须指定所属部门/);
});

function cli(args: string[]) {
  return runCli(args, { ...process.env, DATABASE_URL: t.url, CITYCREDIT_DATA_DIR: dir, LOG_LEVEL: 'silent' }).done;
}

test('as a process: users add (old name) and deactivate; the last admin is refused with exit code 1', async () => {
  const add = await cli(['users', 'add', '--username', 'cli_proc_admin', '--role', 'admin', '--password', TEST_PASSWORD]);
  assert.equal(add.code, 0, add.err);
  assert.match(add.out, /已创建用户 cli_proc_admin（cli_proc_admin，信用办管理员，正常）/);
  const off = await cli(['users', 'deactivate', 'cli_clerk']);
  assert.equal(off.code, 0, off.err);
  assert.match(off.out, /已停用（其登录会话已全部结束）：cli_clerk/);
  // Every other admin gone: the last one stays.
  await t.db.updateTable('users').set({ active: false }).where('role', '=', 'admin').where('username', '<>', 'cli_proc_admin').execute();
  const last = await cli(['users', 'set-role', 'cli_proc_admin', 'auditor']);
  assert.equal(last.code, 1);
  assert.match(last.err, /错误（last_admin）：这是最后一个可登录的信用办管理员/);
  const list = await cli(['users', 'list', '--json']);
  assert.equal(list.code, 0, list.err);
  const rows = JSON.parse(list.out) as Array<{ username: string; role: string; active: boolean }>;
  assert.deepEqual(
    rows.filter((r) => r.username === 'cli_proc_admin' || r.username === 'cli_clerk').map((r) => [r.username, r.role, r.active]),
    [
      ['cli_clerk', 'reviewer', false],
      ['cli_proc_admin', 'admin', true],
    ],
  );
});
