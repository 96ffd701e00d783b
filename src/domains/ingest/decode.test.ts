import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBuffer, detectAndDecode, looksLikeUtf8Line, type DecodeOptions } from './decode.ts';
import { encodeGb18030 } from './gb18030.ts';
import { isIngestError } from './errors.ts';

/** Decodes `buf` fed in the given chunk sizes (cycled). */
async function decodeChunked(buf: Uint8Array, sizes: number[], opts: DecodeOptions = {}) {
  const chunks: Uint8Array[] = [];
  for (let i = 0, k = 0; i < buf.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]);
    chunks.push(buf.subarray(i, i + n));
    i += n;
  }
  const d = detectAndDecode(
    (async function* () {
      yield* chunks;
    })(),
    opts,
  );
  let text = '';
  for await (const s of d) text += s;
  return { text, encoding: d.encoding, bom: d.bom };
}

const SAMPLE = '行政相对人名称,处罚类别,罚款金额（万元）\r\n西宁鑫源商贸有限公司,警告、罚款,0.2\r\n湟中区“河湟”小吃店,没收违法所得,1.5\r\n𠮷野家（外资）,其他-责令改正,0\r\n';

test('BOMs decide the encoding and are stripped', async () => {
  const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]);
  assert.deepEqual(await decodeChunked(utf8, [1]), { text: SAMPLE, encoding: 'utf-8', bom: true });
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]);
  assert.deepEqual(await decodeChunked(le, [3, 1, 7]), { text: SAMPLE, encoding: 'utf-16le', bom: true });
  const be = Buffer.from(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(SAMPLE, 'utf16le').swap16()]));
  assert.deepEqual(await decodeChunked(be, [2]), { text: SAMPLE, encoding: 'utf-16be', bom: true });
});

test('strict UTF-8 first, else GB18030; pure ASCII stays undecided', async () => {
  assert.equal((await decodeBuffer(Buffer.from(SAMPLE))).encoding, 'utf-8');
  const gb = await decodeBuffer(encodeGb18030(SAMPLE));
  assert.equal(gb.encoding, 'gb18030');
  assert.equal(gb.text, SAMPLE);
  assert.deepEqual(await decodeBuffer(Buffer.from('a,b\r\n1,2\r\n')), { text: 'a,b\r\n1,2\r\n', encoding: null });
});

test('a window with only 2-byte UTF-8 sequences that reads as Chinese in GB18030 is GB18030', async () => {
  // D2 BB is GBK "一" and also UTF-8 "һ" (Cyrillic).
  assert.deepEqual(await decodeBuffer(encodeGb18030('一')), { text: '一', encoding: 'gb18030' });
  assert.deepEqual(await decodeBuffer(encodeGb18030('名称\n')), { text: '名称\n', encoding: 'gb18030' });
  // A UTF-8 window with Chinese characters stays UTF-8.
  assert.equal((await decodeBuffer(Buffer.from('买买提·艾力'))).encoding, 'utf-8');
});

test('a GBK file whose first 64 KiB are ASCII is not mistaken for mixed', async () => {
  const ascii = 'CF_XDR_MC,CF_WSH\n' + 'abc,123\n'.repeat(20_000); // ~160 KiB of ASCII
  const buf = Buffer.concat([Buffer.from(ascii), encodeGb18030('西宁市城中区某商店,宁市监罚〔2026〕1号\n')]);
  const r = await decodeChunked(buf, [65536]);
  assert.equal(r.encoding, 'gb18030');
  assert.ok(r.text.endsWith('西宁市城中区某商店,宁市监罚〔2026〕1号\n'));
});

test('property: GB18030 and UTF-8 text survives any chunk split (multi-byte characters across borders)', async () => {
  const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
  const ch = fc.oneof(hanzi, hanzi, fc.constantFrom(',', '\r\n', '"', 'A', '1', '、', '（', '〔', '€', '𠮷'));
  // Files start with a header line, as every upload does; the rest is arbitrary.
  const text = fc.array(ch, { minLength: 1, maxLength: 400 }).map((a) => '行政相对人名称,处罚类别\r\n' + a.join(''));
  const sizes = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 });
  await fc.assert(
    fc.asyncProperty(text, sizes, fc.boolean(), async (t, sz, gb) => {
      const bytes = gb ? encodeGb18030(t) : Buffer.from(t, 'utf8');
      const r = await decodeChunked(bytes, sz, { sniffBytes: 16 });
      assert.equal(r.text, t);
    }),
    { numRuns: 300 },
  );
});

/** Runs the decoder and returns the IngestError it throws. */
async function decodeError(buf: Uint8Array, sizes: number[], opts: DecodeOptions = {}) {
  try {
    await decodeChunked(buf, sizes, opts);
  } catch (err) {
    assert.ok(isIngestError(err), String(err));
    return err;
  }
  assert.fail('expected an IngestError');
}

test('mixed encodings: GBK rows after a UTF-8 prefix → encoding_mixed with the line', async () => {
  const head = '名称,代码\n' + '西宁甲公司,1\n'.repeat(10_000); // > 64 KiB decided as UTF-8
  const buf = Buffer.concat([Buffer.from(head), encodeGb18030('西宁乙公司,2\n')]);
  const e = await decodeError(buf, [4096]);
  assert.equal(e.code, 'encoding_mixed');
  assert.equal((e.details as { line: number }).line, 10_002);
  assert.match(e.message, /^文件编码不一致：第 10002 行附近/);
});

test('mixed encodings: UTF-8 rows after a GB18030 prefix → encoding_mixed (no silent mojibake)', async () => {
  const head = encodeGb18030('名称,代码\n' + '西宁甲公司,1\n'.repeat(10_000));
  const buf = Buffer.concat([head, Buffer.from('西宁乙公司新增一行,2\n'), encodeGb18030('西宁丙公司,3\n')]);
  const e = await decodeError(buf, [5000]);
  assert.equal(e.code, 'encoding_mixed');
  assert.equal((e.details as { line: number }).line, 10_002);
  assert.match(e.message, /UTF-8/);
});

test('mixed encodings inside the sniffing window are named as such', async () => {
  const buf = Buffer.concat([encodeGb18030('名称,代码\n西宁乙公司,9163\n'), Buffer.from('西宁丙公司,9164\n')]);
  const e = await decodeError(buf, [1000]);
  assert.equal(e.code, 'encoding_mixed');
  assert.equal((e.details as { line: number }).line, 3);
});

test('undecodable bytes → encoding_unknown; a truncated last character → encoding_mixed', async () => {
  const e = await decodeError(Buffer.from([0x41, 0x2c, 0xff, 0xff, 0xff, 0x0a]), [10]);
  assert.equal(e.code, 'encoding_unknown');
  const cut = Buffer.from('名称\n西宁', 'utf8').subarray(0, -1);
  const t = await decodeError(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), cut]), [2]);
  assert.equal(t.code, 'encoding_mixed');
});

test('looksLikeUtf8Line: UTF-8 Chinese yes; GB18030 Chinese (random) no', () => {
  const u = Buffer.from('西宁市城中区,罚款');
  assert.equal(looksLikeUtf8Line(u, 0, u.length), true);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0x4e00, max: 0x9fa5 }), { minLength: 8, maxLength: 40 }), (cps) => {
      const g = encodeGb18030(String.fromCharCode(...cps));
      assert.equal(looksLikeUtf8Line(g, 0, g.length), false);
    }),
    { numRuns: 500 },
  );
});
