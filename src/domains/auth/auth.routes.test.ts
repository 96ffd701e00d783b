// Console auth, department scope, API keys and audit, through the real app on a real database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, deptId, loginAs, TEST_PASSWORD, type TestApp } from '../../../test/helpers/app.ts';
import { signRequest } from './apikeys.service.ts';
import { makeUser } from '../../../test/factories.ts';
import ExcelJS from 'exceljs';
import { audit } from '../../platform/audit.ts';
import { generateIdNumber, generateUscc, maskPersonalNumber } from '../codes/index.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp({ loginMaxFailures: 3 });
});
after(async () => {
  await t?.close();
});

async function auditActions(outcome?: string) {
  const q = t.db.selectFrom('audit_log').select(['action', 'outcome', 'detail', 'actor_username', 'target']).orderBy('id');
  return (outcome ? q.where('outcome', '=', outcome as 'ok') : q).execute();
}

describe('sign-in', () => {
  test('a correct password opens a session; /me returns the user; the session cookie is httpOnly and signed', async () => {
    const s = await loginAs(t, 'admin');
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().user.role, 'admin');
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: s.username, password: TEST_PASSWORD } });
    const c = login.cookies.find((x) => x.name === 'cc_session')!;
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.match(c.value, /\./, 'signed cookie carries a signature');
    const rows = await auditActions();
    assert.ok(rows.some((r) => r.action === 'auth.login' && r.outcome === 'ok' && r.actor_username === s.username));
  });

  test('a wrong password is refused with 401, audited, and throttled after the limit', async () => {
    await makeUser(t.db, { username: 'victim', displayName: 'V', deptCode: 'SCJGJ' });
    for (let i = 0; i < 3; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'victim', password: 'wrong-password-1' } });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().error.code, 'bad_credentials');
      assert.equal(r.json().error.message, '用户名或密码错误');
    }
    // Even the right password is refused while throttled.
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'victim', password: TEST_PASSWORD } });
    assert.equal(r.statusCode, 429);
    assert.equal(r.json().error.code, 'login_throttled');
    const rows = await auditActions();
    assert.equal(rows.filter((x) => x.action === 'auth.login' && x.target === 'victim' && x.outcome === 'failed').length, 3);
    assert.ok(rows.some((x) => x.action === 'auth.login' && x.target === 'victim' && x.outcome === 'denied'));
  });

  test('an unknown user gets the same answer as a wrong password', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'x' } });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'bad_credentials');
  });

  test('no cookie → 401 unauthenticated', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/departments' });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'unauthenticated');
  });

  test('a tampered cookie → 401 and an audit entry', async () => {
    const s = await loginAs(t, 'reporter');
    const [name, value] = s.cookie.split('=');
    const tampered = `${name}=${value.slice(0, 5)}${value[5] === 'A' ? 'B' : 'A'}${value.slice(6)}`;
    const r = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: tampered } });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'session_invalid');
    const rows = await auditActions('denied');
    assert.ok(rows.some((x) => x.action === 'auth.session' && (x.detail as { reason: string }).reason === 'tampered_cookie'));
  });

  test('an expired session → 401 session_expired and an audit entry', async () => {
    const s = await loginAs(t, 'reporter');
    await t.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', s.userId).execute();
    const r = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'session_expired');
    const rows = await auditActions('denied');
    assert.ok(rows.some((x) => x.action === 'auth.session' && (x.detail as { reason: string }).reason === 'expired'));
  });

  test('logout revokes the session', async () => {
    const s = await loginAs(t, 'reviewer');
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    assert.equal(out.statusCode, 200);
    const r = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    assert.equal(r.statusCode, 401);
  });
});

describe('CSRF', () => {
  test('a state-changing request without the CSRF header is refused with 403 and audited', async () => {
    const s = await loginAs(t, 'admin');
    const dep = await deptId(t.db, 'SCJGJ');
    const body = { username: 'csrf_victim', displayName: 'x', role: 'reporter', departmentId: dep, password: TEST_PASSWORD };
    const r = await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: s.cookie }, payload: body });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'csrf_invalid');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/users', headers: { cookie: s.cookie, 'x-csrf-token': 'nope' }, payload: body });
    assert.equal(wrong.statusCode, 403);
    const none = await t.db.selectFrom('users').select('id').where('username', '=', 'csrf_victim').execute();
    assert.equal(none.length, 0);
    assert.ok((await auditActions('denied')).some((x) => x.action === 'auth.csrf'));
  });
});

describe('departments and users', () => {
  test('the credit office sees every department, a department user only their own', async () => {
    const admin = await loginAs(t, 'admin');
    const all = await t.app.inject({ method: 'GET', url: '/api/departments', headers: { cookie: admin.cookie } });
    const items = all.json().items as Array<{ name: string; kind: string }>;
    assert.ok(items.length >= 60, `expected the member-unit list, got ${items.length}`);
    assert.ok(items.some((d) => d.name === '西宁市市场监督管理局'));
    assert.ok(items.some((d) => d.kind === 'district' && d.name.includes('城东区')));
    const rep = await loginAs(t, 'reporter', 'SCJGJ');
    const mine = await t.app.inject({ method: 'GET', url: '/api/departments', headers: { cookie: rep.cookie } });
    assert.deepEqual(
      (mine.json().items as Array<{ name: string }>).map((d) => d.name),
      ['西宁市市场监督管理局'],
    );
  });

  test("another department's resources → 403 with an audit entry", async () => {
    const rep = await loginAs(t, 'reporter', 'SCJGJ');
    const other = await deptId(t.db, 'SWUJU');
    const r1 = await t.app.inject({ method: 'GET', url: `/api/departments/${other}`, headers: { cookie: rep.cookie } });
    assert.equal(r1.statusCode, 403);
    assert.equal(r1.json().error.code, 'department_forbidden');
    const r2 = await t.app.inject({ method: 'GET', url: `/api/users?departmentId=${other}`, headers: { cookie: rep.cookie } });
    assert.equal(r2.statusCode, 403);
    const denied = await auditActions('denied');
    assert.ok(denied.some((x) => x.action === 'departments.read' && x.target === `department:${other}`));
    assert.ok(denied.some((x) => x.action === 'users.list' && x.target === `department:${other}`));
  });

  test('only admins and district admins create users; creation is audited; duplicates are refused', async () => {
    const admin = await loginAs(t, 'admin');
    const dep = await deptId(t.db, 'SCJGJ');
    const body = { username: 'new_clerk', displayName: '新填报员', role: 'reporter', departmentId: dep, password: TEST_PASSWORD };
    const ok = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: body });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().departmentName, '西宁市市场监督管理局');
    assert.equal('password_hash' in ok.json(), false);
    const dup = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { ...body, username: 'NEW_CLERK' } });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().error.code, 'username_taken');
    const rep = await loginAs(t, 'reporter');
    const no = await t.app.inject({ method: 'POST', url: '/api/users', headers: rep.headers, payload: { ...body, username: 'sneaky' } });
    assert.equal(no.statusCode, 403);
    assert.ok((await auditActions()).some((x) => x.action === 'users.create' && x.outcome === 'ok' && x.actor_username === admin.username));
  });

  test('weak passwords and bad usernames are refused with Chinese messages', async () => {
    const admin = await loginAs(t, 'admin');
    const dep = await deptId(t.db, 'SCJGJ');
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { username: 'weakling', displayName: 'w', role: 'reporter', departmentId: dep, password: 'short' },
    });
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json().error.code, 'weak_password');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { username: '<script>', displayName: 'w', role: 'reporter', departmentId: dep, password: TEST_PASSWORD },
    });
    assert.equal(bad.statusCode, 400);
  });

  test('a district admin creates users only inside the district', async () => {
    const districts = await t.db.selectFrom('departments').select(['id', 'code']).where('kind', '=', 'district').orderBy('sort_order').execute();
    const da = await loginAs(t, 'district_admin', districts[0].code);
    const inside = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: da.headers,
      payload: { username: 'district_clerk', displayName: '区填报员', role: 'reporter', departmentId: districts[0].id, password: TEST_PASSWORD },
    });
    assert.equal(inside.statusCode, 200, inside.body);
    const outside = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: da.headers,
      payload: { username: 'foreign_clerk', displayName: 'x', role: 'reporter', departmentId: districts[1].id, password: TEST_PASSWORD },
    });
    assert.equal(outside.statusCode, 403);
    const escalate = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: da.headers,
      payload: { username: 'wannabe', displayName: 'x', role: 'admin', departmentId: districts[0].id, password: TEST_PASSWORD },
    });
    assert.equal(escalate.statusCode, 403);
  });
});

describe('departments: add, edit, deactivate, USCC (issue 17 §4)', () => {
  const uscc = generateUscc(() => 0.31, { prefix: '11', region: '630100' });
  test('the credit office adds a department with its USCC, edits it and deactivates it; each step audited', async () => {
    const admin = await loginAs(t, 'admin');
    const add = await t.app.inject({
      method: 'POST',
      url: '/api/departments',
      headers: admin.headers,
      payload: { code: 'xnsjj', name: '西宁市数据局', shortName: '数据局', kind: 'city_unit', uscc: uscc.toLowerCase() },
    });
    assert.equal(add.statusCode, 200, add.body);
    const d = add.json();
    assert.deepEqual([d.code, d.name, d.uscc, d.active], ['XNSJJ', '西宁市数据局', uscc, true], 'code and USCC normalised');
    const list = await t.app.inject({ method: 'GET', url: '/api/departments', headers: { cookie: admin.cookie } });
    assert.ok(list.json().items.some((x: { id: number; uscc: string }) => x.id === d.id && x.uscc === uscc));

    const other = generateUscc(() => 0.77, { prefix: '11', region: '630100' });
    const edit = await t.app.inject({ method: 'PATCH', url: `/api/departments/${d.id}`, headers: admin.headers, payload: { name: '西宁市政务服务监督管理局', uscc: other } });
    assert.equal(edit.statusCode, 200, edit.body);
    assert.deepEqual([edit.json().name, edit.json().uscc], ['西宁市政务服务监督管理局', other]);
    const off = await t.app.inject({ method: 'PATCH', url: `/api/departments/${d.id}`, headers: admin.headers, payload: { active: false } });
    assert.equal(off.json().active, false);
    const trail = await t.db.selectFrom('audit_log').select('action').where('target', '=', `department:${d.id}`).orderBy('id').execute();
    assert.deepEqual(trail.map((r) => r.action), ['departments.create', 'departments.update', 'departments.update']);
  });

  test('refusals: a bad USCC, a taken code or name, a missing parent', async () => {
    const admin = await loginAs(t, 'admin');
    const base = { code: 'ZFJ2', name: '西宁市测试局', shortName: '测试局', kind: 'city_unit' };
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['USCC with a wrong check character', { ...base, uscc: uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0') }, 400, 'invalid_uscc'],
      ['code taken', { ...base, code: 'SCJGJ' }, 409, 'department_code_taken'],
      ['name taken', { ...base, name: '西宁市市场监督管理局' }, 409, 'department_name_taken'],
      ['unknown parent', { ...base, parentId: 999999 }, 400, 'department_not_found'],
      ['the credit office itself cannot be added', { ...base, kind: 'office' }, 400, 'validation_failed'],
    ];
    for (const [name, payload, status, code] of cases) {
      const r = await t.app.inject({ method: 'POST', url: '/api/departments', headers: admin.headers, payload });
      assert.equal(r.statusCode, status, `${name}: ${r.body}`);
      if (code !== 'validation_failed') assert.equal(r.json().error.code, code, name);
    }
    const bad = await t.app.inject({ method: 'PATCH', url: `/api/departments/${await deptId(t.db, 'SCJGJ')}`, headers: admin.headers, payload: { uscc: '91630100MA00000000' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_uscc');
  });

  test('only the credit office admin adds departments', async () => {
    for (const role of ['reporter', 'reviewer', 'auditor', 'district_admin'] as const) {
      const s = await loginAs(t, role);
      const r = await t.app.inject({ method: 'POST', url: '/api/departments', headers: s.headers, payload: { code: 'NOPE', name: '不应创建', shortName: '无', kind: 'soe' } });
      assert.equal(r.statusCode, 403, role);
    }
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/departments', payload: { code: 'NOPE', name: '不应创建', shortName: '无', kind: 'soe' } })).statusCode, 401);
  });
});

describe('audit log', () => {
  test('admins and auditors browse it with filters and cursors; others may not', async () => {
    const auditor = await loginAs(t, 'auditor');
    const p1 = await t.app.inject({ method: 'GET', url: '/api/audit?limit=2', headers: { cookie: auditor.cookie } });
    assert.equal(p1.statusCode, 200);
    const b1 = p1.json();
    assert.equal(b1.items.length, 2);
    assert.ok(b1.nextCursor);
    const p2 = await t.app.inject({ method: 'GET', url: `/api/audit?limit=2&cursor=${b1.nextCursor}`, headers: { cookie: auditor.cookie } });
    assert.ok(BigInt(p2.json().items[0].id) < BigInt(b1.items[1].id) + 1n);
    const filtered = await t.app.inject({ method: 'GET', url: '/api/audit?action=auth.login&outcome=failed', headers: { cookie: auditor.cookie } });
    assert.ok(filtered.json().items.length >= 1);
    assert.ok(filtered.json().items.every((i: { action: string; outcome: string }) => i.action.startsWith('auth.login') && i.outcome === 'failed'));
    const rep = await loginAs(t, 'reporter');
    const no = await t.app.inject({ method: 'GET', url: '/api/audit', headers: { cookie: rep.cookie } });
    assert.equal(no.statusCode, 403);
  });

  test('entries read in words: Chinese action names, the department by name, the detail as fields, personal numbers masked (issue 17 §4)', async () => {
    const auditor = await loginAs(t, 'auditor');
    const scjgj = await deptId(t.db, 'SCJGJ');
    const rep = await loginAs(t, 'reporter', 'SCJGJ');
    // A detail that carries an ID number (a username typed as one) and a reason code.
    const idNo = generateIdNumber(() => 0.42);
    await audit(t.db, { actor: { username: rep.username, role: 'reporter', departmentId: scjgj } }, { action: 'auth.login', outcome: 'failed', target: `user:${idNo}`, detail: { reason: 'bad_password', username: idNo } });
    const r = await t.app.inject({ method: 'GET', url: `/api/audit?departmentId=${scjgj}&action=auth.login`, headers: { cookie: auditor.cookie } });
    assert.equal(r.statusCode, 200, r.body);
    const items = r.json().items as { action: string; actionLabel: string; actorDepartmentId: number; actorDepartmentName: string; target: string; fields: { label: string; value: string }[] }[];
    assert.ok(items.length >= 1);
    assert.ok(items.every((i) => i.actorDepartmentId === scjgj && i.action === 'auth.login'), 'filtered by department and action');
    const mine = items[0];
    assert.equal(mine.actionLabel, '登录');
    assert.equal(mine.actorDepartmentName, '西宁市市场监督管理局');
    assert.deepEqual(mine.fields.map((f) => f.label), ['原因', '用户名']);
    assert.equal(mine.fields[0].value, '密码错误');
    assert.ok(!r.body.includes(idNo), 'the ID number does not leave the server unmasked');
    assert.equal(mine.fields[1].value, maskPersonalNumber({ kind: 'id', value: idNo }));
    assert.equal(mine.target, `user:${maskPersonalNumber({ kind: 'id', value: idNo })}`);

    const actions = await t.app.inject({ method: 'GET', url: '/api/audit/actions', headers: { cookie: auditor.cookie } });
    assert.ok((actions.json().items as { action: string; label: string }[]).some((a) => a.action === 'auth.login' && a.label === '登录'));
  });

  test('targets read in words: a user by name and login, a department by name, a batch by 批次号 and file, in one query per page (issue 17 §4)', async () => {
    const auditor = await loginAs(t, 'auditor');
    const scjgj = await deptId(t.db, 'SCJGJ');
    const u = await t.db.selectFrom('users').select(['id', 'username', 'display_name']).orderBy('id').executeTakeFirstOrThrow();
    const item = await t.db.selectFrom('catalog_versions').select(['item_id', 'version', 'name']).orderBy('item_id').executeTakeFirstOrThrow();
    const batch = await sql<{ id: string }>`
      INSERT INTO ingest_batches (department_id, item_id, catalog_version, channel, file_name, status)
      VALUES (${scjgj}, ${item.item_id}, ${item.version}, 'file', '2026年12月行政许可.xlsx', 'committed') RETURNING id::text AS id`.execute(t.owner);
    const batchId = batch.rows[0].id;
    const cases: [target: string, words: string][] = [
      [`user:${u.id}`, `用户 ${u.display_name}（${u.username}）`],
      [`department:${scjgj}`, '部门 西宁市市场监督管理局'],
      [`batch:${batchId}`, `批次 ${batchId}（2026年12月行政许可.xlsx）`],
      [`catalog:${item.item_id}@${item.version}`, `目录项 ${item.name} 第 ${item.version} 版`],
      ['batch:987654321', '批次 987654321'],
      ['user:nobody-typed-this', '用户 nobody-typed-this'],
      ['weird:1', 'weird:1'],
    ];
    for (const [target] of cases) await audit(t.db, { actor: { username: 'target-probe' } }, { action: 'auth.logout', target });
    const r = await t.app.inject({ method: 'GET', url: '/api/audit?actor=target-probe', headers: { cookie: auditor.cookie } });
    assert.equal(r.statusCode, 200, r.body);
    const got = new Map((r.json().items as { target: string; targetLabel: string }[]).map((i) => [i.target, i.targetLabel]));
    for (const [target, words] of cases) {
      assert.equal(got.get(target), words, target);
    }
  });

  test('the filtered log exports to .xlsx: words, masked numbers, formula injection neutralised; the export is audited', async () => {
    const admin = await loginAs(t, 'admin');
    const idNo = generateIdNumber(() => 0.7);
    await audit(t.db, { actor: { username: 'exporter-probe' } }, { action: 'ingest.upload', target: 'batch:1', detail: { fileName: `=HYPERLINK("http://x") ${idNo}` } });
    const x = await t.app.inject({ method: 'GET', url: '/api/audit.xlsx?actor=exporter-probe', headers: { cookie: admin.cookie } });
    assert.equal(x.statusCode, 200, x.body);
    assert.match(String(x.headers['content-disposition']), /filename\*=UTF-8''%E5%AE%A1%E8%AE%A1/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
    const rows: string[][] = [];
    wb.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1).map(String)));
    assert.deepEqual(rows[0], ['时间', '操作人', '角色', '所属部门', '操作', '操作代码', '对象', '详情', 'IP', '结果']);
    assert.equal(rows.length, 2, 'only the filtered entry');
    const [at, who, , , label, code, , detail, , outcome] = rows[1];
    assert.match(at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual([who, label, code, outcome], ['exporter-probe', '上传文件报送', 'ingest.upload', '成功']);
    assert.ok(detail.startsWith('文件名：'), detail);
    assert.ok(!detail.includes(idNo), 'masked in the export as on screen');
    assert.ok(detail.includes(maskPersonalNumber({ kind: 'id', value: idNo })));
    const exported = await t.db.selectFrom('audit_log').select(['actor_username', 'detail']).where('action', '=', 'audit.export').orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(exported.actor_username, admin.username);
    assert.deepEqual(exported.detail, { actor: 'exporter-probe', rows: 1 });
    // A cell that starts with = is neutralised (the detail cell starts with its label, so probe the actor).
    await audit(t.db, { actor: { username: '=cmd' } }, { action: 'auth.logout' });
    const y = await t.app.inject({ method: 'GET', url: '/api/audit.xlsx?actor=%3Dcmd', headers: { cookie: admin.cookie } });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(y.rawPayload as unknown as ExcelJS.Buffer);
    assert.equal(wb2.worksheets[0].getRow(2).getCell(2).value, "'=cmd");
  });

  test('only admins and auditors read the actions list or export the log', async () => {
    for (const role of ['reporter', 'reviewer', 'district_admin'] as const) {
      const s = await loginAs(t, role);
      for (const url of ['/api/audit/actions', '/api/audit.xlsx']) {
        const r = await t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
        assert.equal(r.statusCode, 403, `${role} ${url}`);
      }
    }
    for (const url of ['/api/audit/actions', '/api/audit.xlsx']) assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 401, url);
  });

  test('the audit table is append-only', async () => {
    // Even for the owner, whose privileges reach the trigger; the app's role is refused before it (src/db/roles.test.ts).
    await assert.rejects(sql`UPDATE audit_log SET action = 'x'`.execute(t.owner), /append-only/);
    await assert.rejects(sql`DELETE FROM audit_log`.execute(t.owner), /append-only/);
    await assert.rejects(sql`TRUNCATE audit_log`.execute(t.owner), /append-only/);
  });
});

describe('signed API for department systems', () => {
  async function newKey() {
    const admin = await loginAs(t, 'admin');
    const dep = await deptId(t.db, 'SCJGJ');
    const r = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: dep, name: '执法系统' } });
    assert.equal(r.statusCode, 200, r.body);
    const list = await t.app.inject({ method: 'GET', url: '/api/apikeys', headers: { cookie: admin.cookie } });
    assert.ok(!JSON.stringify(list.json()).includes(r.json().secret), 'the secret is never listed');
    return { ...(r.json() as { id: number; appKey: string; secret: string }), admin };
  }
  const ping = (headers: Record<string, string>, body = '{"hello":"世界"}') =>
    t.app.inject({ method: 'POST', url: '/api/ext/ping', headers: { ...headers, 'content-type': 'application/json' }, payload: body });

  test('a correctly signed request is accepted and names the department', async () => {
    const k = await newKey();
    const body = '{"hello":"世界"}';
    const r = await ping(signRequest(k.appKey, k.secret, 'POST', '/api/ext/ping', body), body);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().departmentName, '西宁市市场监督管理局');
  });

  test('a bad signature, a changed body, a missing header, an unknown key → 401, audited', async () => {
    const k = await newKey();
    const h = signRequest(k.appKey, k.secret, 'POST', '/api/ext/ping', '{"hello":"世界"}');
    const bad = await ping({ ...h, 'x-sign': '0'.repeat(64) });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().error.code, 'signature_invalid');
    const changed = await ping(signRequest(k.appKey, k.secret, 'POST', '/api/ext/ping', '{"hello":"世界"}'), '{"hello":"地球"}');
    assert.equal(changed.statusCode, 401);
    const missing = await ping({ 'x-app-key': k.appKey });
    assert.equal(missing.json().error.code, 'signature_missing');
    const unknown = await ping(signRequest('ck_nope', k.secret, 'POST', '/api/ext/ping', '{"hello":"世界"}'));
    assert.equal(unknown.statusCode, 401);
    const denied = (await auditActions('denied')).filter((x) => x.action === 'api.auth');
    const reasons = denied.map((x) => (x.detail as { reason: string }).reason);
    for (const reason of ['bad_signature', 'missing_headers', 'unknown_app_key']) assert.ok(reasons.includes(reason), reason);
  });

  test('a timestamp outside ±5 minutes → 401 signature_expired', async () => {
    const k = await newKey();
    const body = '{"hello":"世界"}';
    const old = signRequest(k.appKey, k.secret, 'POST', '/api/ext/ping', body, Date.now() - 6 * 60_000);
    const r = await ping(old, body);
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'signature_expired');
    const future = signRequest(k.appKey, k.secret, 'POST', '/api/ext/ping', body, Date.now() + 6 * 60_000);
    assert.equal((await ping(future, body)).json().error.code, 'signature_expired');
    const nearEdge = signRequest(k.appKey, k.secret, 'POST', '/api/ext/ping', body, Date.now() - 4 * 60_000);
    assert.equal((await ping(nearEdge, body)).statusCode, 200);
  });

  test('a replayed nonce → 401 signature_replayed', async () => {
    const k = await newKey();
    const body = '{"hello":"世界"}';
    const h = signRequest(k.appKey, k.secret, 'POST', '/api/ext/ping', body);
    assert.equal((await ping(h, body)).statusCode, 200);
    const again = await ping(h, body);
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().error.code, 'signature_replayed');
  });

  test('a revoked key is refused', async () => {
    const k = await newKey();
    const rv = await t.app.inject({ method: 'POST', url: `/api/apikeys/${k.id}/revoke`, headers: k.admin.headers });
    assert.equal(rv.statusCode, 200);
    const body = '{"hello":"世界"}';
    const r = await ping(signRequest(k.appKey, k.secret, 'POST', '/api/ext/ping', body), body);
    assert.equal(r.json().error.code, 'apikey_revoked');
  });
});

describe('errors', () => {
  test('malformed JSON → 400 invalid_json; schema violations → 400 validation_failed; unknown API path → JSON 404', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.code, 'invalid_json');
    const v = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a' } });
    assert.equal(v.statusCode, 400);
    assert.equal(v.json().error.code, 'validation_failed');
    const nf = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    assert.equal(nf.statusCode, 404);
    assert.equal(nf.json().error.code, 'not_found');
  });

  test('/health reports the database and the migration version; /docs serves OpenAPI', async () => {
    const h = await t.app.inject({ method: 'GET', url: '/health' });
    assert.equal(h.statusCode, 200);
    assert.equal(h.json().database.connected, true);
    // Migrations are named YYYYMMDDTHHMM_name, or with a letter when several land in one minute (20261207T1500a_…).
    assert.match(h.json().database.migration, /^\d{8}T\d{4}[a-z]?_/);
    const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(spec.statusCode, 200);
    assert.ok(spec.json().paths['/api/auth/login']);
    assert.ok(h.headers['x-request-id']);
    assert.ok(h.headers['content-security-policy']);
  });
});
