import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { decrypt, encrypt, hmacSha256, hmacSha256With, sealer, sha256 } from './crypto.ts';

const SECRET = 'crypto-test-secret-0123456789-abcdefghij';

test('sha256 gives the hex digest of strings and buffers', () => {
  assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(sha256(Buffer.from('统一社会信用代码')), createHash('sha256').update('统一社会信用代码').digest('hex'));
});

test('a sealer writes what decrypt reads, with a distinct nonce per value', () => {
  const seal = sealer(SECRET, 'pii');
  const plain = ['110101199003077777', '{"CF_FR_ZJHM":"630102198001011234"}', ''];
  const blobs = plain.map((p) => seal(p));
  assert.deepEqual(
    blobs.map((b) => decrypt(SECRET, b, 'pii')),
    plain,
  );
  const again = seal(plain[0]);
  assert.notEqual(again, blobs[0], 'same plaintext, different nonce');
  const nonces = new Set([...blobs, again].map((b) => Buffer.from(b, 'base64url').subarray(0, 12).toString('hex')));
  assert.equal(nonces.size, 4);
  // Two sealers on the same key use different random prefixes.
  const other = sealer(SECRET, 'pii')(plain[0]);
  assert.notEqual(Buffer.from(other, 'base64url').subarray(0, 8).toString('hex'), Buffer.from(again, 'base64url').subarray(0, 8).toString('hex'));
  // The purpose separates keys, and tampering is detected, as with encrypt().
  assert.throws(() => decrypt(SECRET, blobs[0], 'at-rest'));
  const raw = Buffer.from(blobs[0], 'base64url');
  raw[raw.length - 1] ^= 1;
  assert.throws(() => decrypt(SECRET, raw.toString('base64url'), 'pii'));
  assert.equal(decrypt(SECRET, encrypt(SECRET, 'x', 'pii'), 'pii'), 'x');
});

test('hmacSha256With equals hmacSha256 with the same key', () => {
  const h = hmacSha256With(SECRET);
  for (const v of ['id:110101199003077777', '', '名称']) assert.equal(h(v), hmacSha256(SECRET, v));
});
