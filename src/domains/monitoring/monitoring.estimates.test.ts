// Local estimates of the monitoring index recomputed from the platform's own collection data.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, deptId, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { findActiveItem } from '../catalog/catalog.repository.ts';
import { generatePenaltyRows, PENALTY_HEADERS } from '../ingest/fixtures.ts';
import { importRows } from '../ingest/import.service.ts';
import { localEstimates } from './index.service.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  // The department may report the authorities the generated rows name (issue 11 §1).
  await allowFixtureAuthorities(t.db, 'SCJGJ');
});
after(async () => {
  await t?.close();
});

test('rejection rate, on-time share, 双公示 volume and USCC coverage come from the stored batches and records', async () => {
  const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 7);
  const empty = await localEstimates(t.db, month);
  assert.equal(empty.rejectionRate, undefined, 'no data → no estimate, not a zero');
  const item = (await findActiveItem(t.db, '行政处罚'))!;
  const rows = [...generatePenaltyRows(60, 1212, { invalidRate: 0.1, from: `${month}-01`, to: `${month}-01` })].map((r) => Object.fromEntries(PENALTY_HEADERS.map((h, i) => [h, r.cells[i]])));
  const r = await importRows({ db: t.db, pool: t.ctx.pool, secret: t.ctx.config.secret, item, departmentId: await deptId(t.db, 'SCJGJ'), channel: 'api', rows });
  const e = await localEstimates(t.db, month);
  assert.equal(e.rejectionRate, r.rejected / r.total);
  assert.equal(e.onTimeShare, 1 - r.late / r.accepted);
  assert.ok(e.shuanggongshiPer10kEnterprises! > 0);
  assert.ok(e.codeConversion!.total >= e.codeConversion!.converted);
});
