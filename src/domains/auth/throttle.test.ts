// Sign-in throttling over HTTP on a real database: the count is atomic under parallel guesses, the right
// password waits out the window too, and one address is throttled across user names only at its own, much
// higher limit (an office behind one NAT).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../../test/helpers/app.ts';
import { makeUser } from '../../../test/factories.ts';

const MAX = 5;
const MAX_PER_IP = 12;
let t: TestApp;
before(async () => {
  t = await createTestApp({ loginMaxFailures: MAX, loginMaxFailuresPerIp: MAX_PER_IP, loginWindowMinutes: 15 });
});
after(async () => {
  await t?.close();
});

const login = (username: string, password: string, remoteAddress: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

async function addUser(username: string) {
  await makeUser(t.db, { username });
}

const failuresOf = async (username: string) =>
  (await t.db.selectFrom('login_failures').select(sql<number>`count(*)::int`.as('n')).where('username', '=', username).executeTakeFirstOrThrow()).n;

test('40 parallel wrong passwords for one user: exactly LOGIN_MAX_FAILURES are checked, the rest get 429', async () => {
  await addUser('parallel_victim');
  const answers = await Promise.all(Array.from({ length: 40 }, () => login('parallel_victim', 'Wrong-password-1', '192.0.2.10')));
  const codes = answers.map((r) => r.statusCode);
  assert.equal(codes.filter((c) => c === 401).length, MAX, codes.join(','));
  assert.equal(codes.filter((c) => c === 429).length, 40 - MAX, codes.join(','));
  for (const r of answers.filter((a) => a.statusCode === 429)) assert.equal(r.json().error.code, 'login_throttled');
  // Each 401 is one password verification; each is stored once as a failure and audited once.
  assert.equal(await failuresOf('parallel_victim'), MAX);
  const audits = await t.db.selectFrom('audit_log').select(['outcome', 'detail']).where('action', '=', 'auth.login').where('target', '=', 'parallel_victim').execute();
  assert.equal(audits.filter((a) => a.outcome === 'failed').length, MAX);
  assert.equal(audits.filter((a) => a.outcome === 'denied' && (a.detail as { by?: string }).by === 'user').length, 40 - MAX);

  // The right password is refused too, from any address, until the window has passed.
  assert.equal((await login('parallel_victim', TEST_PASSWORD, '192.0.2.10')).statusCode, 429);
  assert.equal((await login('parallel_victim', TEST_PASSWORD, '192.0.2.99')).statusCode, 429);
  // Let the window pass: the stored failures become older than LOGIN_WINDOW_MINUTES.
  await t.db.updateTable('login_failures').set({ at: sql`at - interval '16 minutes'` }).where('username', '=', 'parallel_victim').execute();
  const ok = await login('parallel_victim', TEST_PASSWORD, '192.0.2.10');
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(await failuresOf('parallel_victim'), 0, 'a successful sign-in clears the user name');
});

test('one address: failures over many user names lock out a colleague only at LOGIN_MAX_FAILURES_PER_IP', async () => {
  const office = '198.51.100.7';
  await addUser('office_colleague');
  await addUser('office_colleague2');
  // 11 failures from the office, spread over names (none of them reaches the per-user limit).
  const names = ['office_a', 'office_b', 'office_c', 'office_d'];
  for (let i = 0; i < MAX_PER_IP - 1; i++) assert.equal((await login(names[i % names.length], 'Wrong-password-1', office)).statusCode, 401);
  // A colleague behind the same NAT still signs in.
  assert.equal((await login('office_colleague', TEST_PASSWORD, office)).statusCode, 200);
  // The 12th failure reaches the per-address limit: now the office is throttled for every name…
  assert.equal((await login('office_e', 'Wrong-password-1', office)).statusCode, 401);
  const blocked = await login('office_colleague2', TEST_PASSWORD, office);
  assert.equal(blocked.statusCode, 429);
  assert.equal(blocked.json().error.code, 'login_throttled');
  const denied = await t.db
    .selectFrom('audit_log')
    .select(['detail', 'ip'])
    .where('action', '=', 'auth.login')
    .where('target', '=', 'office_colleague2')
    .where('outcome', '=', 'denied')
    .executeTakeFirstOrThrow();
  assert.deepEqual(denied.detail, { reason: 'throttled', by: 'ip' });
  assert.equal(denied.ip, office);
  // …while the same user from elsewhere is not.
  assert.equal((await login('office_colleague2', TEST_PASSWORD, '203.0.113.50')).statusCode, 200);
});
