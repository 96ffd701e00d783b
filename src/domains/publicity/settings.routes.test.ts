// Issue 13 case 5: the class of each 处罚类别 is a setting the console shows beside the 2026 examples.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { resolveSettings } from './settings.ts';
import { settingsView } from './settings.routes.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t?.close();
});

test('GET /api/publicity/settings lists each category with its class, default and 2026 example; signed-in users only', async () => {
  const anon = await t.app.inject({ method: 'GET', url: '/api/publicity/settings' });
  assert.equal(anon.statusCode, 401);
  const user = await loginAs(t, 'reporter');
  const r = await t.app.inject({ method: 'GET', url: '/api/publicity/settings', headers: user.headers });
  assert.equal(r.statusCode, 200, r.body);
  const body = r.json();
  const row = (code: string) => body.categories.find((c: { code: string }) => c.code === code);
  // Case 5 (before: 行政拘留 严重 with nothing beside it): today's class as default, the 2026 examples beside.
  assert.deepEqual(row('13'), { code: '13', label: '行政拘留', severity: '严重', defaultSeverity: '严重', example2026: '示例未列，由信用办确认' });
  assert.deepEqual(row('01'), { code: '01', label: '警告', severity: '轻微', defaultSeverity: '轻微', example2026: '轻微' });
  assert.equal(row('L4').severity, '一般');
  assert.deepEqual(body.transition.rule, 'decision_date');
  assert.equal(body.possiblySimpleProcedure, 'flag');
  assert.match(body.examplesSource, /§3\.3/);
});

test('a changed class shows as the value in force beside its default', () => {
  const v = settingsView(resolveSettings({ categorySeverity: { '13': '一般' } }));
  const row = v.categories.find((c) => c.code === '13');
  assert.deepEqual([row?.severity, row?.defaultSeverity], ['一般', '严重']);
});
