// The credit office's holiday overrides: coverage alert, and their effect on 超期上报 in imports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, deptId, loginAs, type TestApp } from '../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../test/helpers/authorities.ts';
import { findActiveItem } from '../domains/catalog/catalog.repository.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from '../domains/ingest/fixtures.ts';
import { importRows } from '../domains/ingest/import.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  // The department may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

test('a year without a schedule raises the alert until the credit office enters one', async () => {
  const admin = await loginAs(t, 'admin');
  const r = await t.app.inject({ method: 'GET', url: '/api/calendar', headers: admin.headers });
  const body = r.json();
  const next = new Date().getUTCFullYear() + 1;
  assert.ok(body.uncoveredYears.includes(next), JSON.stringify(body));
  assert.match(body.alert, /尚未录入/);
  const save = await t.app.inject({
    method: 'PUT',
    url: '/api/calendar/overrides',
    headers: admin.headers,
    payload: { days: [{ date: `${next}-01-01`, kind: 'holiday', name: '元旦' }] },
  });
  assert.equal(save.statusCode, 200, save.body);
  const after = (await t.app.inject({ method: 'GET', url: '/api/calendar', headers: admin.headers })).json();
  assert.ok(!after.uncoveredYears.includes(next));
  const rep = await loginAs(t, 'reporter');
  const no = await t.app.inject({ method: 'PUT', url: '/api/calendar/overrides', headers: rep.headers, payload: { days: [{ date: `${next}-01-02`, kind: 'holiday' }] } });
  assert.equal(no.statusCode, 403);
});

test('holidays entered by the credit office change whether a report is late (超期上报)', async () => {
  const item = (await findActiveItem(t.db, '行政处罚'))!;
  const dept = await deptId(t.db, 'SCJGJ');
  const [row] = [...generatePenaltyRows(1, 2468)];
  const values = Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, row.cells[i]]));
  values['处罚决定日期'] = '2026-11-16'; // a Monday
  values['处罚有效期'] = '2027-11-16';
  values['公示截止期'] = '2027-11-16';
  const run = (doc: string) =>
    importRows({
      db: t.db,
      pool: t.ctx.pool,
      secret: t.ctx.config.secret,
      item,
      departmentId: dept,
      channel: 'api',
      reportDate: new Date('2026-11-27T10:00:00+08:00'), // Friday of the next week: 9 working days
      rows: [{ ...values, 行政处罚决定书文号: doc }],
    });
  const before = await run('宁市监罚〔2026〕9001号');
  assert.equal(before.accepted, 1, JSON.stringify(before));
  assert.equal(before.late, 1);
  const admin = await loginAs(t, 'admin');
  const days = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'].map((date) => ({ date, kind: 'holiday', name: '测试假期' }));
  await t.app.inject({ method: 'PUT', url: '/api/calendar/overrides', headers: admin.headers, payload: { days } });
  const after = await run('宁市监罚〔2026〕9002号');
  assert.equal(after.accepted, 1);
  assert.equal(after.late, 0, 'with four holidays only 5 working days passed');
});
