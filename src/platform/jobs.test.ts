// The job runner on a real database: queued jobs are claimed once (SKIP LOCKED), retried as declared, picked up
// again after their runner dies and not finished twice; periodic runs and services leave their state in `jobs`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import type { AppContext } from './http.ts';
import { JobRunner, jobStatuses, PERIODIC_SKIPPED, PermanentJobError, type JobDefinition, type QueuedJob, type ServiceJob } from './jobs.ts';

let t: TestDb;
let ctx: AppContext;

before(async () => {
  t = await createTestDb();
  ctx = { db: t.db, pool: t.pool, config: { secret: 'test-secret-0123456789-abcdefghijklmnop' } } as unknown as AppContext;
});
after(async () => {
  await t?.close();
});

const row = (id: string) => t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** A promise with its resolver, to hold a job at a point of the test's choosing. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

test('queued jobs: two runners draining at once run each job exactly once', async () => {
  const runs: string[] = [];
  const job: QueuedJob<{ n: number }> = {
    kind: 'queued',
    name: 'test.once',
    description: '测试',
    retries: 0,
    async run(_ctx, j) {
      runs.push(j.id);
      await new Promise((r) => setImmediate(r));
      return `第 ${j.payload.n} 个`;
    },
  };
  const a = new JobRunner(ctx, [job]);
  const b = new JobRunner(ctx, [job]);
  const ids = [];
  for (let n = 0; n < 8; n++) ids.push(await a.enqueue('test.once', { n }));
  const [na, nb] = await Promise.all([a.drain(), b.drain()]);
  assert.equal(na + nb, 8);
  assert.deepEqual([...runs].sort(), [...ids].sort(), 'every job ran, none twice');
  for (const id of ids) {
    const r = await row(id);
    assert.equal(r.status, 'done');
    assert.equal(r.attempts, 1);
    assert.match(r.result!, /^第 \d 个$/);
  }
});

test('a failing job is retried as declared; a permanent failure is not, and settle sees the final outcome', async () => {
  let calls = 0;
  const settled: Array<{ ok: boolean; error: string | null }> = [];
  const flaky: QueuedJob<{ failTimes: number; permanent?: boolean }> = {
    kind: 'queued',
    name: 'test.flaky',
    description: '测试',
    retries: 2,
    async run(_ctx, j) {
      calls++;
      if (j.payload.permanent) throw new PermanentJobError('不可重试');
      if (j.attempt <= j.payload.failTimes) throw new Error(`第 ${j.attempt} 次失败`);
      return 'ok';
    },
    async settle(_ctx, _j, outcome) {
      settled.push(outcome);
    },
  };
  const r = new JobRunner(ctx, [flaky], { retryDelayMs: 0 });
  const ok = await r.enqueue('test.flaky', { failTimes: 2 });
  await r.drain('test.flaky');
  assert.equal(calls, 3);
  assert.equal((await row(ok)).status, 'done');
  assert.equal((await row(ok)).attempts, 3);
  const exhausted = await r.enqueue('test.flaky', { failTimes: 5 });
  await r.drain('test.flaky');
  assert.equal((await row(exhausted)).status, 'failed');
  assert.equal((await row(exhausted)).error, '第 3 次失败');
  const permanent = await r.enqueue('test.flaky', { failTimes: 0, permanent: true });
  calls = 0;
  await r.drain('test.flaky');
  assert.equal(calls, 1, 'a permanent failure is not retried');
  assert.equal((await row(permanent)).status, 'failed');
  assert.deepEqual(settled, [
    { ok: true, error: null },
    { ok: false, error: '第 3 次失败' },
    { ok: false, error: '不可重试' },
  ]);
});

test('a job whose runner died is run again by the next runner; the dead runner cannot finish it afterwards', async () => {
  const held = gate();
  const entered = gate();
  const attempts: number[] = [];
  const job = (hold: boolean): QueuedJob<{ file: string }> => ({
    kind: 'queued',
    name: 'test.resume',
    description: '测试',
    retries: 1,
    async run(_ctx, j) {
      attempts.push(j.attempt);
      await j.report({ step: j.attempt === 1 ? 'started' : 'resumed', seen: j.previousProgress }, { force: true });
      if (hold) {
        entered.open();
        await held.wait;
      }
      if (!(await j.stillOwned())) throw new PermanentJobError('taken over');
      return `attempt ${j.attempt}`;
    },
  });
  // Runner A claims the job and "dies" mid-run: it never beats again (a heartbeat an hour apart).
  const a = new JobRunner(ctx, [job(true)], { heartbeatMs: 3_600_000 });
  const { id, done } = await a.submit('test.resume', { file: 'x' });
  await entered.wait;
  // A live runner's row is not taken: its heartbeat is fresh.
  const patient = new JobRunner(ctx, [job(false)]);
  assert.equal(await patient.drain('test.resume'), 0);
  // Runner B treats any heartbeat as stale (A is gone): it claims the row and runs attempt 2.
  const b = new JobRunner(ctx, [job(false)], { staleMs: 0 });
  assert.equal(await b.drain('test.resume'), 1);
  let r = await row(id);
  assert.equal(r.status, 'done');
  assert.equal(r.result, 'attempt 2');
  assert.deepEqual((r.progress as { seen: unknown }).seen, { step: 'started', seen: null }, 'the rerun saw the interrupted attempt\'s progress');
  // A wakes up: it has lost the job, and nothing it does changes the row.
  held.open();
  const outcome = await done;
  assert.equal(outcome.status, 'lost');
  r = await row(id);
  assert.equal(r.status, 'done');
  assert.equal(r.result, 'attempt 2');
  assert.deepEqual(attempts, [1, 2]);
});

test('an interrupted job with no attempt left fails and is settled instead of running again', async () => {
  let ran = 0;
  const settled: boolean[] = [];
  const job: QueuedJob = {
    kind: 'queued',
    name: 'test.noretry',
    description: '测试',
    retries: 0,
    async run() {
      ran++;
      return 'ran';
    },
    async settle(_ctx, _j, o) {
      settled.push(o.ok);
    },
  };
  const r = new JobRunner(ctx, [job], { staleMs: 0 });
  const id = await r.enqueue('test.noretry', {});
  // As a runner that died mid-run leaves it.
  await t.db.updateTable('jobs').set({ status: 'running', attempts: 1, locked_by: 'gone:1:x', heartbeat_at: new Date(Date.now() - 60_000) }).where('id', '=', id).execute();
  await r.drain();
  assert.equal(ran, 0);
  const after = await row(id);
  assert.equal(after.status, 'failed');
  assert.match(after.error!, /任务中断/);
  assert.deepEqual(settled, [false]);
});

test('periodic runs and services record their state; jobStatuses reads it back', async () => {
  let fail = false;
  const periodic: JobDefinition = {
    kind: 'periodic',
    name: 'test.periodic',
    description: '定时测试',
    everyMs: 60_000,
    async run() {
      if (fail) throw new Error('坏了');
      return '检查 3 条';
    },
  };
  const stopped = gate();
  const service: ServiceJob = {
    kind: 'service',
    name: 'test.service',
    description: '服务测试',
    start(_ctx, report) {
      report('第一遍完成');
      return { stop: async () => stopped.open() };
    },
  };
  const r = new JobRunner(ctx, [periodic, service], { pollMs: 3_600_000, heartbeatMs: 3_600_000 });
  assert.equal(await r.runPeriodic('test.periodic'), '检查 3 条');
  fail = true;
  await assert.rejects(r.runPeriodic('test.periodic'), /坏了/);
  let [p] = await jobStatuses(t.db, [periodic]);
  assert.equal(p.last?.status, 'failed');
  assert.equal(p.last?.error, '坏了');
  fail = false;
  await r.runPeriodic('test.periodic');
  [p] = await jobStatuses(t.db, [periodic]);
  assert.equal(p.last?.status, 'done');
  assert.equal(p.last?.result, '检查 3 条');

  r.start();
  // The report is written asynchronously; wait for the row rather than for time.
  for (;;) {
    const s = await t.db.selectFrom('jobs').select(['status', 'result']).where('name', '=', 'test.service').orderBy('id', 'desc').executeTakeFirst();
    if (s?.result) {
      assert.equal(s.status, 'running');
      assert.equal(s.result, '第一遍完成');
      break;
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  await r.stop();
  await stopped.wait;
  const [sv] = await jobStatuses(t.db, [service]);
  assert.equal(sv.last?.status, 'done');
  assert.equal(sv.last?.result, '第一遍完成');
});

test('at start, a job claimed by a process of this host that is gone is run at once, not after the stale interval', async () => {
  const job: QueuedJob = { kind: 'queued', name: 'test.restart', description: '测试', retries: 1, run: async (_c, j) => `attempt ${j.attempt}` };
  const r = new JobRunner(ctx, [job]); // default staleMs: 30 s
  const id = await r.enqueue('test.restart', {});
  // As the server before a restart left it: claimed by a pid that no longer exists, heartbeat fresh.
  await t.db.updateTable('jobs').set({ status: 'running', attempts: 1, locked_by: `${hostname()}:2147483646:gone`, heartbeat_at: new Date() }).where('id', '=', id).execute();
  assert.equal(await r.drain('test.restart'), 0, 'a fresh heartbeat is respected by a plain poll');
  r.start();
  while ((await row(id)).status !== 'done') await new Promise((res) => setTimeout(res, 20));
  assert.equal((await row(id)).result, 'attempt 2');
  await r.stop();
});

test('a job that fails while its runner stops is queued again (attempts left), so the next runner takes it up', async () => {
  const held = gate();
  const started = gate();
  const job: QueuedJob<Record<string, never>> = {
    kind: 'queued',
    name: 'test.stopping',
    description: '测试',
    retries: 1,
    async run() {
      started.open();
      await held.wait;
      throw new Error('连接已关闭'); // what a job sees when the server closes under it
    },
  };
  const r = new JobRunner(ctx, [job], { retryDelayMs: 0 });
  const { id, done } = await r.submit('test.stopping', {});
  await started.wait;
  const stopping = r.stop();
  held.open();
  assert.equal((await done).status, 'requeued');
  await stopping;
  const stored = await row(id);
  assert.equal(stored.status, 'queued');
  assert.equal(stored.attempts, 1);

  const next = new JobRunner(ctx, [{ ...job, async run() { return '完成'; } }], { retryDelayMs: 0 });
  await next.drain('test.stopping');
  assert.equal((await row(id)).status, 'done');
});

test('a periodic job runs in one process at a time: a second runner on the same database skips while the first runs', async () => {
  const started = gate();
  const release = gate();
  let runs = 0;
  let active = false;
  const job: JobDefinition = {
    kind: 'periodic',
    name: 'test.periodic.once',
    description: '跨进程测试',
    everyMs: 3_600_000,
    async run() {
      runs++;
      // A run that starts while another is under way answers at once, so that an overlap fails the test, not hangs it.
      if (active) return '重叠运行';
      active = true;
      started.open();
      await release.wait;
      active = false;
      return `第 ${runs} 次`;
    },
  };
  // Two runners stand for two app processes: each has its own id and takes its own connections.
  const a = new JobRunner(ctx, [job], { pollMs: 3_600_000, heartbeatMs: 3_600_000 });
  const b = new JobRunner(ctx, [job], { pollMs: 3_600_000, heartbeatMs: 3_600_000 });
  const first = a.runPeriodic('test.periodic.once');
  await started.wait;
  assert.equal(await b.runPeriodic('test.periodic.once'), PERIODIC_SKIPPED);
  assert.equal(runs, 1, 'the second process did not run it');
  release.open();
  assert.equal(await first, '第 1 次');
  // The lock went with the first run: the other process runs the next turn.
  assert.equal(await b.runPeriodic('test.periodic.once'), '第 2 次');
  const rows = await t.db.selectFrom('jobs').select('status').where('name', '=', 'test.periodic.once').execute();
  assert.deepEqual(rows.map((r) => r.status), ['done', 'done'], 'a skipped turn leaves no row');
});

test('a periodic turn that cannot open its lock connection fails, and does not leave the job marked running', async () => {
  let runs = 0;
  const job: JobDefinition = { kind: 'periodic', name: 'test.periodic.nolock', description: '锁连接失败', everyMs: 3_600_000, async run() { runs++; return '完成'; } };
  // The lock connection goes to a port where nothing listens.
  const unreachable = { ...ctx, pool: { options: { connectionString: 'postgresql://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 2_000 } } } as unknown as AppContext;
  const r = new JobRunner(unreachable, [job], { pollMs: 3_600_000, heartbeatMs: 3_600_000 });
  await assert.rejects(r.runPeriodic('test.periodic.nolock'), /ECONNREFUSED|connect/);
  // The next turn tries again instead of answering 上一次运行尚未结束 forever.
  await assert.rejects(r.runPeriodic('test.periodic.nolock'), /ECONNREFUSED|connect/);
  assert.equal(runs, 0, 'nothing ran without the lock');
});
