// The audit log names every object it lists (issue 17 §4), read as the credit office reads it: on a small demo
// city (loaded through the domains' services, which write their own audit entries), plus the services that the
// demo does not run (classifier retraining, a credit report, the four settings), one entry of every target kind
// the code writes is read back through GET /api/audit and the export, and each reads as the kind's word and the
// object's name — never the bare id — with natural persons masked (刘*) and no ID number.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { audit } from '../src/platform/audit.ts';
import { AUDIT_TARGET_KINDS, parseAuditTarget } from '../src/platform/auditTargets.ts';
import { seedDemo } from '../src/shell/seed.ts';
import { seedDemoCity } from '../src/shell/demo/city.ts';
import { retrainClassifier } from '../src/domains/monitoring/events.service.ts';
import { issueReport } from '../src/domains/reports/reports.service.ts';
import { saveFeedbackDays } from '../src/domains/sanctions/sanctions.settings.ts';
import { objectionSettings, saveObjectionSettings } from '../src/domains/objections/objections.settings.ts';
import { repairSettings, saveRepairSettings } from '../src/domains/repair/repair.settings.ts';
import { savePublicitySettings } from '../src/domains/publicity/settings.store.ts';
import { maskPersonName } from '../src/domains/codes/index.ts';
import { createTestApp, deptId, loginAs, type TestApp } from './helpers/app.ts';

let t: TestApp;
const OFFICE = { actor: { username: 'audit-targets-probe', role: 'admin' } };

// One row of each kind, for the kinds the demo's services do not audit: the SQL that picks an existing object's
// id (as the target's id is written). Test-only reads of every domain's tables.
const ANY_ROW: Record<string, string> = {
  apikey: 'SELECT id::text FROM api_keys ORDER BY id LIMIT 1',
  batch: 'SELECT id::text FROM ingest_batches ORDER BY id LIMIT 1',
  catalog: "SELECT item_id || '@' || version FROM catalog_versions ORDER BY item_id, version LIMIT 1",
  checklist_item: 'SELECT id FROM checklist_items ORDER BY position LIMIT 1',
  commitment: 'SELECT id::text FROM commitments ORDER BY id LIMIT 1',
  credit_event: 'SELECT id::text FROM credit_events ORDER BY id LIMIT 1',
  department: 'SELECT id::text FROM departments ORDER BY id LIMIT 1',
  event_classifier_build: 'SELECT id::text FROM event_classifier_builds ORDER BY id LIMIT 1',
  indicator_tree: 'SELECT id FROM indicator_trees ORDER BY id LIMIT 1',
  list_entry: 'SELECT id::text FROM list_entries ORDER BY id LIMIT 1',
  list_type: 'SELECT code FROM list_types ORDER BY code LIMIT 1',
  measure: 'SELECT id::text FROM sanction_measures ORDER BY id LIMIT 1',
  objection: 'SELECT id::text FROM objections ORDER BY id LIMIT 1',
  record: 'SELECT id::text FROM records ORDER BY id LIMIT 1',
  repair: 'SELECT id::text FROM repair_applications ORDER BY id LIMIT 1',
  report: 'SELECT number FROM credit_reports ORDER BY id LIMIT 1',
  sanction_check: 'SELECT id::text FROM sanction_checks ORDER BY id LIMIT 1',
  sanction_feedback: 'SELECT id::text FROM sanction_feedback ORDER BY id LIMIT 1',
  score_import: 'SELECT id::text FROM score_imports ORDER BY id LIMIT 1',
  setting: "SELECT 'objections'",
  user: 'SELECT id::text FROM users ORDER BY id LIMIT 1',
};

interface Entry {
  target: string | null;
  targetLabel: string | null;
}

/** Every entry of the log through the console's API, as the credit office reads it. */
async function readLog(headers: Record<string, string>): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor = '';
  for (;;) {
    const r = await t.app.inject({ method: 'GET', url: `/api/audit?limit=500${cursor ? `&cursor=${cursor}` : ''}`, headers });
    assert.equal(r.statusCode, 200, r.body);
    const page = r.json() as { items: Entry[]; nextCursor: string | null };
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

before(async () => {
  t = await createTestApp();
  await seedDemo(t.db, t.ctx.config, { subjects: 200 });
  await seedDemoCity(t.db, t.ctx.pool, t.ctx.config, { today: '2026-11-30', penalties: 400, permits: 200, subjectPool: 300 });
  // The services the demo does not run, each auditing its own kind.
  await retrainClassifier(t.db, 'audit-targets-probe', OFFICE);
  const legal = await t.db.selectFrom('subjects').select('id').where('kind', '=', 'legal').orderBy('id').executeTakeFirstOrThrow();
  const { secret, cityName, cityRegionCode, siteTitle } = t.ctx.config;
  await issueReport(t.db, { secret, cityName, cityRegionCode, siteTitle }, legal.id, { baseUrl: 'http://localhost:3000', audit: OFFICE });
  await saveFeedbackDays(t.db, 12, OFFICE);
  await saveObjectionSettings(t.db, await objectionSettings(t.db), OFFICE);
  await saveRepairSettings(t.db, await repairSettings(t.db), OFFICE);
  await savePublicitySettings(t.db, { possiblySimpleProcedure: 'flag' }, OFFICE);
  const admin = await loginAs(t, 'admin');
  const key = await t.app.inject({ method: 'POST', url: '/api/apikeys', headers: admin.headers, payload: { departmentId: await deptId(t.db, 'SCJGJ'), name: '执法系统' } });
  assert.equal(key.statusCode, 200, key.body);
  // Kinds still without an entry get one on an existing object (a kind whose table the demo leaves empty fails).
  const direct: string[] = [];
  const audited = new Set((await t.db.selectFrom('audit_log').select('target').where('target', 'is not', null).execute()).map((r) => parseAuditTarget(r.target!).kind));
  for (const kind of Object.keys(AUDIT_TARGET_KINDS)) {
    if (audited.has(kind)) continue;
    const row = await sql.raw<Record<string, string>>(ANY_ROW[kind]).execute(t.owner);
    const id = row.rows[0] && Object.values(row.rows[0])[0];
    assert.ok(id, `the demo city has a ${kind} to audit`);
    direct.push(kind);
    await audit(t.db, OFFICE, { action: 'personal_data.read', target: `${kind}:${id}` });
  }
  console.log(`# audited by the services: ${[...audited].sort().join(' ')}; written here on an existing object: ${direct.join(' ')}`);
});
after(async () => {
  await t?.close();
});

test('every kind of target reads as its word and the object’s name, on screen and in the export', async () => {
  const office = await loginAs(t, 'admin');
  const entries = await readLog(office.headers);
  const byKind = new Map<string, Entry[]>();
  for (const e of entries) {
    if (e.target === null) continue;
    const { kind } = parseAuditTarget(e.target);
    if (kind === null) continue;
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind)!.push(e);
  }
  const kinds = Object.keys(AUDIT_TARGET_KINDS);
  assert.deepEqual(kinds.filter((k) => !byKind.has(k)), [], 'an entry of every kind');
  for (const kind of kinds) {
    const word = AUDIT_TARGET_KINDS[kind];
    for (const e of byKind.get(kind)!) {
      const { id } = parseAuditTarget(e.target!);
      const label = e.targetLabel ?? '';
      assert.ok(label.startsWith(`${word} `), `${e.target}: ${label}`);
      assert.notEqual(label, `${word} ${id}`, `${e.target} is named, not shown by its id`);
      assert.doesNotMatch(label, /\d{17}[\dXx]/, `${e.target}: no ID number (${label})`);
    }
  }
  // The export carries the same words in its 对象 column.
  const x = await t.app.inject({ method: 'GET', url: '/api/audit.xlsx?actor=audit-targets-probe', headers: { cookie: office.cookie } });
  assert.equal(x.statusCode, 200, x.body);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
  const objects: string[] = [];
  wb.worksheets[0].eachRow((row, n) => n > 1 && objects.push(String(row.getCell(7).value ?? '')));
  const probeLabels = entries.filter((e) => e.target !== null).map((e) => e.targetLabel);
  assert.ok(objects.length > 0, 'the probe’s entries are exported');
  for (const o of objects) assert.ok(probeLabels.includes(o), `exported as on screen: ${o}`);
  assert.ok(objects.some((o) => o.startsWith('设置 ')), 'a setting, named');
});

test('a natural person is named masked, as the public pages mask, never in full', async () => {
  const person = await t.owner
    .selectFrom('records as r')
    .innerJoin('subjects as s', 's.id', 'r.subject_id')
    .select(['r.id', 's.name'])
    .where('s.kind', '=', 'natural_person')
    .orderBy('r.id')
    .executeTakeFirstOrThrow();
  await audit(t.db, OFFICE, { action: 'personal_data.read', target: `record:${person.id}` });
  const office = await loginAs(t, 'admin');
  const entries = await readLog(office.headers);
  const label = entries.find((e) => e.target === `record:${person.id}`)!.targetLabel!;
  assert.ok(label.includes(`（${maskPersonName(person.name)}）`), label);
  assert.ok(!label.includes(person.name), label);
  // No label anywhere in the log shows a natural person's full name.
  const people = (await t.owner.selectFrom('subjects').select('name').where('kind', '=', 'natural_person').execute()).map((r) => r.name).filter((n) => n.length >= 2);
  assert.ok(people.length > 0);
  const leaks = entries.flatMap((e) => people.filter((n) => e.targetLabel?.includes(n)).map((n) => `${e.target}: ${n}`));
  assert.deepEqual(leaks, []);
});

test('the audit log and its export stay closed to the other roles', async () => {
  for (const role of ['reporter', 'reviewer', 'district_admin'] as const) {
    const s = await loginAs(t, role);
    for (const url of ['/api/audit', '/api/audit.xlsx']) assert.equal((await t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } })).statusCode, 403, `${role} ${url}`);
  }
  const auditor = await loginAs(t, 'auditor');
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/audit?limit=1', headers: auditor.headers })).statusCode, 200);
});
