// The subject page's tab counts (issue 17 §5): GET /api/public/subjects/:id/counts gives, per tab, the number of
// records the public may see today — the same records the tab lists — and zeros for a subject with none.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { importRecords, penaltyRows } from '../../../test/factories.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

const get = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};

test('each tab counts exactly the records its list shows', async () => {
  const r = await importRecords(t, penaltyRows(30, 4242, { from: '2026-11-02', to: '2026-11-20', subjects: 3 }), { publish: true });
  assert.ok(r.accepted > 10);
  const { items } = (await get('/api/public/sgs?type=penalty&limit=100')) as { items: Array<{ subjectId: string }> };
  const subjectId = items[0].subjectId;
  const counts = (await get(`/api/public/subjects/${subjectId}/counts`)) as Record<string, number>;
  const listed = (await get(`/api/public/subjects/${subjectId}/records?tab=penalty&limit=100`)) as { items: unknown[] };
  assert.ok(counts.penalty >= 2, JSON.stringify(counts));
  assert.equal(counts.penalty, listed.items.length);
  assert.deepEqual(Object.keys(counts).sort(), ['black', 'commitment', 'evaluation', 'penalty', 'permit', 'red']);
  for (const k of ['permit', 'red', 'black', 'commitment', 'evaluation']) assert.equal(counts[k], 0, k);
});

test('a subject with no public records has zero on every tab; a malformed id is refused', async () => {
  const counts = (await get('/api/public/subjects/999999999/counts')) as Record<string, number>;
  assert.deepEqual(Object.values(counts), [0, 0, 0, 0, 0, 0]);
  const bad = await t.app.inject({ method: 'GET', url: '/api/public/subjects/abc/counts' });
  assert.equal(bad.statusCode, 400);
});
