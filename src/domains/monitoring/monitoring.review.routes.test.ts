// Review queue of credit events (issue 16 §2), through the real app on a real database: an event the classifier is
// unsure of is not counted until an admin decides it; the decision is stored as a labelled example and used by
// `citycredit events retrain` (over HTTP and through the CLI), which records the build and its held-out accuracy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/multipart.ts';
import type { MonitoringTables } from '../../db/monitoring.types.ts';
import type { DB } from '../../db/types.ts';
import { runEventsRetrain } from '../../cli/events.ts';
import { ConfigError, loadConfig } from '../../config.ts';
import { classifyTitle, defaultClassifier, evaluateClassifier, shippedLabelledTitles, splitHoldout, trainClassifier } from './classifier.ts';

// An ordinary title with no credit content: the shipped model is unsure of it (checked below, not assumed).
const UNSURE = '某单位召开年度工作会议';
const SURE = '城北区一超市销售过期食品被罚款';

let t: TestApp;
let admin: Awaited<ReturnType<typeof loginAs>>;
let auditor: Awaited<ReturnType<typeof loginAs>>;
let mdb: Kysely<DB & MonitoringTables>;

before(async () => {
  t = await createTestApp();
  mdb = t.db as unknown as Kysely<DB & MonitoringTables>;
  admin = await loginAs(t, 'admin');
  auditor = await loginAs(t, 'auditor');
});
after(async () => {
  await t?.close();
});

const stats = async () => {
  const r = await t.app.inject({ method: 'GET', url: '/api/monitoring/events/stats?from=2018-03&to=2018-03', headers: auditor.headers });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().stats as { total: number; good: number; bad: number; domains: { domain: string; total: number }[] };
};

function sink() {
  let text = '';
  const w = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  return { w, text: () => text };
}

describe('review queue', () => {
  let unsureId: string;

  test('the default threshold is 30% and the test titles lie on either side of it', () => {
    assert.equal(t.ctx.config.eventReviewThreshold, 0.3);
    const unsure = classifyTitle(defaultClassifier(), UNSURE);
    assert.ok(Math.min(unsure.confidence, unsure.polarityConfidence) < 0.3, `${UNSURE}: ${unsure.confidence}`);
    const sure = classifyTitle(defaultClassifier(), SURE);
    assert.ok(Math.min(sure.confidence, sure.polarityConfidence) >= 0.3, `${SURE}: ${sure.confidence}`);
  });

  test('a low-confidence event goes to the queue and is not counted; a confident one counts', async () => {
    const a = await t.app.inject({ method: 'POST', url: '/api/monitoring/events', headers: admin.headers, payload: { title: UNSURE, date: '2018-03-05', link: 'https://example.org/n/9' } });
    assert.equal(a.statusCode, 200, a.body);
    assert.equal(a.json().reviewStatus, 'pending');
    unsureId = a.json().id;
    // Nor is it published before a decision: published events count in the monitor's evidence.
    const pub = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${unsureId}/publish`, headers: admin.headers, payload: { published: true } });
    assert.equal(pub.statusCode, 409);
    assert.equal(pub.json().error.code, 'event_review_pending');
    const b = await t.app.inject({ method: 'POST', url: '/api/monitoring/events', headers: admin.headers, payload: { title: SURE, date: '2018-03-06' } });
    assert.equal(b.json().reviewStatus, null);
    // A staff-labelled event never needs review, however unsure the model would be.
    const c = await t.app.inject({ method: 'POST', url: '/api/monitoring/events', headers: admin.headers, payload: { title: '一家公司举行周年庆典', date: '2018-03-07', subdomain: '流通', polarity: 'good' } });
    assert.equal(c.json().reviewStatus, null);

    const s = await stats();
    assert.equal(s.total, 2, 'the queued event is left out of the figures');
    assert.equal(s.domains.find((d) => d.domain === '政务诚信')!.total, 0);

    const q = await t.app.inject({ method: 'GET', url: '/api/monitoring/events/review', headers: auditor.headers });
    assert.equal(q.statusCode, 200, q.body);
    assert.equal(q.json().total, 1);
    assert.deepEqual(q.json().items.map((e: { id: string }) => e.id), [unsureId]);
    assert.ok(q.json().items[0].explanation.text.length > 0, 'the reviewer sees why the model hesitated');
  });

  test('an import reports how many new events wait for review', async () => {
    const csv = Buffer.from(`title,date\n一家公司举行周年庆典,2018-03-08\n${SURE},2018-03-09\n`);
    const m = multipartFile('events.csv', csv);
    const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/events/import', payload: m.payload, headers: { ...admin.headers, ...m.headers } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { rows: 2, inserted: 2, duplicates: 0, pendingReview: 1 });
    assert.equal((await stats()).total, 3);
  });

  test('only admins decide; the decision counts the event, is stored as a label and audited', async () => {
    const denied = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${unsureId}/review`, headers: auditor.headers, payload: { subdomain: '诚信体系建设', polarity: 'good' } });
    assert.equal(denied.statusCode, 403);
    const bad = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${unsureId}/review`, headers: admin.headers, payload: { subdomain: '火星', polarity: 'good' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'unknown_subdomain');

    const r = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${unsureId}/review`, headers: admin.headers, payload: { subdomain: '依法行政', polarity: 'good' } });
    assert.equal(r.statusCode, 200, r.body);
    const e = r.json();
    assert.deepEqual([e.domain, e.subdomain, e.polarity, e.classifiedBy, e.reviewStatus], ['政务诚信', '依法行政', 'good', 'staff', 'decided']);
    assert.match(e.explanation.text, /^人工复核/);
    const pub = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${unsureId}/publish`, headers: admin.headers, payload: { published: true } });
    assert.equal(pub.statusCode, 200, pub.body);

    const s = await stats();
    assert.equal(s.total, 4);
    assert.equal(s.domains.find((d) => d.domain === '政务诚信')!.total, 1);
    const labels = await mdb.selectFrom('event_labels').select(['title', 'subdomain', 'polarity', 'event_id']).where('event_id', '=', unsureId).execute();
    assert.deepEqual(labels, [{ title: UNSURE, subdomain: '依法行政', polarity: 'good', event_id: unsureId }]);
    const logged = await t.db.selectFrom('audit_log').select(['target', 'actor_username']).where('action', '=', 'monitoring.events.review').execute();
    assert.deepEqual(logged, [{ target: `credit_event:${unsureId}`, actor_username: admin.username }]);

    const again = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${unsureId}/review`, headers: admin.headers, payload: { subdomain: '政务公开', polarity: 'good' } });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'event_not_pending');
    const q = await t.app.inject({ method: 'GET', url: '/api/monitoring/events/review', headers: auditor.headers });
    assert.equal(q.json().total, 1, 'only the imported unsure event still waits');
  });

  test('retrain over HTTP uses the decision, stores the build and reports the held-out accuracy', async () => {
    const denied = await t.app.inject({ method: 'POST', url: '/api/monitoring/classifier/retrain', headers: auditor.headers });
    assert.equal(denied.statusCode, 403);
    const r = await t.app.inject({ method: 'POST', url: '/api/monitoring/classifier/retrain', headers: admin.headers });
    assert.equal(r.statusCode, 200, r.body);
    const b = r.json();
    const { train, test: heldOut } = splitHoldout(shippedLabelledTitles());
    // The decided title is not in the held-out split, so the measured model learns from it as well.
    const expected = evaluateClassifier(trainClassifier(train, { extra: [{ title: UNSURE, subdomain: '依法行政', polarity: 'good' }] }), heldOut);
    assert.equal(b.shippedTitles, shippedLabelledTitles().length);
    assert.equal(b.staffLabels, 1);
    assert.equal(b.heldOut, heldOut.length);
    assert.deepEqual([b.domainAccuracy, b.subdomainAccuracy, b.polarityAccuracy], [expected.domain, expected.subdomain, expected.polarity]);
    assert.equal(b.builtBy, admin.username);

    // The rebuilt model decides the reviewed title as staff did.
    const c = await t.app.inject({ method: 'POST', url: '/api/monitoring/classify', headers: admin.headers, payload: { titles: [UNSURE] } });
    assert.deepEqual([c.json().results[0].subdomain, c.json().results[0].polarity, c.json().results[0].explanation.override], ['依法行政', 'good', true]);
    const builds = await mdb.selectFrom('event_classifier_builds').selectAll().execute();
    assert.equal(builds.length, 1);
    assert.equal((await t.db.selectFrom('audit_log').select('action').where('action', '=', 'monitoring.classifier.retrain').execute()).length, 1);
  });

  test('citycredit events retrain prints the figures and records a build that counts every staff decision', async () => {
    const q = await t.app.inject({ method: 'GET', url: '/api/monitoring/events/review', headers: auditor.headers });
    const pending = q.json().items[0];
    const d = await t.app.inject({ method: 'POST', url: `/api/monitoring/events/${pending.id}/review`, headers: admin.headers, payload: { subdomain: '流通', polarity: 'good' } });
    assert.equal(d.statusCode, 200, d.body);
    const out = sink();
    const b = await runEventsRetrain(t.ctx, out.w);
    assert.equal(b.staffLabels, 2);
    assert.equal(b.builtBy, 'cli');
    assert.match(out.text(), /人工复核\/修正样本 2 条/);
    assert.match(out.text(), new RegExp(`留出测试集（${b.heldOut} 条，训练从未使用）准确率：领域 ${(b.domainAccuracy * 100).toFixed(1)}%`));
    const builds = await mdb.selectFrom('event_classifier_builds').select(['staff_labels', 'built_by']).orderBy('id').execute();
    assert.deepEqual(builds, [{ staff_labels: 1, built_by: admin.username }, { staff_labels: 2, built_by: 'cli' }]);
    const json = sink();
    await runEventsRetrain(t.ctx, json.w, { json: true });
    assert.equal(JSON.parse(json.text()).staffLabels, 2);
  });
});

describe('review threshold 0 turns the queue off', () => {
  let t0: TestApp;
  before(async () => {
    t0 = await createTestApp({ eventReviewThreshold: 0 });
  });
  after(async () => {
    await t0?.close();
  });

  test('the unsure title is counted at once', async () => {
    const a0 = await loginAs(t0, 'admin');
    const r = await t0.app.inject({ method: 'POST', url: '/api/monitoring/events', headers: a0.headers, payload: { title: UNSURE, date: '2018-03-05' } });
    assert.equal(r.json().reviewStatus, null);
    const s = await t0.app.inject({ method: 'GET', url: '/api/monitoring/events/stats?from=2018-03&to=2018-03', headers: a0.headers });
    assert.equal(s.json().stats.total, 1);
  });
});

test('EVENT_REVIEW_THRESHOLD_PERCENT sets the threshold; out of 0–100 it is refused', () => {
  assert.equal(loadConfig({}).eventReviewThreshold, 0.3);
  assert.equal(loadConfig({ EVENT_REVIEW_THRESHOLD_PERCENT: '45' }).eventReviewThreshold, 0.45);
  assert.throws(() => loadConfig({ EVENT_REVIEW_THRESHOLD_PERCENT: '150' }), (e: unknown) => e instanceof ConfigError && /EVENT_REVIEW_THRESHOLD_PERCENT/.test(e.message));
});
