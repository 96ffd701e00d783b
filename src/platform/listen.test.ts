// The reconnecting LISTEN client on a real server: a NOTIFY arrives; when the server terminates the listening
// backend the client connects again by itself and hears the next NOTIFY; stop() closes its connection for good.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import { listenWithReconnect } from './listen.ts';

let t: TestDb;
before(async () => {
  t = await createTestDb();
});
after(async () => {
  await t?.close();
});

const CHANNEL = 'house_listen_test';

/** Waits (without a clock in the assertion) until `cond` holds. */
async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await cond())) await new Promise((r) => setTimeout(r, 20));
}

/** The backends of this database that are LISTENing on the test channel. */
async function listeners(): Promise<number[]> {
  const r = await sql<{ pid: number }>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = ${`LISTEN ${CHANNEL}`}`.execute(t.db);
  return r.rows.map((x) => x.pid);
}

test('a NOTIFY arrives, the client reconnects after its backend is terminated, and stop() ends it', async () => {
  const heard: string[] = [];
  const warnings: string[] = [];
  let attempts = 0;
  const l = listenWithReconnect(t.pool, CHANNEL, {
    onNotify: (n) => heard.push(n.payload ?? ''),
    onAttempt: () => attempts++,
    label: '测试',
    log: { warn: (m) => warnings.push(m) },
    retryMs: 50,
  });
  await l.ready();
  assert.equal(attempts, 1);
  const notify = (p: string) => sql`SELECT pg_notify(${CHANNEL}, ${p})`.execute(t.db);

  await notify('一');
  await until(() => heard.length === 1);
  assert.deepEqual(heard, ['一']);

  const [pid] = await listeners();
  assert.ok(pid, 'the listener holds a backend of its own');
  await sql`SELECT pg_terminate_backend(${pid})`.execute(t.db);
  await until(() => attempts === 2);
  await l.ready();
  const now = await listeners();
  assert.equal(now.length, 1);
  assert.notEqual(now[0], pid, 'a new backend listens');
  assert.match(warnings.join('\n'), /^测试的监听连接中断：/m);

  await notify('二');
  await until(() => heard.length === 2);
  assert.deepEqual(heard, ['一', '二']);

  await l.stop();
  await until(async () => (await listeners()).length === 0);
  assert.equal(attempts, 2, 'no reconnection after stop()');
});

test('a channel that is not a plain identifier is refused before anything connects', () => {
  assert.throws(() => listenWithReconnect(t.pool, 'bad; DROP TABLE x', { onNotify: () => undefined, label: '测试' }), /invalid LISTEN channel/);
});
