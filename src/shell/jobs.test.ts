// The composed job list and the app's runner: every domain's jobs are registered once, and the search indexer runs
// as the subject-search service job of the app (started when it is ready, its state in `jobs`, stopped on close).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { JOBS } from './jobs.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t?.close();
});

const serviceRow = () => t.db.selectFrom('jobs').selectAll().where('name', '=', 'subject-search').orderBy('id', 'desc').executeTakeFirst();

test('every domain declares its jobs and each name is registered once', () => {
  const names = JOBS.map((j) => j.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of ['publicity', 'abandoned-batches', 'reject-cells', 'ingest.import', 'subject-search']) assert.ok(names.includes(n), n);
  assert.ok(JOBS.every((j) => j.description.length > 0));
});

test('the search indexer is the app\'s subject-search job: its row shows it running and its last pass, and close stops it', async () => {
  // Started on ready, recorded as it starts (written asynchronously: wait for the row, not for time).
  while (!(await serviceRow())) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await serviceRow())!.status, 'running');
  assert.equal((await serviceRow())!.kind, 'service');
  // A subject written by plain SQL wakes the indexer through NOTIFY; its pass completes the row and is recorded.
  await sql`INSERT INTO subjects (kind, name, uscc) VALUES ('legal', '西宁测试索引有限公司', '91630100MA7C9T8E1X')`.execute(t.db);
  for (;;) {
    await t.app.jobs.servicesIdle();
    const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM subjects WHERE pinyin_initials IS NULL`.execute(t.db);
    const row = await serviceRow();
    if (pending.rows[0].n === 0 && row?.result) {
      assert.match(row.result, /已补全 1 个主体的检索字段/);
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const id = (await serviceRow())!.id;
  await t.app.close();
  const closed = await t.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(closed.status, 'done');
});
