// Cutting someone off (issue 11 §2), over app.inject on a real database: inactive departments (sign-in,
// open sessions, signed API keys), user deactivation, one-time passwords, and the last active admin.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, deptId, loginAs, TEST_PASSWORD, type TestApp } from '../../../test/helpers/app.ts';
import { createApiKey, signRequest } from './apikeys.service.ts';
import { createUser } from './auth.service.ts';
import { makeUser } from '../../../test/factories.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t?.close();
});

const SYSTEM = { actor: { username: 'test' } };
let seq = 0;

async function newUser(role: 'reporter' | 'reviewer' | 'district_admin' | 'admin', deptCode: string | null, password = TEST_PASSWORD) {
  const u = await makeUser(t.db, { username: `acc_${role}_${++seq}`, role, deptCode, password, actor: SYSTEM.actor });
  return { id: u.id, username: u.username };
}

const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

async function session(username: string, password = TEST_PASSWORD) {
  const r = await login(username, password);
  assert.equal(r.statusCode, 200, r.body);
  const cookie = r.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { cookie, headers: { cookie, 'x-csrf-token': r.json().csrfToken as string }, user: r.json().user };
}

const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });

async function auditRows(action: string) {
  return t.db.selectFrom('audit_log').select(['action', 'outcome', 'detail', 'target', 'actor_username', 'actor_app_key']).where('action', '=', action).orderBy('id').execute();
}
const reasonOf = (r: { detail: unknown }) => (r.detail as { reason?: string }).reason;

describe('an inactive department', () => {
  test('its users cannot sign in, their open sessions end, its API keys are refused — each audited; reactivating restores access', async () => {
    const dep = await deptId(t.db, 'SWUJU');
    const clerk = await newUser('reporter', 'SWUJU');
    const open = await session(clerk.username);
    const key = await createApiKey(t.db, t.ctx.config, 'system', { departmentId: dep, name: '税务系统' }, SYSTEM);
    const body = '{"hello":"世界"}';
    const ping = () =>
      t.app.inject({ method: 'POST', url: '/api/ext/ping', headers: { ...signRequest(key.appKey, key.secret, 'POST', '/api/ext/ping', body), 'content-type': 'application/json' }, payload: body });
    assert.equal((await ping()).statusCode, 200);
    assert.equal((await me(open.cookie)).statusCode, 200);

    const admin = await loginAs(t, 'admin');
    const off = await t.app.inject({ method: 'PATCH', url: `/api/departments/${dep}`, headers: admin.headers, payload: { active: false } });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().active, false);
    const change = (await auditRows('departments.update')).at(-1)!;
    assert.deepEqual((change.detail as { sessionsEnded: number }).sessionsEnded, 1);

    // The open session ends on its next request.
    const refused = await me(open.cookie);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'department_inactive');
    assert.ok((await auditRows('auth.session')).some((r) => r.outcome === 'denied' && reasonOf(r) === 'inactive_department'));

    // A correct password no longer opens a session.
    const denied = await login(clerk.username, TEST_PASSWORD);
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.code, 'department_inactive');
    assert.match(denied.json().error.message, /部门已停用/);
    assert.ok((await auditRows('auth.login')).some((r) => r.target === clerk.username && r.outcome === 'denied' && reasonOf(r) === 'inactive_department'));

    // The department's signed API key is refused.
    const api = await ping();
    assert.equal(api.statusCode, 401);
    assert.equal(api.json().error.code, 'department_inactive');
    assert.ok((await auditRows('api.auth')).some((r) => r.actor_app_key === key.appKey && r.outcome === 'denied' && reasonOf(r) === 'inactive_department'));

    // Reactivated: sign-in and the key work again; the ended session stays ended.
    const on = await t.app.inject({ method: 'PATCH', url: `/api/departments/${dep}`, headers: admin.headers, payload: { active: true } });
    assert.equal(on.statusCode, 200, on.body);
    const again = await session(clerk.username);
    assert.equal((await me(again.cookie)).statusCode, 200);
    assert.equal((await ping()).statusCode, 200);
    assert.equal((await me(open.cookie)).statusCode, 401);
  });

  test('a department marked inactive by anyone (another server, SQL) refuses its open sessions on the next request', async () => {
    const clerk = await newUser('reviewer', 'JTJ');
    const open = await session(clerk.username);
    const dep = await deptId(t.db, 'JTJ');
    await t.db.updateTable('departments').set({ active: false }).where('id', '=', dep).execute();
    const r = await me(open.cookie);
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'department_inactive');
    await t.db.updateTable('departments').set({ active: true }).where('id', '=', dep).execute();
    assert.equal((await me(open.cookie)).statusCode, 200);
  });

  test('no user is created in or moved into an inactive department', async () => {
    const admin = await loginAs(t, 'admin');
    const dep = await deptId(t.db, 'WJW');
    await t.db.updateTable('departments').set({ active: false }).where('id', '=', dep).execute();
    try {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin.headers,
        payload: { username: 'into_inactive', displayName: 'x', role: 'reporter', departmentId: dep, password: TEST_PASSWORD },
      });
      assert.equal(created.statusCode, 400);
      assert.equal(created.json().error.code, 'department_inactive');
      const clerk = await newUser('reporter', 'SCJGJ');
      const moved = await t.app.inject({ method: 'PATCH', url: `/api/users/${clerk.id}`, headers: admin.headers, payload: { departmentId: dep } });
      assert.equal(moved.statusCode, 400);
      assert.equal(moved.json().error.code, 'department_inactive');
    } finally {
      await t.db.updateTable('departments').set({ active: true }).where('id', '=', dep).execute();
    }
  });
});

describe('user deactivation', () => {
  test('ends every session at once, refuses sign-in, is audited with before/after; reactivation restores sign-in', async () => {
    const clerk = await newUser('reporter', 'SCJGJ');
    const a = await session(clerk.username);
    const b = await session(clerk.username);
    const admin = await loginAs(t, 'admin');
    const off = await t.app.inject({ method: 'POST', url: `/api/users/${clerk.id}/deactivate`, headers: admin.headers });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().active, false);
    for (const s of [a, b]) {
      const r = await me(s.cookie);
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().error.code, 'user_inactive');
    }
    assert.equal((await login(clerk.username, TEST_PASSWORD)).statusCode, 401);
    const entry = (await auditRows('users.deactivate')).find((r) => r.target === `user:${clerk.id}`)!;
    assert.equal(entry.actor_username, admin.username);
    assert.deepEqual((entry.detail as { before: unknown }).before, { active: true });
    assert.deepEqual((entry.detail as { after: unknown }).after, { active: false });
    assert.equal((entry.detail as { sessionsEnded: number }).sessionsEnded, 2);
    assert.ok((await auditRows('auth.session')).some((r) => reasonOf(r) === 'inactive'));

    const on = await t.app.inject({ method: 'POST', url: `/api/users/${clerk.id}/activate`, headers: admin.headers });
    assert.equal(on.statusCode, 200);
    assert.equal(on.json().active, true);
    assert.equal((await me((await session(clerk.username)).cookie)).statusCode, 200);
    const activated = (await auditRows('users.activate')).find((r) => r.target === `user:${clerk.id}`)!;
    assert.deepEqual((activated.detail as { after: unknown }).after, { active: true });
  });
});

describe('password reset to a one-time password', () => {
  test('old password fails, the one-time password works once and forces a change, then the new password works', async () => {
    const clerk = await newUser('reviewer', 'SCJGJ');
    const old = await session(clerk.username);
    const admin = await loginAs(t, 'admin');
    const otp = 'One-time-pass-2026';
    const reset = await t.app.inject({ method: 'POST', url: `/api/users/${clerk.id}/reset-password`, headers: admin.headers, payload: { password: otp } });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal(reset.json().mustChangePassword, true);
    assert.equal((await me(old.cookie)).statusCode, 401, 'the sessions opened with the old password end');
    const entry = (await auditRows('users.reset_password')).find((r) => r.target === `user:${clerk.id}`)!;
    assert.deepEqual((entry.detail as { before: unknown; after: unknown }).before, { mustChangePassword: false });
    assert.deepEqual((entry.detail as { before: unknown; after: unknown }).after, { mustChangePassword: true });
    assert.ok(!JSON.stringify(entry.detail).includes(otp), 'the password is never audited');

    const byOld = await login(clerk.username, TEST_PASSWORD);
    assert.equal(byOld.statusCode, 401);
    assert.equal(byOld.json().error.code, 'bad_credentials');

    const s = await session(clerk.username, otp);
    assert.equal(s.user.mustChangePassword, true);
    // The session may see who it is and change the password, nothing else.
    assert.equal((await me(s.cookie)).json().user.mustChangePassword, true);
    const blocked = await t.app.inject({ method: 'GET', url: '/api/departments', headers: { cookie: s.cookie } });
    assert.equal(blocked.statusCode, 403);
    assert.equal(blocked.json().error.code, 'password_change_required');
    assert.ok((await auditRows('auth.session')).some((r) => reasonOf(r) === 'password_change_required'));

    // Once: a second sign-in with the one-time password is refused.
    const twice = await login(clerk.username, otp);
    assert.equal(twice.statusCode, 401);
    assert.equal(twice.json().error.code, 'one_time_password_used');
    assert.ok((await auditRows('auth.login')).some((r) => r.target === clerk.username && reasonOf(r) === 'one_time_password_used'));

    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: 'nope-nope-1', newPassword: 'Brand-new-pass-77' } });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error.code, 'bad_password');
    const weak = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: otp, newPassword: 'short' } });
    assert.equal(weak.json().error.code, 'weak_password');
    const same = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: otp, newPassword: otp } });
    assert.equal(same.json().error.code, 'password_unchanged');
    const changed = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s.headers, payload: { currentPassword: otp, newPassword: 'Brand-new-pass-77' } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().user.mustChangePassword, false);
    // The same session now works normally.
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/departments', headers: { cookie: s.cookie } })).statusCode, 200);
    assert.equal((await login(clerk.username, otp)).json().error.code, 'bad_credentials');
    const fresh = await session(clerk.username, 'Brand-new-pass-77');
    assert.equal(fresh.user.mustChangePassword, false);
    const audited = (await auditRows('auth.password_change')).filter((r) => r.target === `user:${clerk.id}`);
    assert.deepEqual(
      audited.map((r) => r.outcome),
      ['failed', 'ok'],
    );
  });

  test('a self-service change ends the other sessions and keeps the current one', async () => {
    const clerk = await newUser('reporter', 'SCJGJ');
    const here = await session(clerk.username);
    const elsewhere = await session(clerk.username);
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: here.headers, payload: { currentPassword: TEST_PASSWORD, newPassword: 'Another-pass-42' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal((await me(here.cookie)).statusCode, 200);
    assert.equal((await me(elsewhere.cookie)).statusCode, 401);
  });
});

describe('the last active admin', () => {
  test('cannot be deactivated, demoted or cut off with its department (CLI included); two admins cannot remove each other at once', async () => {
    // A database of its own, so that the admins counted are exactly these.
    const own = await createTestApp();
    try {
      const office = await deptId(own.db, 'FGW');
      const mk = (username: string) =>
        createUser(own.db, 'system', { username, displayName: username, role: 'admin', departmentId: office, password: TEST_PASSWORD }, SYSTEM);
      const a = await mk('admin_a');
      const b = await mk('admin_b');
      const sign = async (username: string) => {
        const r = await own.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } });
        const cookie = r.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
        return { cookie, 'x-csrf-token': r.json().csrfToken as string };
      };
      const [ha, hb] = [await sign('admin_a'), await sign('admin_b')];

      // Both at once: exactly one succeeds, so one admin always remains.
      const [ab, ba] = await Promise.all([
        own.app.inject({ method: 'POST', url: `/api/users/${b.id}/deactivate`, headers: ha }),
        own.app.inject({ method: 'POST', url: `/api/users/${a.id}/deactivate`, headers: hb }),
      ]);
      assert.deepEqual([ab.statusCode, ba.statusCode].filter((s) => s === 200).length, 1, `${ab.body} ${ba.body}`);
      const survivor = ab.statusCode === 200 ? a : b;
      const left = await own.db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true).execute();
      assert.deepEqual(left.map((r) => r.id), [survivor.id]);
      const headers = survivor === a ? ha : hb;

      const { setUserActive, changeUser } = await import('./users.service.ts');
      const cli = { actor: { username: 'cli' }, ip: 'cli' };
      await assert.rejects(setUserActive(own.db, 'system', survivor.id, false, cli), (e: { code?: string; status?: number }) => e.code === 'last_admin' && e.status === 409);
      await assert.rejects(changeUser(own.db, 'system', survivor.id, { role: 'auditor' }, cli), (e: { code?: string }) => e.code === 'last_admin');
      const dept = await own.app.inject({ method: 'PATCH', url: `/api/departments/${office}`, headers, payload: { active: false } });
      assert.equal(dept.statusCode, 409);
      assert.equal(dept.json().error.code, 'last_admin');
      const still = await own.db.selectFrom('users').select(['role', 'active']).where('id', '=', survivor.id).executeTakeFirstOrThrow();
      assert.deepEqual(still, { role: 'admin', active: true });
      assert.equal((await own.db.selectFrom('departments').select('active').where('id', '=', office).executeTakeFirstOrThrow()).active, true);
      const denials = await own.db.selectFrom('audit_log').select(['action', 'detail']).where('outcome', '=', 'denied').execute();
      for (const action of ['users.deactivate', 'users.set_role', 'departments.update']) {
        assert.ok(denials.some((d) => d.action === action && reasonOf(d) === 'last_admin'), action);
      }
    } finally {
      await own.close();
    }
  });
});
