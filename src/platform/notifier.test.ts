import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDb, type TestDb } from '../../test/helpers/db.ts';
import { createNotifier, noticesFor, type OutsideSender } from './notifier.ts';

let t: TestDb;
before(async () => (t = await createTestDb()));
after(() => t.close());

const notice = (recipient: string) => ({ recipient, topic: 'repair.accepted', ref: 'repair:1', subject: '已受理', body: '您的信用修复申请已受理。' });

test('without an outside sender a notice is logged; a failing gateway is recorded, not thrown', async () => {
  const sent: string[] = [];
  // Test double for the SMS gateway only (outside the machine); the log is the real table.
  const sms: OutsideSender = {
    channel: 'sms',
    accepts: (r) => /^1\d{10}$/.test(r),
    send: async (n) => {
      if (n.recipient === '13900000000') throw new Error('网关超时');
      sent.push(n.recipient);
    },
  };
  const n = createNotifier([sms]);
  await n.notify(t.db, notice('department:3'));
  await n.notify(t.db, notice('13800000000'));
  await n.notify(t.db, notice('13900000000'));
  const rows = await noticesFor(t.db, 'repair:1');
  assert.deepEqual(
    rows.map((r) => [r.channel, r.recipient, r.status, r.error]),
    [
      ['log', 'department:3', 'logged', null],
      ['sms', '13800000000', 'sent', null],
      ['sms', '13900000000', 'failed', '网关超时'],
    ],
  );
  assert.deepEqual(sent, ['13800000000']);
});

test('notifyOnce: the first call with a key logs and sends; later ones, also concurrent, do neither', async () => {
  const sent: string[] = [];
  const mail: OutsideSender = {
    channel: 'mail',
    accepts: (r) => r.startsWith('user:'),
    send: async (n) => {
      if (n.recipient === 'user:9') throw new Error('邮件服务器拒收');
      sent.push(n.recipient);
    },
  };
  const n = createNotifier([mail]);
  const once = (recipient: string) => n.notifyOnce(t.db, `deadline:objection:7:2026-10-13:due:${recipient}`, { ...notice(recipient), ref: 'objection:7' });
  const [a, b] = await Promise.all([once('user:1'), once('user:1')]);
  assert.equal([a, b].filter((x) => x !== null).length, 1, 'one of two concurrent calls wins');
  assert.equal(await once('user:1'), null);
  assert.notEqual(await once('user:2'), null, 'another recipient is another notice');
  assert.notEqual(await once('user:9'), null);
  assert.equal(await once('user:9'), null, 'a failed send is recorded, not retried by the next run');
  const rows = await noticesFor(t.db, 'objection:7');
  assert.deepEqual(
    rows.map((r) => [r.recipient, r.channel, r.status, r.error]),
    [
      ['user:1', 'mail', 'sent', null],
      ['user:2', 'mail', 'sent', null],
      ['user:9', 'mail', 'failed', '邮件服务器拒收'],
    ],
  );
  assert.deepEqual(sent, ['user:1', 'user:2']);
});
