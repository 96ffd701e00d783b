import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildEnumTable,
  compileItem,
  describeRequired,
  headerKey,
  heaviestCode,
  lookupEnum,
  validateCatalogItem,
} from './catalog.model.ts';
import type { CatalogItem } from './catalog.schemas.ts';
import {
  BUILTIN_ITEMS,
  LIST_BLACK_V1,
  PENALTY_CATEGORY_ENUM,
  SGS_CF_V2,
  SGS_XK_V2,
  V1_PENALTY_CATEGORY_MAP,
  builtinItem,
  makeGenericItem,
} from './builtin/index.ts';

const REF = new URL('../../../test/fixtures/ingest/reference/', import.meta.url);

/** Header lines of a reference header list (test/fixtures/ingest/reference): comments and type notes after '#' removed. */
function headerList(name: string): string[] {
  return readFileSync(fileURLToPath(new URL(name, REF)), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.replace(/\s+#.*$/, '').trim());
}

const clone = <T>(x: T): T => structuredClone(x);

test('every built-in item passes validateCatalogItem', () => {
  for (const item of BUILTIN_ITEMS) {
    const r = validateCatalogItem(item);
    assert.equal(r.ok, true, `${item.id}: ${JSON.stringify(!r.ok && r.errors)}`);
  }
  assert.equal(builtinItem('sgs_cf_v2'), SGS_CF_V2);
  assert.equal(validateCatalogItem(makeGenericItem({ id: 'xzqz_v1', name: '行政强制', infoClass: '行政管理' })).ok, true);
});

test('行政许可 v2 template headers are exactly the 2019 permit header list', () => {
  const names = compileItem(SGS_XK_V2).templateFields.map((f) => f.name);
  assert.deepEqual(names, headerList('sgs_headers_2019_permit.txt'));
});

test('行政处罚 v2 template headers are the 2019 penalty list with the later 证件类型 + 证件号码 pair', () => {
  const expected = headerList('sgs_headers_2019_penalty.txt').flatMap((h) =>
    h === '法定代表人身份证号' ? ['法定代表人证件类型', '法定代表人证件号码'] : [h],
  );
  assert.deepEqual(
    compileItem(SGS_CF_V2).templateFields.map((f) => f.name),
    expected,
  );
  // The older single column is still accepted on upload.
  assert.equal(compileItem(SGS_CF_V2).byHeader.get(headerKey('法定代表人身份证号')), 'CF_FR_ZJHM');
});

test('the v1 legacy formats list exactly the 2015/2016 headers, in order', () => {
  assert.deepEqual(
    SGS_XK_V2.legacyFormats![0].columns.map((c) => c.header),
    headerList('sgs_headers_2016_permit_legal_person.txt'),
  );
  assert.deepEqual(
    SGS_CF_V2.legacyFormats![0].columns.map((c) => c.header),
    headerList('sgs_headers_2016_penalty.txt'),
  );
});

test('headerKey folds width, brackets, spaces, underscores, case and required markers', () => {
  const k = headerKey('行政相对人代码_1（统一社会信用代码）');
  assert.equal(headerKey(' 行政相对人代码1(统一社会信用代码) '), k);
  assert.equal(headerKey('*行政相对人代码_1（统一社会信用代码）：'), k);
  assert.equal(headerKey('cf_xdr_mc'), headerKey('CF_XDR_MC'));
  assert.equal(headerKey('cfXdrMc'), headerKey('CF_XDR_MC'));
  assert.equal(headerKey('罚款金额(万元)'), headerKey('罚款金额（万元）'));
});

test('enumerations accept code, label, alias and width variants; 其他 by prefix', () => {
  const table = buildEnumTable(PENALTY_CATEGORY_ENUM);
  assert.equal(lookupEnum(table, '03'), '03');
  assert.equal(lookupEnum(table, '罚款'), '03');
  assert.equal(lookupEnum(table, ' 罚 款 '), '03');
  assert.equal(lookupEnum(table, '吊销营业执照'), '08');
  assert.equal(lookupEnum(table, '其他-责令改正'), '99');
  assert.equal(lookupEnum(table, '其他（需注明）'), '99');
  assert.equal(lookupEnum(table, '批评教育'), undefined);
});

test('both 处罚类别 lists (2021 law and pre-2021) normalise into one enum', () => {
  const table = buildEnumTable(PENALTY_CATEGORY_ENUM);
  const law2021 = ['警告', '通报批评', '罚款', '没收违法所得', '没收非法财物', '暂扣许可证件', '降低资质等级', '吊销许可证件', '限制开展生产经营活动', '责令停产停业', '责令关闭', '限制从业', '行政拘留', '其他'];
  const pre2021 = ['警告', '罚款', '没收违法所得、没收非法财物', '责令停产停业', '暂扣或者吊销许可证、暂扣或者吊销执照', '行政拘留', '其他'];
  for (const label of [...law2021, ...pre2021]) assert.notEqual(lookupEnum(table, label), undefined, label);
  // The 2021 list order is the severity order.
  const sev = law2021.slice(0, 13).map((l) => table.byCode.get(lookupEnum(table, l)!)!.severity!);
  assert.deepEqual(sev, [...sev].sort((a, b) => a - b));
  for (const code of Object.values(V1_PENALTY_CATEGORY_MAP)) assert.ok(table.byCode.has(code), code);
});

test('heaviestCode picks the heaviest category; 其他 never outranks a named one', () => {
  assert.equal(heaviestCode(SGS_CF_V2, 'CF_CFLB', ['01', '03']), '03');
  assert.equal(heaviestCode(SGS_CF_V2, 'CF_CFLB', ['99', '01']), '01');
  assert.equal(heaviestCode(SGS_CF_V2, 'CF_CFLB', ['03', 'L4']), 'L4');
  assert.equal(heaviestCode(SGS_CF_V2, 'CF_CFLB', []), undefined);
});

test('required rules read as Chinese for 填报说明', () => {
  const f = compileItem(SGS_CF_V2).byCode.get('CF_XDR_SHXYM')!;
  assert.equal(describeRequired(SGS_CF_V2, f), '行政相对人类别为“法人及非法人组织”时必填');
  const fk = compileItem(SGS_CF_V2).byCode.get('CF_NR_FK')!;
  assert.equal(describeRequired(SGS_CF_V2, fk), '处罚类别包含“罚款”时必填');
  assert.equal(describeRequired(LIST_BLACK_V1, compileItem(LIST_BLACK_V1).byCode.get('BL_YCRQ')!), '状态为“已移出”或“已修复”时必填');
});

/** Expects validateCatalogItem to refuse `def` with the given error code. */
function rejects(def: unknown, code: string): void {
  const r = validateCatalogItem(def);
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.errors.some((e) => e.code === code), `${code} not in ${JSON.stringify(!r.ok && r.errors)}`);
}

test('bad definitions are rejected with a reason', () => {
  const base = (): CatalogItem => clone(SGS_CF_V2);

  const dup = base();
  dup.items.push({ ...dup.items[0], name: '另一个名称', aliases: [] });
  rejects(dup, 'duplicate_code');

  const noTable = base();
  noTable.items.find((f) => f.code === 'CF_XDR_LB')!.enum = undefined;
  rejects(noTable, 'enum_without_table');

  const unknownField = base();
  unknownField.items.find((f) => f.code === 'CF_XDR_SHXYM')!.required = { when: { field: 'CF_NOPE', equals: '自然人' } };
  rejects(unknownField, 'unknown_condition_field');

  const unknownValue = base();
  unknownValue.items.find((f) => f.code === 'CF_XDR_SHXYM')!.required = { when: { field: 'CF_XDR_LB', equals: '外星人' } };
  rejects(unknownValue, 'unknown_condition_value');

  const dupRole = base();
  dupRole.items.find((f) => f.code === 'CF_SY')!.role = 'doc_no';
  rejects(dupRole, 'duplicate_role');

  const dupHeader = base();
  dupHeader.items.find((f) => f.code === 'CF_SY')!.aliases = ['行政相对人名称'];
  rejects(dupHeader, 'duplicate_header');

  const unmasked = base();
  unmasked.items.find((f) => f.code === 'CF_XDR_ZJHM')!.masked = false;
  rejects(unmasked, 'unmasked_personal_id');

  const badLegacy = base();
  badLegacy.legacyFormats![0].columns[0].target = 'CF_NOPE';
  rejects(badLegacy, 'unknown_legacy_target');

  const badMap = base();
  badMap.legacyFormats![0].columns[2].valueMap = { '1': '42' };
  rejects(badMap, 'unknown_enum_code');

  const enumOnString = base();
  enumOnString.items.find((f) => f.code === 'CF_SY')!.enum = PENALTY_CATEGORY_ENUM;
  rejects(enumOnString, 'enum_on_non_enum');

  rejects({ ...base(), id: 'Bad Id' }, 'schema');
  rejects({ ...base(), items: [] }, 'schema');
  rejects({ ...base(), status: 'published' }, 'schema');
  rejects('not an object', 'schema');
});
