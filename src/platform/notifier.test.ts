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
