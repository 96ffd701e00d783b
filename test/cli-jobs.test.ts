// `citycredit jobs run|list`: a run is recorded in the jobs table and the list shows each job's last run from it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { runCli } from './helpers/cli.ts';

let t: TestDb;
let dir: string;

before(async () => {
  t = await createTestDb();
  dir = await mkdtemp(join(tmpdir(), 'cc-cli-jobs-'));
});
after(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return runCli(args, { ...process.env, DATABASE_URL: t.url, CITYCREDIT_DATA_DIR: dir, LOG_LEVEL: 'silent' }).done;
}

test('jobs run records the run; jobs list reads every job\'s state from the table; an unknown name is refused', async () => {
  const before = await cli(['jobs', 'list']);
  assert.equal(before.code, 0, before.err);
  assert.match(before.out, /^publicity\t每 60 分钟\t尚未运行\t/m);
  assert.match(before.out, /^ingest\.import\t排队任务\t尚未运行（排队 0，运行中 0）\t/m);
  assert.match(before.out, /^subject-search\t随服务运行\t/m);

  const run = await cli(['jobs', 'run', 'abandoned-batches']);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /标记失败批次 0 个/);
  const row = await t.db.selectFrom('jobs').selectAll().where('name', '=', 'abandoned-batches').executeTakeFirstOrThrow();
  assert.equal(row.status, 'done');
  assert.equal(row.result, '标记失败批次 0 个');

  const after = await cli(['jobs', 'list']);
  assert.match(after.out, /^abandoned-batches\t每 10 分钟\t最近 完成 [0-9-]+ [0-9:]+：标记失败批次 0 个\t/m);

  const unknown = await cli(['jobs', 'run', 'nope']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.err, /job_not_found/);
});
