// The data notes shown in the monitoring console carry no developer references (issue 17 §4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { plainNote } from './notes';

const cases: [string, string][] = [
  ['docs/domain/05-monitoring.md §5.2：国家公共信用信息中心 2020-07-31 发布，一级、二级指标及分值 [V]；三、四级指标分值未公开，未列入', '国家公共信用信息中心 2020-07-31 发布，一级、二级指标及分值；三、四级指标分值未公开，未列入'],
  ['DOMAIN §5.1：权重未公开（docs/domain/09-open-items.md §9 第 6 项），占位值 [M]', '权重未公开，占位值'],
  ['各指标满分未知（maxKnown: false），得分不受其限制', '各指标满分未知，得分不受其限制'],
  ['子领域合并；issue 16 §2：增加监测领域', '子领域合并；增加监测领域'],
  ['', ''],
];

test('developer references are taken out of data notes', () => {
  for (const [raw, plain] of cases) assert.equal(plainNote(raw), plain, raw);
});

test("the shipped trees' and taxonomy's notes come out with no reference left", () => {
  const dir = new URL('../../../domains/monitoring/defaults/', import.meta.url);
  const files = [...readdirSync(new URL('trees/', dir)).map((f) => new URL(`trees/${f}`, dir)), new URL('taxonomy.json', dir)];
  for (const f of files) {
    const note = plainNote((JSON.parse(readFileSync(f, 'utf8')) as { source?: string }).source);
    assert.ok(note.length > 10, String(f));
    assert.doesNotMatch(note, /docs\/|DOMAIN|§|\[[MVS]\]|issue|maxKnown/i, note);
  }
});
