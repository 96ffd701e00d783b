// Issue 11 §7a: a batch left 'processing' by a crashed import is shown failed at once when batches are polled
// or listed, because its advisory lock is free; a batch whose lock is held (a live import) is left alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestApp, deptId, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { findActiveItem } from '../catalog/catalog.repository.ts';
import { holdBatch, startBatch } from './ingest.service.ts';

let t: TestApp;
let headers: Record<string, string>;
const BATCH_NS = 4201; // ingest.service.ts: the lock an importing process holds on (BATCH_NS, batch id)

before(async () => {
  t = await createTestApp();
  headers = (await loginAs(t, 'admin')).headers;
});
after(() => t?.close());

/** A batch as a process leaves it when it is killed after creating the batch: 'processing', no lock held. */
async function processingBatch(): Promise<string> {
  const item = (await findActiveItem(t.db, '行政处罚'))!;
  return startBatch(t.db, { departmentId: await deptId(t.db, 'SCJGJ'), item, channel: 'file', fileName: 'a.csv' });
}

async function poll(id: string): Promise<{ status: string; errors: Array<{ code: string; message: string }> }> {
  const res = await t.app.inject({ method: 'GET', url: `/api/ingest/batches/${id}`, headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

test('polling a processing batch whose lock is free shows it failed at once, with the reason', async () => {
  const id = await processingBatch();
  const b = await poll(id);
  assert.equal(b.status, 'failed');
  assert.equal(b.errors[0].code, 'import_interrupted');
  assert.match(b.errors[0].message, /导入进程意外终止.*请重新上传/);
});

test('a batch whose lock another connection holds stays processing until that holder lets go', async () => {
  const id = await processingBatch();
  const holder = new pg.Client({ connectionString: t.url });
  await holder.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1, $2::int)', [BATCH_NS, id]);
    assert.equal((await poll(id)).status, 'processing');
    const list = await t.app.inject({ method: 'GET', url: '/api/ingest/batches', headers });
    assert.equal(list.json().items.find((b: { batchId: string }) => b.batchId === id).status, 'processing');
  } finally {
    await holder.end();
  }
  // The holder's session ended (as when the importing process dies): the next poll sees it.
  assert.equal((await poll(id)).status, 'failed');
});

test('listing batches fails abandoned ones too, but not one this process is still starting', async () => {
  const abandoned = await processingBatch();
  const starting = await processingBatch();
  const release = holdBatch(starting);
  const list = await t.app.inject({ method: 'GET', url: '/api/ingest/batches', headers });
  const byId = new Map(list.json().items.map((b: { batchId: string; status: string }) => [b.batchId, b.status]));
  assert.equal(byId.get(abandoned), 'failed');
  assert.equal(byId.get(starting), 'processing', 'between startBatch and the lock a live import holds no lock yet');
  release();
  assert.equal((await poll(starting)).status, 'failed');
});
