// The public sees one end date, the engine's 公示至 (issue 17 §2): the department's own 公示截止期 field is not
// among a public record's fields, on the record page nor on the subject's record cards.
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

type PublicRecord = { id: string; subjectId: string; publicUntil: string | null; publicity: string; fields: Array<{ name: string; value: string }> };

test('public records show the engine’s 公示至 and not the department’s 公示截止期', async () => {
  const rows = penaltyRows(20, 1717, { from: '2026-11-02', to: '2026-11-20' });
  assert.ok(rows.every((r) => r['公示截止期']), 'the department sent a 公示截止期 on every row');
  const r = await importRecords(t, rows, { publish: true });
  assert.ok(r.accepted > 10);
  const list = await t.app.inject({ method: 'GET', url: '/api/public/sgs?type=penalty&limit=100' });
  assert.equal(list.statusCode, 200, list.body);
  const items = list.json().items as PublicRecord[];
  assert.ok(items.length > 0);
  const one = await t.app.inject({ method: 'GET', url: `/api/public/records/${items[0].id}` });
  assert.equal(one.statusCode, 200, one.body);
  const cards = await t.app.inject({ method: 'GET', url: `/api/public/subjects/${items[0].subjectId}/records?tab=penalty` });
  assert.equal(cards.statusCode, 200, cards.body);
  for (const rec of [...items, one.json() as PublicRecord, ...(cards.json().items as PublicRecord[])]) {
    assert.match(rec.publicity, /公示至 \d{4}-\d{2}-\d{2}/);
    assert.deepEqual(rec.fields.filter((f) => f.name.includes('公示截止')), [], rec.id);
  }
});
