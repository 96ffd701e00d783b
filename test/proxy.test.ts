// Behind a reverse proxy (TRUST_PROXY), over HTTP on a real database: the client's address is the one the
// trusted proxy saw, whatever the client writes into X-Forwarded-For itself. It keys the rate limits and the
// sign-in throttle and is what the audit log records.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.ts';
import { makeUser } from './factories.ts';
import { createTestApp, TEST_PASSWORD, type TestApp } from './helpers/app.ts';

const PROXY = '127.0.0.1'; // nginx on the same machine: the only peer the app sees
const CLIENT = '203.0.113.7'; // the address nginx appends to X-Forwarded-For
const PUBLIC = { PUBLIC_BASE_URL: 'https://credit.example.gov.cn' };

/** The app with TRUST_PROXY as an operator writes it (through loadConfig, not an override of the parsed value). */
const appWith = (trustProxyEnv: string, extra: Parameters<typeof createTestApp>[0] = {}) =>
  createTestApp({ trustProxy: loadConfig({ ...PUBLIC, TRUST_PROXY: trustProxyEnv }).trustProxy, ...extra });

/** A request as nginx forwards it: whatever the client sent in X-Forwarded-For, then the address nginx saw. */
const viaProxy = (clientSent: string | null, client = CLIENT) => ({
  remoteAddress: PROXY,
  headers: { 'x-forwarded-for': clientSent ? `${clientSent}, ${client}` : client },
});

describe('TRUST_PROXY=1 (one nginx in front)', () => {
  let t: TestApp;
  before(async () => {
    t = await appWith('1', { loginMaxFailures: 5, loginMaxFailuresPerIp: 3, searchRateLimitPerMinute: 2 });
    for (const u of ['proxy_a', 'proxy_b', 'proxy_c', 'proxy_colleague']) {
      await makeUser(t.db, { username: u });
    }
  });
  after(async () => {
    await t?.close();
  });

  const login = (username: string, password: string, via: ReturnType<typeof viaProxy>) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, ...via });

  test('a forged X-Forwarded-For entry changes neither the audit address nor the throttle key', async () => {
    // Three failures from one client, each with another forged first entry and another user name.
    const forged = ['1.1.1.1', '10.9.9.9, 8.8.8.8', 'unknown'];
    for (const [i, f] of forged.entries()) {
      const r = await login(['proxy_a', 'proxy_b', 'proxy_c'][i], 'Wrong-password-1', viaProxy(f));
      assert.equal(r.statusCode, 401, r.body);
    }
    const failures = await t.db.selectFrom('login_failures').select(['username', 'ip']).orderBy('id').execute();
    assert.deepEqual(failures.map((f) => f.ip), [CLIENT, CLIENT, CLIENT]);
    const audited = await t.db.selectFrom('audit_log').select('ip').where('action', '=', 'auth.login').where('outcome', '=', 'failed').execute();
    assert.deepEqual(audited.map((a) => a.ip), [CLIENT, CLIENT, CLIENT]);
    // The client is at its per-address limit, whatever it forges next; another client behind the proxy is not.
    const blocked = await login('proxy_colleague', TEST_PASSWORD, viaProxy('192.0.2.200'));
    assert.equal(blocked.statusCode, 429, blocked.body);
    const denied = await t.db.selectFrom('audit_log').select(['ip', 'detail']).where('action', '=', 'auth.login').where('outcome', '=', 'denied').executeTakeFirstOrThrow();
    assert.equal(denied.ip, CLIENT);
    assert.deepEqual(denied.detail, { reason: 'throttled', by: 'ip' });
    const other = await login('proxy_colleague', TEST_PASSWORD, viaProxy('1.1.1.1', '203.0.113.8'));
    assert.equal(other.statusCode, 200, other.body);
    const session = await t.db.selectFrom('sessions').select('ip').executeTakeFirstOrThrow();
    assert.equal(session.ip, '203.0.113.8');
  });

  test('a forged X-Forwarded-For entry does not escape the per-client rate limit', async () => {
    const search = (forged: string) => t.app.inject({ method: 'GET', url: '/api/public/search', query: { q: '西宁' }, ...viaProxy(forged, '203.0.113.20') });
    assert.equal((await search('1.1.1.1')).statusCode, 200);
    assert.equal((await search('2.2.2.2')).statusCode, 200);
    const third = await search('3.3.3.3');
    assert.equal(third.statusCode, 429);
    assert.equal(third.json().error.code, 'rate_limited');
  });
});

describe('TRUST_PROXY as addresses', () => {
  let t: TestApp;
  before(async () => {
    t = await appWith('127.0.0.1,10.0.0.0/8');
  });
  after(async () => {
    await t?.close();
  });

  const failedLogin = (username: string, remoteAddress: string, xff: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'Wrong-password-1' }, remoteAddress, headers: { 'x-forwarded-for': xff } });

  test('only the listed proxies are believed: a client not among them cannot name another address', async () => {
    // Through nginx (127.0.0.1) and an inner proxy (10.1.2.3): the client is the first untrusted address.
    assert.equal((await failedLogin('addr_a', PROXY, `6.6.6.6, ${CLIENT}, 10.1.2.3`)).statusCode, 401);
    // Straight from a client that is no proxy: its X-Forwarded-For is ignored.
    assert.equal((await failedLogin('addr_b', '198.51.100.9', '6.6.6.6')).statusCode, 401);
    const rows = await t.db.selectFrom('audit_log').select(['target', 'ip']).where('action', '=', 'auth.login').orderBy('id').execute();
    assert.deepEqual(rows.map((r) => [r.target, r.ip]), [
      ['addr_a', CLIENT],
      ['addr_b', '198.51.100.9'],
    ]);
  });
});
