// The one attachment header every file answer uses (platform/download.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentDisposition } from './download.ts';

test('contentDisposition: RFC 5987 UTF-8 name (with the characters encodeURIComponent leaves) and an ASCII fallback', () => {
  assert.equal(
    contentDisposition("行政处罚(2024)'样例'*!.xlsx", 'template.xlsx'),
    "attachment; filename=\"template.xlsx\"; filename*=UTF-8''%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A%282024%29%27%E6%A0%B7%E4%BE%8B%27%2A%21.xlsx",
  );
});

test('contentDisposition: a fallback with non-ASCII, quotes or backslashes cannot break the header', () => {
  assert.equal(contentDisposition('报告.pdf', '报告"a\\b.pdf'), "attachment; filename=\"___a_b.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf");
});
