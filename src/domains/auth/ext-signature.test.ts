// The signed department API (/api/ext/…) refuses a request on its headers and key before it reads the body,
// and on its HMAC before it validates the body: over app.inject and over real HTTP on a real database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createTestApp, deptId, type TestApp } from '../../../test/helpers/app.ts';
import { createApiKey, signRequest } from './apikeys.service.ts';

let t: TestApp;
let key: { appKey: string; secret: string };
let port: number;
const FIVE_MB = 5 * 1024 * 1024;
// Not JSON at all: parsing it would answer 400 invalid_json.
const junk = '{'.repeat(FIVE_MB);
const INGEST = `/api/ext/ingest/${encodeURIComponent('行政处罚')}`;

before(async () => {
  t = await createTestApp();
  key = await createApiKey(t.db, t.ctx.config, 'system', { departmentId: await deptId(t.db, 'SCJGJ'), name: '执法系统' }, { actor: null });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as { port: number }).port;
});
after(async () => {
  await t?.close();
});

const post = (url: string, headers: Record<string, string>, payload: string) =>
  t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload });

async function deniedReasons(): Promise<string[]> {
  const rows = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'api.auth').where('outcome', '=', 'denied').orderBy('id').execute();
  return rows.map((r) => (r.detail as { reason: string }).reason);
}

test('a 5 MB body that is not JSON gets the 401 of its headers or key, audited, not a 400 parse error', async () => {
  const before = (await deniedReasons()).length;
  const unknown = await post(INGEST, signRequest('ck_nobody_here', key.secret, 'POST', INGEST, junk), junk);
  assert.equal(unknown.statusCode, 401, unknown.body);
  assert.equal(unknown.json().error.code, 'signature_invalid');
  const missing = await post('/api/ext/ping', {}, junk);
  assert.equal(missing.statusCode, 401);
  assert.equal(missing.json().error.code, 'signature_missing');
  const stale = await post('/api/ext/ping', signRequest(key.appKey, key.secret, 'POST', '/api/ext/ping', junk, Date.now() - 10 * 60_000), junk);
  assert.equal(stale.statusCode, 401);
  assert.equal(stale.json().error.code, 'signature_expired');
  assert.deepEqual((await deniedReasons()).slice(before), ['unknown_app_key', 'missing_headers', 'timestamp_window']);
});

test('a known key with a wrong signature is refused (401) before the body is validated against the schema', async () => {
  const body = JSON.stringify({ rows: 'not an array' });
  const r = await post(INGEST, { ...signRequest(key.appKey, key.secret, 'POST', INGEST, body), 'x-sign': '0'.repeat(64) }, body);
  assert.equal(r.statusCode, 401, r.body);
  assert.equal(r.json().error.code, 'signature_invalid');
  assert.equal((await deniedReasons()).at(-1), 'bad_signature');
  // Correctly signed, the same body reaches validation (400), and a good request still works.
  const signed = await post(INGEST, signRequest(key.appKey, key.secret, 'POST', INGEST, body), body);
  assert.equal(signed.statusCode, 400, signed.body);
  assert.equal(signed.json().error.code, 'validation_failed');
  const ping = await post('/api/ext/ping', signRequest(key.appKey, key.secret, 'POST', '/api/ext/ping', '{}'), '{}');
  assert.equal(ping.statusCode, 200, ping.body);
});

test('over HTTP, an unknown key is answered 401 while most of a 5 MB body is still unsent', { timeout: 60_000 }, async () => {
  const headers = { ...signRequest('ck_nobody_here', key.secret, 'POST', INGEST, junk), 'content-type': 'application/json', 'content-length': String(FIVE_MB) };
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: INGEST, headers });
  req.on('error', () => undefined); // the server may close the socket once it has answered
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
  });
  // Send the first 64 KB only and wait: a server that read the body before checking would never answer
  // (and the test would fail on its timeout).
  req.write(junk.slice(0, 64 * 1024));
  const res = await answered;
  req.destroy();
  assert.equal(res.status, 401, res.body);
  assert.equal(JSON.parse(res.body).error.code, 'signature_invalid');
});
