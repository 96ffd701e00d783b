import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchHeaders } from './headers.ts';
import { compileItem } from '../catalog/catalog.model.ts';
import { LIST_BLACK_V1, SGS_CF_V2, SGS_XK_V2 } from '../catalog/builtin/index.ts';

const cfHeaders = compileItem(SGS_CF_V2).templateFields.map((f) => f.name);
const xkHeaders = compileItem(SGS_XK_V2).templateFields.map((f) => f.name);
const cfV1 = SGS_CF_V2.legacyFormats![0].columns.map((c) => c.header);
const codes = (m: ReturnType<typeof matchHeaders>) => m.errors.map((e) => e.code);

test('the v2 template matches fully, in any column order', () => {
  const m = matchHeaders(SGS_CF_V2, cfHeaders);
  assert.equal(m.ok, true);
  assert.equal(m.matchRatio, 1);
  assert.equal(m.format.legacy, false);
  const shuffled = [...cfHeaders].reverse();
  const r = matchHeaders(SGS_CF_V2, shuffled);
  assert.equal(r.ok, true);
  assert.deepEqual(r.sources.CF_XDR_MC, [shuffled.indexOf('行政相对人名称')]);
});

test('field codes, width/space variants and aliases are accepted', () => {
  const variant = cfHeaders.map((h, i) =>
    i === 0 ? 'CF_XDR_MC' : i === 2 ? ' 行政相对人代码_1(统一社会信用代码) ' : h === '罚款金额（万元）' ? '罚款金额' : h,
  );
  const m = matchHeaders(SGS_CF_V2, variant);
  assert.equal(m.ok, true, JSON.stringify(m.errors));
  assert.equal(m.columns[0].via, 'code');
  assert.equal(m.columns[2].via, 'name');
  assert.equal(m.columns[variant.indexOf('罚款金额')].via, 'alias');
});

test('missing required columns are listed all at once', () => {
  const m = matchHeaders(SGS_CF_V2, cfHeaders.filter((h) => h !== '违法事实' && h !== '处罚机关统一社会信用代码'));
  assert.deepEqual(codes(m), ['missing_columns']);
  assert.deepEqual(m.missing, ['CF_SY', 'CF_CFJGDM']);
  assert.equal(m.errors[0].message, '缺少必填列：“违法事实”、“处罚机关统一社会信用代码”');
  const noId = matchHeaders(SGS_CF_V2, cfHeaders.filter((h) => h !== '证件号码'));
  assert.equal(noId.ok, true);
  assert.equal(noId.warnings[0].code, 'missing_conditional_columns');
});

test('unknown columns are a warning and are ignored', () => {
  const m = matchHeaders(SGS_CF_V2, [...cfHeaders, '经办人', '联系电话']);
  assert.equal(m.ok, true);
  assert.equal(m.warnings[0].code, 'unknown_column');
  assert.deepEqual(m.warnings[0].columns, [cfHeaders.length, cfHeaders.length + 1]);
  assert.equal(m.columns[cfHeaders.length].field, null);
});

test('duplicate columns are errors, also when one is a code and one a name', () => {
  const m = matchHeaders(SGS_CF_V2, [...cfHeaders, '违法事实']);
  assert.deepEqual(codes(m), ['duplicate_column']);
  const c = matchHeaders(SGS_CF_V2, [...cfHeaders, 'CF_XDR_MC']);
  assert.deepEqual(codes(c), ['duplicate_column']);
  assert.match(c.errors[0].message, /都对应数据项“行政相对人名称”/);
});

test('wrong catalogue item: a 许可 file uploaded as 处罚 and vice versa', () => {
  const m = matchHeaders(SGS_CF_V2, xkHeaders);
  assert.equal(codes(m)[0], 'wrong_catalog_item');
  assert.equal(m.errors[0].message, '该文件看起来是『行政许可』，而不是『行政处罚』。请选择正确的目录项或使用对应的模板');
  assert.equal(m.errors[0].suggestedItemId, 'sgs_xk_v2');
  assert.equal(matchHeaders(SGS_XK_V2, cfHeaders).errors[0].suggestedItemId, 'sgs_cf_v2');
  // A v1 penalty file against the permit item is recognised too.
  assert.equal(matchHeaders(SGS_XK_V2, cfV1).errors[0].suggestedItemId, 'sgs_cf_v2');
  assert.equal(matchHeaders(LIST_BLACK_V1, cfHeaders).errors[0].code, 'wrong_catalog_item');
});

test('a v1 (2015/2016) file maps onto v2 fields; 处罚类别1/2 feed one field', () => {
  const m = matchHeaders(SGS_CF_V2, cfV1);
  assert.equal(m.ok, true, JSON.stringify(m.errors));
  assert.deepEqual(m.format, { id: 'sgs_cf_v1', name: '行政处罚（2015/2016 版 CF_ 格式）', legacy: true });
  assert.deepEqual(m.sources.CF_CFLB, [cfV1.indexOf('处罚类别1'), cfV1.indexOf('处罚类别2')]);
  assert.deepEqual(m.sources.CF_XDR_ZZJG, [cfV1.indexOf('行政相对人代码_2（组织机构代码）')]);
  assert.deepEqual(m.sources.CF_XDR_ZJHM, [cfV1.indexOf('行政相对人代码_5（居民身份证号）')]);
  assert.deepEqual(m.fromContext, ['authority_uscc', 'source_name', 'source_uscc']);
  assert.deepEqual(
    m.warnings.map((w) => w.code),
    ['legacy_format', 'legacy_column_dropped'],
  );
  assert.equal(m.columns[cfV1.indexOf('处罚类别1')].valueMap?.['1'], '03');
});

test('v1 and v2 headers mixed in one file → mixed_template_versions', () => {
  const m = matchHeaders(SGS_CF_V2, [...cfHeaders, '处罚类别1']);
  assert.ok(codes(m).includes('mixed_template_versions'));
});

test('an empty header cell in the middle is reported and ignored', () => {
  const h = [...cfHeaders.slice(0, 3), '', ...cfHeaders.slice(3)];
  const m = matchHeaders(SGS_CF_V2, h);
  assert.equal(m.ok, true);
  assert.deepEqual(m.warnings.find((w) => w.code === 'empty_header')?.columns, [3]);
});
