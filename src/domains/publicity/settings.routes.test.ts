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
  // The sources are named as a clerk cites them (document and article), not as docs/domain sections (issue 17 §4).
  assert.match(body.examplesSource, /《信用修复管理办法》（2026 年 4 月 1 日起施行）/);
  assert.match(body.categorySource, /《中华人民共和国行政处罚法》第九条/);
});

/** Every string of a JSON value, with where it sits. */
function strings(v: unknown, at = ''): [string, string][] {
  if (typeof v === 'string') return [[at, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${at}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, `${at}.${k}`));
  return [];
}

test('the settings view speaks plain Chinese: no file path, § citation, marker, env name or field name (issue 17 §4)', () => {
  const v = settingsView(resolveSettings({ transition: { rule: 'lighter' } }), '2000-01-01');
  // [what, pattern]: the developer text the view used to carry (docs/domain/…, [M], PENALTY_CATEGORY_ENUM, fineCeiling).
  const devText: [string, RegExp][] = [
    ['file path', /docs\//],
    ['§ citation', /§|DOMAIN/],
    ['marker', /\[[MVPS]\]/],
    ['env or enum name', /[A-Z][A-Z0-9]*_[A-Z0-9_]+/],
    ['field name', /[a-z]+[A-Z][a-zA-Z]+/],
    ['issue', /issue\s*\d/i],
  ];
  // The rule codes (decision_date, lighter, flag) are values the page maps to words, not text it shows.
  const shown = strings(v).filter(([at]) => !/^\.(transition|defaultTransition)\.rule$|possiblySimpleProcedure$/.test(at));
  for (const [at, text] of shown) for (const [what, re] of devText) assert.doesNotMatch(text, re, `${what} in ${at}: ${text}`);
  assert.match(v.fineCeilingSource, /1000 万元/);
  assert.match(v.decisionDateFloorNote, /^决定日期早于 2000-01-01 的，在回执中提示部门核实/);
  assert.match(v.transition.basis, /《信用修复管理办法》自 2026 年 4 月 1 日起施行/);
});

test('a changed class shows as the value in force beside its default', () => {
  const v = settingsView(resolveSettings({ categorySeverity: { '13': '一般' } }));
  const row = v.categories.find((c) => c.code === '13');
  assert.deepEqual([row?.severity, row?.defaultSeverity], ['一般', '严重']);
});

test('PUT /api/publicity/settings: only the credit office administrator changes the settings (issue 13 item 5)', async () => {
  // [role, status]; a denial test per role that is not the credit office's administrator.
  const denied: [string, number][] = [
    ['anonymous', 401],
    ['reporter', 403],
    ['reviewer', 403],
    ['district_admin', 403],
    ['auditor', 403],
  ];
  for (const [role, status] of denied) {
    const headers = role === 'anonymous' ? {} : (await loginAs(t, role as 'reporter')).headers;
    const r = await t.app.inject({ method: 'PUT', url: '/api/publicity/settings', headers, payload: { possiblySimpleProcedure: 'treat_as_simple' } });
    assert.equal(r.statusCode, status, `${role}: ${r.body}`);
  }
  const admin = (await loginAs(t, 'admin')).headers;
  // Nothing changed by the refused attempts.
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/publicity/settings', headers: admin })).json().possiblySimpleProcedure, 'flag');

  // Bad values are refused with a Chinese message: [payload, status].
  const bad: [unknown, number][] = [
    [{ categorySeverity: { '13': '特别严重' } }, 400],
    [{ categorySeverity: { ZZ: '一般' } }, 400],
    [{ transition: { rule: 'whenever' } }, 400],
    [{ transition: { from: '2026/04/01' } }, 400],
    [{ fineCeiling: -1 }, 400],
    [{ seriousFineAbove: 5, minorFineAtMost: 10 }, 400],
  ];
  for (const [payload, status] of bad) {
    const r = await t.app.inject({ method: 'PUT', url: '/api/publicity/settings', headers: admin, payload: payload as object });
    assert.equal(r.statusCode, status, `${JSON.stringify(payload)}: ${r.body}`);
  }

  const change = { categorySeverity: { '13': '一般' }, transition: { rule: 'lighter', from: '2026-04-01' }, possiblySimpleProcedure: 'treat_as_simple', seriousFineAbove: 200, fineCeiling: 800 };
  const ok = await t.app.inject({ method: 'PUT', url: '/api/publicity/settings', headers: admin, payload: change });
  assert.equal(ok.statusCode, 200, ok.body);
  const v = ok.json();
  assert.deepEqual(
    [v.categories.find((c: { code: string }) => c.code === '13').severity, v.transition.rule, v.possiblySimpleProcedure, v.seriousFineAbove, v.fineCeiling, v.defaults.fineCeiling],
    ['一般', 'lighter', 'treat_as_simple', 200, 800, 1000],
  );
  // Everyone signed in reads the values in force, with the date floor of the deployment.
  const read = (await t.app.inject({ method: 'GET', url: '/api/publicity/settings', headers: (await loginAs(t, 'reporter')).headers })).json();
  assert.deepEqual([read.transition.rule, read.decisionDateFloor], ['lighter', '2000-01-01']);
  // Audited with what was there before and what is now.
  const rows = await t.db.selectFrom('audit_log').select(['action', 'outcome', 'detail', 'actor_username']).where('action', '=', 'publicity.settings').execute();
  assert.equal(rows.length, 1);
  const detail = rows[0].detail as { before: object; after: { categorySeverity: Record<string, string>; fineCeiling: number } };
  assert.deepEqual([detail.before, detail.after.categorySeverity, detail.after.fineCeiling], [{}, { '13': '一般' }, 800]);
  // A second change keeps the first one's other values (classes merge by code).
  await t.app.inject({ method: 'PUT', url: '/api/publicity/settings', headers: admin, payload: { categorySeverity: { '12': '一般' } } });
  const after2 = (await t.app.inject({ method: 'GET', url: '/api/publicity/settings', headers: admin })).json();
  const cls = (code: string) => after2.categories.find((c: { code: string }) => c.code === code).severity;
  assert.deepEqual([cls('13'), cls('12'), after2.fineCeiling], ['一般', '一般', 800]);
});
