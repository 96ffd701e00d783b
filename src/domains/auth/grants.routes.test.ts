// Every cell of the grants table (who may create or change which role), over app.inject: actor role ×
// target role × action, plus the district boundary, role escalation and self-changes. The expected table is
// written out here by hand, independent of GRANTS, and GRANTS is checked against it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, TEST_PASSWORD, type TestApp } from '../../../test/helpers/app.ts';
import type { Role } from '../../db/types.ts';
import { hashPassword } from './auth.service.ts';
import { GRANTS, USER_ACTIONS, type UserAction } from './grants.ts';

const ROLES: Role[] = ['admin', 'auditor', 'district_admin', 'reviewer', 'reporter'];

// Y = allowed, · = refused (403), per target role in the order of ROLES: admin auditor district_admin reviewer reporter.
// The same table stands in docs/OPERATIONS.md (## 账号与角色).
const EXPECTED: Record<UserAction, Record<Role, string>> = {
  create: { admin: 'YYYYY', district_admin: '···YY', reviewer: '·····', reporter: '·····', auditor: '·····' },
  set_role: { admin: 'YYYYY', district_admin: '···YY', reviewer: '·····', reporter: '·····', auditor: '·····' },
  set_department: { admin: 'YYYYY', district_admin: '···YY', reviewer: '·····', reporter: '·····', auditor: '·····' },
  deactivate: { admin: 'YYYYY', district_admin: '···YY', reviewer: '·····', reporter: '·····', auditor: '·····' },
  activate: { admin: 'YYYYY', district_admin: '···YY', reviewer: '·····', reporter: '·····', auditor: '·····' },
  reset_password: { admin: 'YYYYY', district_admin: '···YY', reviewer: '·····', reporter: '·····', auditor: '·····' },
};
const expected = (action: UserAction, actor: Role, target: Role) => EXPECTED[action][actor][ROLES.indexOf(target)] === 'Y';

// The role a set_role cell changes the target to: one the allowed actors may give, keeping the department rule.
const NEW_ROLE: Record<Role, Role> = { admin: 'auditor', auditor: 'admin', district_admin: 'reporter', reviewer: 'reporter', reporter: 'reviewer' };

let t: TestApp;
let hash: string;
let district: { id: number; code: string };
let otherDistrict: { id: number; code: string };
let unit: number; // a unit of the district (parent = the district), inside the district admin's scope
let office: number;
const actors = {} as Record<Role, Awaited<ReturnType<typeof loginAs>>>;

before(async () => {
  t = await createTestApp();
  hash = await hashPassword(TEST_PASSWORD);
  const ds = await t.db.selectFrom('departments').select(['id', 'code']).where('kind', '=', 'district').orderBy('sort_order').limit(2).execute();
  [district, otherDistrict] = ds;
  unit = (
    await t.db
      .insertInto('departments')
      .values({ code: 'T_UNIT', name: '测试区市场监管分局', short_name: '区市场监管分局', kind: 'city_unit', parent_id: district.id })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  office = (await t.db.selectFrom('departments').select('id').where('code', '=', 'FGW').executeTakeFirstOrThrow()).id;
  for (const r of ROLES) actors[r] = await loginAs(t, r, r === 'admin' || r === 'auditor' ? null : district.code);
});
after(async () => {
  await t?.close();
});

let seq = 0;
/** A target account, inserted directly (the password hash computed once keeps 150 accounts fast). */
async function target(role: Role, opts: { departmentId?: number | null; active?: boolean } = {}) {
  const departmentId = opts.departmentId !== undefined ? opts.departmentId : role === 'admin' || role === 'auditor' ? null : district.id;
  const username = `target_${role}_${++seq}`;
  const r = await t.db
    .insertInto('users')
    .values({ username, display_name: username, password_hash: hash, role, department_id: departmentId, active: opts.active ?? true })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, username };
}

const row = (id: number) => t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Performs one action as the actor; returns the response and whether the target's stored state changed. */
async function perform(actor: Role, action: UserAction, role: Role) {
  const headers = actors[actor].headers;
  if (action === 'create') {
    const username = `created_${actor}_${role}_${++seq}`;
    const departmentId = role === 'admin' || role === 'auditor' ? null : district.id;
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers, payload: { username, displayName: username, role, departmentId, password: TEST_PASSWORD } });
    const made = await t.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    return { res, changed: Boolean(made) };
  }
  const u = await target(role, { active: action !== 'activate' });
  const before = await row(u.id);
  const req = {
    set_role: { method: 'PATCH', url: `/api/users/${u.id}`, payload: { role: NEW_ROLE[role] } },
    set_department: { method: 'PATCH', url: `/api/users/${u.id}`, payload: { departmentId: role === 'admin' || role === 'auditor' ? office : unit } },
    deactivate: { method: 'POST', url: `/api/users/${u.id}/deactivate` },
    activate: { method: 'POST', url: `/api/users/${u.id}/activate` },
    reset_password: { method: 'POST', url: `/api/users/${u.id}/reset-password`, payload: { password: 'One-time-pass-9' } },
  }[action] as { method: 'PATCH' | 'POST'; url: string; payload?: object };
  const res = await t.app.inject({ ...req, headers });
  const after = await row(u.id);
  return { res, changed: JSON.stringify({ ...before, updated_at: null }) !== JSON.stringify({ ...after, updated_at: null }) };
}

describe('grants table', () => {
  test('GRANTS in code is the table written down here', () => {
    for (const actor of ROLES) {
      assert.deepEqual(
        [...GRANTS[actor].roles].sort(),
        ROLES.filter((r) => expected('create', actor, r)).sort(),
        actor,
      );
    }
    assert.deepEqual([...USER_ACTIONS].sort(), Object.keys(EXPECTED).sort());
  });

  for (const action of USER_ACTIONS) {
    test(`${action}: every actor role × target role`, async () => {
      const cells: string[] = [];
      for (const actor of ROLES) {
        for (const role of ROLES) {
          const { res, changed } = await perform(actor, action, role);
          const allowed = expected(action, actor, role);
          const cell = `${actor} ${action} ${role}`;
          assert.equal(res.statusCode, allowed ? 200 : 403, `${cell}: ${res.body}`);
          assert.equal(changed, allowed, `${cell}: stored state ${changed ? 'changed' : 'unchanged'}`);
          if (!allowed) assert.match(res.json().error.code, /^(role_forbidden|department_forbidden)$/, cell);
          cells.push(cell);
        }
      }
      assert.equal(cells.length, ROLES.length * ROLES.length);
      // Every refusal is audited: by the role check of the route (non-managers) or by the grant check.
      const denied = await t.db.selectFrom('audit_log').select(['action', 'detail']).where('outcome', '=', 'denied').where('action', '=', `users.${action}`).execute();
      assert.ok(denied.some((d) => (d.detail as { reason: string }).reason === 'role_not_granted'), `${action} denials audited`);
    });
  }
});

describe('grant boundaries', () => {
  test('a district admin manages no one outside the district, and cannot move anyone out of it', async () => {
    const da = actors.district_admin.headers;
    const outside = await target('reporter', { departmentId: otherDistrict.id });
    const city = await target('reviewer', { departmentId: (await t.db.selectFrom('departments').select('id').where('code', '=', 'SCJGJ').executeTakeFirstOrThrow()).id });
    const inside = await target('reporter');
    const calls = [
      { method: 'POST' as const, url: '/api/users', payload: { username: 'other_district_clerk', displayName: 'x', role: 'reporter', departmentId: otherDistrict.id, password: TEST_PASSWORD } },
      { method: 'PATCH' as const, url: `/api/users/${outside.id}`, payload: { role: 'reviewer' } },
      { method: 'POST' as const, url: `/api/users/${outside.id}/deactivate` },
      { method: 'POST' as const, url: `/api/users/${city.id}/reset-password`, payload: { password: 'One-time-pass-9' } },
      { method: 'PATCH' as const, url: `/api/users/${inside.id}`, payload: { departmentId: otherDistrict.id } },
    ];
    for (const c of calls) {
      const r = await t.app.inject({ ...c, headers: da });
      assert.equal(r.statusCode, 403, `${c.method} ${c.url}: ${r.body}`);
      assert.equal(r.json().error.code, 'department_forbidden');
    }
    assert.equal((await row(inside.id)).department_id, district.id);
    assert.equal((await row(outside.id)).active, true);
  });

  test('a district admin cannot raise anyone to district admin, admin or auditor', async () => {
    for (const role of ['district_admin', 'admin', 'auditor'] as const) {
      const u = await target('reporter');
      const r = await t.app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: actors.district_admin.headers, payload: { role, departmentId: district.id } });
      assert.equal(r.statusCode, 403, role);
      assert.equal(r.json().error.code, 'role_forbidden');
      assert.equal((await row(u.id)).role, 'reporter');
    }
  });

  test('nobody changes their own role, department or status, or resets their own password', async () => {
    for (const actor of ['admin', 'district_admin'] as const) {
      const { headers, userId } = actors[actor];
      const calls = [
        { method: 'PATCH' as const, url: `/api/users/${userId}`, payload: { role: 'reporter', departmentId: district.id } },
        { method: 'PATCH' as const, url: `/api/users/${userId}`, payload: { departmentId: unit } },
        { method: 'POST' as const, url: `/api/users/${userId}/deactivate` },
        { method: 'POST' as const, url: `/api/users/${userId}/reset-password`, payload: { password: 'One-time-pass-9' } },
      ];
      for (const c of calls) {
        const r = await t.app.inject({ ...c, headers });
        assert.equal(r.statusCode, 403, `${actor} ${c.url}`);
        assert.equal(r.json().error.code, 'self_forbidden');
      }
      const me = await row(userId);
      assert.equal(me.role, actor);
      assert.equal(me.active, true);
      assert.equal(me.must_change_password, false);
    }
    const self = await t.db.selectFrom('audit_log').select('detail').where('outcome', '=', 'denied').execute();
    assert.ok(self.filter((d) => (d.detail as { reason: string }).reason === 'self').length >= 8);
  });

  test('a role that needs a department cannot be given without one', async () => {
    const u = await target('auditor');
    const r = await t.app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: actors.admin.headers, payload: { role: 'reporter' } });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'department_required');
    const ok = await t.app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: actors.admin.headers, payload: { role: 'reporter', departmentId: district.id } });
    assert.equal(ok.statusCode, 200, ok.body);
    const entry = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'users.update').where('target', '=', `user:${u.id}`).executeTakeFirstOrThrow();
    assert.deepEqual(entry.detail, { username: u.username, before: { role: 'auditor', departmentId: null }, after: { role: 'reporter', departmentId: district.id } });
  });
});
