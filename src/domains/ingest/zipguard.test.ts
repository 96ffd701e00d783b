import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { assertSafeZip, readZipDirectory } from './zipguard.ts';
import { readRows } from './rows.ts';
import { isIngestError, type IngestError } from './errors.ts';
import { buildTemplateXlsx } from '../catalog/templates.ts';
import { SGS_CF_V2 } from '../catalog/builtin/index.ts';
import { buildZip, xlsxLike } from '../../../test/fixtures/ingest/zip.ts';

const MiB = 1024 * 1024;

async function refusal(p: Promise<unknown>): Promise<IngestError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isIngestError(err), String(err));
    return err;
  }
  assert.fail('expected an IngestError');
}

test('a real xlsx passes and its directory is read', async () => {
  const buf = await buildTemplateXlsx(SGS_CF_V2);
  const s = await assertSafeZip(buf);
  assert.ok(s.entries.some((e) => e.name === 'xl/worksheets/sheet1.xml'));
  assert.ok(s.totalUncompressed > s.totalCompressed);
});

test('declared total above the limit → zip_bomb before anything is inflated', async () => {
  // 3 entries declaring 200 MiB each (the data is tiny: the directory alone condemns it).
  const zip = buildZip(xlsxLike({ data: Buffer.from('<x/>'), declaredSize: 200 * MiB }).map((e) => ({ ...e, declaredSize: 200 * MiB })));
  const e = await refusal(assertSafeZip(zip));
  assert.equal(e.code, 'zip_bomb');
  assert.match(e.message, /超过上限 500\.0 MB/);
});

test('compression ratio above 100:1 → zip_bomb', async () => {
  const zip = buildZip(xlsxLike({ data: Buffer.alloc(20 * MiB, 0x20) })); // ~20 KiB compressed
  const e = await refusal(assertSafeZip(zip));
  assert.equal(e.code, 'zip_bomb');
  assert.match(e.message, /压缩比/);
});

test('a directory that lies about sizes is caught by the verifying inflate', async () => {
  const big = Buffer.alloc(8 * MiB, 0x20);
  const zip = buildZip(xlsxLike({ data: big, declaredSize: 1000 }));
  const e = await refusal(assertSafeZip(zip));
  assert.equal(e.code, 'zip_bomb');
  assert.match(e.message, /实际解压大小超过其声明/);
});

test('overlapping entries (one blob, many names) → zip_bomb', async () => {
  const blob = deflateRawSync(Buffer.alloc(64 * 1024, 0x41));
  const zip = buildZip([
    { name: 'xl/worksheets/sheet1.xml', compressed: blob, data: Buffer.alloc(64 * 1024, 0x41) },
    { name: 'xl/worksheets/sheet2.xml', sameDataAs: 0 },
    { name: 'xl/worksheets/sheet3.xml', sameDataAs: 0 },
  ]);
  const e = await refusal(assertSafeZip(zip));
  assert.equal(e.code, 'zip_bomb');
  assert.match(e.message, /重叠/);
});

test('limits are configurable', async () => {
  const zip = buildZip(xlsxLike({ data: Buffer.alloc(3 * MiB, 0x31) }));
  const e = await refusal(assertSafeZip(zip, { maxUncompressedBytes: 2 * MiB, maxRatio: 10_000 }));
  assert.equal(e.code, 'zip_bomb');
  await assertSafeZip(zip, { maxRatio: 10_000 });
});

test('garbage with a zip signature → xlsx_unreadable', async () => {
  const e = await refusal(assertSafeZip(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)])));
  assert.equal(e.code, 'xlsx_unreadable');
  assert.throws(() => readZipDirectory(Buffer.from('not a zip at all, just text')), /xlsx/);
});

test('a zip bomb posing as .xlsx is stopped by readRows before parsing', async () => {
  const zip = buildZip(xlsxLike({ data: Buffer.alloc(30 * MiB, 0x20), declaredSize: 1024 }));
  const e = await refusal(
    (async () => {
      for await (const _ of readRows(zip, { format: 'xlsx' })) void _;
    })(),
  );
  assert.equal(e.code, 'zip_bomb');
});
