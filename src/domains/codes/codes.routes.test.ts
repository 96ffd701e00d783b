// API tests over the real app (test/helpers/app.ts); run through `npm test`, which provides PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { idCheckChar } from './idnumber.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => {
  await t?.close();
});

test('GET /api/codes/{code} explains the verdict and parses the code', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/codes/91110000600037341N' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.kind, 'uscc');
  assert.equal(body.verdict, 'invalid');
  assert.deepEqual(body.reasons, [{ code: 'check_char_mismatch', message: '校验码应为 L，实际为 N', severity: 'error' }]);
  assert.equal(body.parsed.expectedCheckChar, 'L');
  assert.equal(body.parsed.region.fullName, '北京市');

  const ok = (await t.app.inject({ method: 'GET', url: '/api/codes/91350100M000100Y43' })).json();
  assert.equal(ok.verdict, 'valid');
  assert.equal(ok.parsed.category.name, '企业');
  const org = (await t.app.inject({ method: 'GET', url: '/api/codes/D2143569-X?kind=org' })).json();
  assert.equal(org.kind, 'org');
  assert.equal(org.verdict, 'valid');
});

test('person ID numbers are masked in public answers', async () => {
  const body = (await t.app.inject({ method: 'GET', url: '/api/codes/11010519491231002X' })).json();
  assert.equal(body.kind, 'id');
  assert.equal(body.verdict, 'valid');
  assert.equal(body.input, '110105********002X');
  assert.equal(body.normalized, '110105********002X');
  assert.equal(body.parsed.birthDate, undefined);
  assert.equal(body.parsed.gender, undefined);
  const id15 = (await t.app.inject({ method: 'GET', url: '/api/codes/150102880730303' })).json();
  assert.equal(id15.kind, 'id15');
  assert.ok(!JSON.stringify(id15).includes('150102198807303035'));
  assert.ok(!JSON.stringify(id15).includes('150102880730303'));
});

test('POST /api/codes/check checks a batch and counts verdicts', async () => {
  const id = '63010219900517001';
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/codes/check',
    payload: { codes: ['91350100M000100Y43', '91110000600037341N', id + idCheckChar(id), '12345'] },
  });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(body.summary, { total: 4, valid: 2, warning: 0, invalid: 2 });
  assert.deepEqual(
    body.results.map((r: { kind: string }) => r.kind),
    ['uscc', 'uscc', 'id', 'unknown'],
  );
  const forced = (await t.app.inject({ method: 'POST', url: '/api/codes/check', payload: { codes: ['12345'], kind: 'uscc' } })).json();
  assert.equal(forced.results[0].reasons[0].code, 'length_mismatch');
});

test('a batch over 10,000 codes is refused with a Chinese message', async () => {
  const codes = Array.from({ length: 10_001 }, () => '91350100M000100Y43');
  const res = await t.app.inject({ method: 'POST', url: '/api/codes/check', payload: { codes } });
  assert.equal(res.statusCode, 400);
  const body = res.json();
  assert.equal(body.error.code, 'code_batch_too_large');
  assert.match(body.error.message, /最多校验 10000 个代码/);
  const exactly = await t.app.inject({ method: 'POST', url: '/api/codes/check', payload: { codes: codes.slice(1) } });
  assert.equal(exactly.statusCode, 200);
  assert.equal(exactly.json().summary.valid, 10_000);
});

test('the routes are rate limited (120 per minute)', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/codes/D2143569-X' });
  assert.equal(res.headers['x-ratelimit-limit'], '120');
});
