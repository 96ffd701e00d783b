import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkCode, generateIdNumber, generateUscc, idCheckChar, isKnownUsccPair, isValidUscc, regNoCheckDigit } from '../codes/index.ts';
import { DEFAULT_SETTINGS } from '../publicity/index.ts';
import { compileItem } from '../catalog/catalog.model.ts';
import type { CatalogItem } from '../catalog/catalog.schemas.ts';
import { LIST_BLACK_V1, SGS_CF_V2, SGS_XK_V2 } from '../catalog/builtin/index.ts';
import { createWorkCalendar } from '../../platform/workCalendar.ts';
import { matchHeaders, type HeaderMapping } from './headers.ts';
import {
  findIdNumberInText,
  looksFloatDamaged,
  parseDateCell,
  parseSetValue,
  validateRow,
  type RowResult,
  type ValidationContext,
} from './validate.ts';
import type { RowSourceMeta } from './rows.ts';
import { mulberry32 } from './fixtures.ts';
import { ConfigError, loadConfig } from '../../config.ts';

const REF = new URL('../../../test/fixtures/ingest/reference/', import.meta.url);
const lines = (name: string) =>
  readFileSync(fileURLToPath(new URL(name, REF)), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

const rng = mulberry32(20261128);
const USCC = generateUscc(rng, { prefix: '91', region: '630103' });
const USCC_92 = generateUscc(rng, { prefix: '92', region: '630105' });
const AUTH = generateUscc(rng, { prefix: '11', region: '630100' });
const ID = generateIdNumber(rng, { region: '630102', birth: new Date(Date.UTC(1985, 4, 6)) });
/** An ID number whose check character is X. */
const ID_X = (() => {
  for (;;) {
    const id = generateIdNumber(rng, { region: '630104' });
    if (id.endsWith('X')) return id;
  }
})();

const calendar = createWorkCalendar();
const ctx: ValidationContext = {
  today: new Date('2026-11-28T04:00:00Z'),
  calendar,
  reportDate: new Date('2024-10-08T02:00:00Z'),
};

/** A valid 行政处罚 row for a legal person, by field code. */
const BASE: Record<string, string> = {
  CF_XDR_MC: '西宁鑫源商贸有限公司',
  CF_XDR_LB: '法人及非法人组织',
  CF_XDR_SHXYM: USCC,
  CF_FRDB: '王明',
  CF_WSH: '宁市监罚〔2024〕12号',
  CF_WFXW: '经营超过保质期的食品',
  CF_SY: '经查，当事人于2024/09/01在西宁市城中区长江路12号经营超过保质期的食品。',
  CF_YJ: '依据《中华人民共和国食品安全法》第一百二十四条的规定',
  CF_CFLB: '警告、罚款',
  CF_NR: '警告，罚款人民币2000元',
  CF_NR_FK: '0.2',
  CF_JDRQ: '2024-09-30',
  CF_YXQ: '2024-10-30',
  CF_GSJZQ: '2025-09-30',
  CF_CFJG: '西宁市市场监督管理局',
  CF_CFJGDM: AUTH,
  CF_SJLY: '西宁市市场监督管理局',
  CF_SJLYDM: AUTH,
};

/** Header cells of an item's template plus extra headers. */
function headersOf(item: CatalogItem, extra: string[] = []): string[] {
  return [...compileItem(item).templateFields.map((f) => f.name), ...extra];
}
const cfMapping = matchHeaders(SGS_CF_V2, headersOf(SGS_CF_V2, ['当前状态']));

/** Cells for `mapping` from values by field code. */
function cellsFor(mapping: HeaderMapping, values: Record<string, string>): string[] {
  return mapping.columns.map((c) => (c.field ? (values[c.field] ?? '') : ''));
}

function cf(over: Record<string, string | null> = {}, c: ValidationContext = ctx, meta?: RowSourceMeta): RowResult {
  const v: Record<string, string> = { ...BASE };
  for (const [k, val] of Object.entries(over)) {
    if (val === null) delete v[k];
    else v[k] = val;
  }
  return validateRow(SGS_CF_V2, cfMapping, cellsFor(cfMapping, v), c, meta);
}
const errs = (r: RowResult) => r.errors.map((e) => `${e.field}:${e.code}`);
const warns = (r: RowResult) => r.warnings.map((e) => `${e.field}:${e.code}`);

test('a valid row: normalised values, subject, record key, timeliness', () => {
  const r = cf();
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.ok, true);
  assert.equal(r.values.CF_XDR_LB, '1');
  assert.equal(r.values.CF_CFLB, '01;03');
  assert.equal(r.values.CF_NR_FK, 0.2);
  assert.equal(r.values.CF_JDRQ, '2024-09-30');
  assert.equal(r.values.BZ, null);
  assert.deepEqual(r.subject, { category: '法人及非法人组织', name: '西宁鑫源商贸有限公司', uscc: USCC });
  assert.deepEqual(r.key, { recordType: 'penalty', authorityUscc: AUTH, docNo: '宁市监罚〔2024〕12号', subjectCode: USCC });
  // 国庆: 30 Sep → 8 Oct 2024 is one working day.
  assert.equal(r.workingDays, 1);
  assert.equal(r.late, false);
  assert.equal(r.provisional, false);
  assert.equal(r.withdrawn, false);
});

test('required fields follow the subject category (docs/domain/01-sgs.md §1.4 rule 1)', () => {
  const person = { CF_XDR_LB: '自然人', CF_XDR_SHXYM: null, CF_FRDB: null, CF_XDR_MC: '张三' };
  assert.deepEqual(errs(cf(person)), ['CF_XDR_ZJLX:required_missing', 'CF_XDR_ZJHM:required_missing']);
  const ok = cf({ ...person, CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: ID });
  assert.equal(ok.ok, true);
  assert.deepEqual(ok.subject, { category: '自然人', name: '张三', idNumber: ID, idKind: 'id' });
  assert.equal(ok.key?.subjectCode, ID);
  assert.equal(ok.values.CF_XDR_ZJLX, '01');
  // A natural person with a USCC or a legal representative: warned, not rejected ([M]).
  const extra = cf({ ...person, CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: ID, CF_XDR_SHXYM: USCC, CF_FRDB: '李四' });
  assert.deepEqual(warns(extra), ['CF_XDR_SHXYM:field_should_be_empty', 'CF_FRDB:field_should_be_empty']);
  assert.deepEqual(errs(cf({ CF_FR_ZJLX: '身份证', CF_FR_ZJHM: '630102198513450011' })), ['CF_FR_ZJHM:id_number_invalid']);
  assert.equal(cf({ CF_FR_ZJLX: '护照', CF_FR_ZJHM: 'E12345678' }).ok, true);
  assert.deepEqual(errs(cf({ CF_XDR_SHXYM: null })), ['CF_XDR_SHXYM:required_missing']);
  assert.deepEqual(errs(cf({ CF_FRDB: null })), ['CF_FRDB:required_missing']);
  assert.equal(cf({ CF_XDR_LB: '外星人' }).errors[0].code, 'enum_invalid');
});

test('USCC check and the category ↔ prefix rule (92 = 个体工商户)', () => {
  const bad = cf({ CF_XDR_SHXYM: USCC.slice(0, 17) + (USCC[17] === '0' ? '1' : '0') });
  assert.deepEqual(errs(bad), ['CF_XDR_SHXYM:uscc_invalid']);
  assert.match(bad.errors[0].message, /^「行政相对人代码_1（统一社会信用代码）」“.+”不是有效的统一社会信用代码：/);
  for (const code of lines('uscc_invalid.txt')) assert.equal(cf({ CF_XDR_SHXYM: code }).ok, false, code);
  assert.deepEqual(errs(cf({ CF_XDR_LB: '个体工商户' })), ['CF_XDR_SHXYM:uscc_category_mismatch']);
  assert.deepEqual(errs(cf({ CF_XDR_SHXYM: USCC_92 })), ['CF_XDR_SHXYM:uscc_category_mismatch']);
  assert.equal(cf({ CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: USCC_92 }).ok, true);
  // 个体工商户 without a licence code: allowed when the operator's document number is given (issue 13 case 8).
  assert.equal(cf({ CF_XDR_LB: '个体户', CF_XDR_SHXYM: null, CF_FR_ZJLX: '身份证', CF_FR_ZJHM: ID }).ok, true);
  // Lower case and full width are normalised.
  assert.equal(cf({ CF_XDR_SHXYM: USCC.toLowerCase() }).values.CF_XDR_SHXYM, USCC);
});

test('old codes in the USCC column are routed to their own fields', () => {
  const org = USCC.slice(8, 17);
  const r = cf({ CF_XDR_SHXYM: org.slice(0, 8) + '-' + org[8] });
  assert.equal(r.ok, true, JSON.stringify(r.errors));
  assert.deepEqual(warns(r), ['CF_XDR_SHXYM:legacy_code_routed']);
  assert.equal(r.values.CF_XDR_ZZJG, org);
  assert.equal(r.values.CF_XDR_SHXYM, null);
  assert.equal(r.subject.orgCode, org);
  const first14 = '63010300012345';
  const regno = first14 + regNoCheckDigit(first14);
  const g = cf({ CF_XDR_SHXYM: regno });
  assert.equal(g.values.CF_XDR_GSZC, regno);
  assert.equal(g.subject.regNo, regno);
  // No USCC but an old code in its own column: accepted with a warning (docs/domain/01-sgs.md §1.5).
  const only = cf({ CF_XDR_SHXYM: null, CF_XDR_ZZJG: org });
  assert.deepEqual([only.ok, warns(only)], [true, ['CF_XDR_SHXYM:uscc_missing_legacy_only']]);
  // An org code column is checked on its own and against the USCC's positions 9–17.
  const wrongCheck = org.slice(0, 8) + (org[8] === '0' ? '1' : '0');
  assert.deepEqual(errs(cf({ CF_XDR_ZZJG: wrongCheck })), ['CF_XDR_ZZJG:org_code_invalid']);
  const otherOrg = generateUscc(rng, { prefix: '91', region: '630103' }).slice(8, 17);
  assert.deepEqual(warns(cf({ CF_XDR_ZZJG: otherOrg })), ['CF_XDR_ZZJG:org_code_mismatch']);
});

test('float-damaged codes are named as such (uscc_float_mangled.txt, scientific notation)', () => {
  for (const code of lines('uscc_float_mangled.txt')) {
    assert.deepEqual(errs(cf({ CF_XDR_SHXYM: code })), ['CF_XDR_SHXYM:code_float_damaged'], code);
  }
  assert.deepEqual(errs(cf({ CF_XDR_SHXYM: '9.16301E+17' })), ['CF_XDR_SHXYM:code_float_damaged']);
  assert.deepEqual(errs(cf({ CF_CFJGDM: '1.1630100E+17' })), ['CF_CFJGDM:code_float_damaged']);
  const person = { CF_XDR_LB: '自然人', CF_XDR_SHXYM: null, CF_FRDB: null, CF_XDR_ZJLX: '身份证' };
  assert.deepEqual(errs(cf({ ...person, CF_XDR_ZJHM: '630102198505060000' })), ['CF_XDR_ZJHM:code_float_damaged']);
  assert.deepEqual(errs(cf({ ...person, CF_XDR_ZJHM: '6.30102E+17' })), ['CF_XDR_ZJHM:code_float_damaged']);
  // From a spreadsheet: the cell itself was numeric.
  const col = cfMapping.sources.CF_XDR_SHXYM[0];
  const r = cf({ CF_XDR_SHXYM: '916301001234568000' }, ctx, { numericCols: [col] });
  assert.deepEqual(errs(r), ['CF_XDR_SHXYM:code_numeric_cell']);
  assert.equal(r.errors[0].message, '「行政相对人代码_1（统一社会信用代码）」代码列为数字格式，18 位代码可能已损坏，请将该列设为文本后重新填写');
});

test('the authority USCC is required and valid (docs/domain/01-sgs.md §1.4 rule 3)', () => {
  assert.deepEqual(errs(cf({ CF_CFJGDM: null })), ['CF_CFJGDM:required_missing']);
  assert.deepEqual(errs(cf({ CF_CFJGDM: '11630100MB1234567X' })), ['CF_CFJGDM:authority_uscc_invalid']);
  assert.deepEqual(errs(cf({ CF_SJLYDM: 'X' })), ['CF_SJLYDM:source_uscc_invalid']);
  assert.equal(cf({ CF_CFJGDM: null }).key, undefined);
  assert.deepEqual(warns(cf({ CF_CFJGDM: USCC })), ['CF_CFJGDM:authority_uscc_unusual']);
});

test('dates: common forms accepted and normalised; impossible and future dates refused', () => {
  for (const d of ['2024-09-30', '2024/9/30', '2024.09.30', '20240930', '2024年9月30日', '2024-09-30 00:00:00', '２０２４－０９－３０']) {
    assert.equal(cf({ CF_JDRQ: d }).values.CF_JDRQ, '2024-09-30', d);
  }
  for (const d of ['2024-02-30', '2024/13/1', '30/09/2024', '2024-9', '45565', '二〇二四年']) {
    assert.deepEqual(errs(cf({ CF_JDRQ: d })), ['CF_JDRQ:date_invalid'], d);
  }
  // An Excel serial number only counts when the cell was numeric.
  const col = cfMapping.sources.CF_JDRQ[0];
  assert.equal(cf({ CF_JDRQ: '45565' }, ctx, { numericCols: [col] }).values.CF_JDRQ, '2024-09-30');
  assert.deepEqual(errs(cf({ CF_JDRQ: '2026-12-01' })), ['CF_JDRQ:date_in_future']);
  assert.deepEqual(warns(cf({ CF_YXQ: '2024-09-01' })), ['CF_YXQ:valid_to_before_decision']);
  assert.deepEqual(warns(cf({ CF_GSJZQ: '2024-01-01' })), ['CF_GSJZQ:publicity_end_before_decision']);
});

test('validity: from ≤ to; 2099/12/31 and 长期 mean no expiry', () => {
  const xk = matchHeaders(SGS_XK_V2, headersOf(SGS_XK_V2));
  const base: Record<string, string> = {
    XK_XDR_MC: '西宁鑫源商贸有限公司',
    XK_XDR_LB: '法人及非法人组织',
    XK_XDR_SHXYM: USCC,
    XK_FRDB: '王明',
    XK_XKWS: '食品经营许可决定书',
    XK_WSH: '宁市监许〔2024〕8号',
    XK_XKLB: '普通',
    XK_NR: '准予食品经营许可',
    XK_JDRQ: '2024/09/30',
    XK_YXQZ: '2024/09/30',
    XK_YXQZI: '2099/12/31',
    XK_XKJG: '西宁市市场监督管理局',
    XK_XKJGDM: AUTH,
    XK_ZT: '1',
    XK_LYDW: '西宁市市场监督管理局',
    XK_LYDWDM: AUTH,
  };
  const run = (o: Record<string, string>) => validateRow(SGS_XK_V2, xk, cellsFor(xk, { ...base, ...o }), ctx);
  const ok = run({});
  assert.equal(ok.ok, true, JSON.stringify(ok.errors));
  assert.equal(ok.values.XK_YXQZI, '2099-12-31');
  assert.equal(ok.values.XK_XKLB, '01');
  assert.equal(run({ XK_YXQZI: '长期' }).values.XK_YXQZI, '2099-12-31');
  assert.deepEqual(errs(run({ XK_YXQZI: '2024-09-01' })), ['XK_YXQZI:validity_range']);
  assert.equal(run({ XK_ZT: '无效' }).withdrawn, true);
});

test('amounts in 万元: not negative, ≤ 6 decimals, 罚款 needs an amount', () => {
  assert.deepEqual(errs(cf({ CF_NR_FK: '-0.5' })), ['CF_NR_FK:amount_negative']);
  assert.deepEqual(errs(cf({ CF_NR_FK: '0.1234567' })), ['CF_NR_FK:decimal_precision']);
  assert.deepEqual(errs(cf({ CF_NR_FK: '2000元' })), ['CF_NR_FK:number_invalid']);
  assert.equal(cf({ CF_NR_FK: '1,234.5' }).values.CF_NR_FK, 1234.5);
  assert.deepEqual(errs(cf({ CF_NR_FK: null })), ['CF_NR_FK:required_missing']);
  assert.match(cf({ CF_NR_FK: null }).errors[0].message, /在处罚类别包含“罚款”时必填/);
  assert.deepEqual(warns(cf({ CF_NR_FK: '0' })), ['CF_NR_FK:fine_amount_zero']);
  // Above the fine ceiling too (issue 13, fine_implausible; the engine reads it the same way).
  assert.deepEqual(warns(cf({ CF_NR_FK: '20000' })), ['CF_NR_FK:amount_unit_suspect', 'CF_NR_FK:fine_implausible']);
  assert.equal(cf({ CF_CFLB: '警告', CF_NR_FK: null }).ok, true);
  assert.deepEqual(errs(cf({ CF_CFLB: '没收违法所得、没收非法财物', CF_NR_FK: null })), ['CF_NR_WFFF:required_missing']);
  assert.deepEqual(errs(cf({ CF_CFLB: '吊销许可证件', CF_NR_FK: null })), ['CF_NR_ZKDX:required_missing']);
});

test('处罚类别: multi-valued, both category lists, unknown values refused', () => {
  assert.equal(cf({ CF_CFLB: '罚款;警告' }).values.CF_CFLB, '03;01');
  assert.equal(cf({ CF_CFLB: '罚款，没收违法所得、没收非法财物', CF_NR_WFFF: '0.1' }).values.CF_CFLB, '03;L2');
  assert.equal(cf({ CF_CFLB: '警告、罚款、其他-责令改正' }).values.CF_CFLB, '01;03;99');
  const bad = cf({ CF_CFLB: '罚款、批评教育' });
  assert.deepEqual(errs(bad), ['CF_CFLB:enum_invalid']);
  assert.match(bad.errors[0].message, /“批评教育”不在可选值中/);
});

test('control characters are refused; line breaks only in long-text fields', () => {
  assert.deepEqual(errs(cf({ CF_XDR_MC: '西宁\u0007公司' })), ['CF_XDR_MC:control_char']);
  assert.deepEqual(errs(cf({ CF_XDR_MC: '西宁\n公司' })), ['CF_XDR_MC:control_char']);
  assert.equal(cf({ CF_SY: '第一行\r\n第二行' }).ok, true);
  assert.deepEqual(errs(cf({ CF_SY: '违法\u0085事实' })), ['CF_SY:control_char']);
});

test('no citizen ID number in a publicly visible field (docs/domain/03-publicity.md §3.5)', () => {
  const r = cf({ BZ: `当事人身份证号${ID}，已履行` });
  assert.deepEqual(errs(r), ['BZ:id_number_in_public_field']);
  assert.ok(!r.errors[0].message.includes(ID));
  assert.deepEqual(errs(cf({ CF_SY: `张三（${ID_X.slice(0, 17)}x）无证经营` })), ['CF_SY:id_number_in_public_field']);
  // A USCC or an invalid 18-digit number in text is not an ID number.
  assert.equal(cf({ CF_SY: `当事人统一社会信用代码${USCC}` }).ok, true);
  assert.equal(cf({ CF_SY: '订单号 123456789012345678' }).ok, true);
  // The masked 证件号码 column is where it belongs.
  assert.equal(cf({ CF_XDR_LB: '自然人', CF_XDR_SHXYM: null, CF_FRDB: null, CF_XDR_ZJLX: '01', CF_XDR_ZJHM: ID }).ok, true);
});

test('HTML/script and formula-looking strings are stored verbatim as text', () => {
  const r = cf({ CF_SY: '<script>alert("x")</script><img src=x onerror=1>', CF_NR: '=HYPERLINK("http://evil","点击")', BZ: '@SUM(A1)' });
  assert.equal(r.ok, true);
  assert.equal(r.values.CF_SY, '<script>alert("x")</script><img src=x onerror=1>');
  assert.equal(r.values.CF_NR, '=HYPERLINK("http://evil","点击")');
  assert.equal(r.values.BZ, '@SUM(A1)');
});

test('field lengths', () => {
  const r = cf({ CF_SY: '违'.repeat(2001) });
  assert.deepEqual(errs(r), ['CF_SY:too_long']);
  assert.match(r.errors[0].message, /超过最大长度 2000 字（实际 2001 字）/);
  assert.equal(cf({ CF_SY: '违'.repeat(2000) }).ok, true);
  assert.deepEqual(errs(cf({ CF_XDR_MC: '名'.repeat(201) })), ['CF_XDR_MC:too_long']);
});

test('timeliness: more than 7 working days is 超期上报 — kept, not rejected', () => {
  const late = cf({}, { ...ctx, reportDate: new Date('2024-10-17T02:00:00Z') });
  assert.equal(late.ok, true);
  assert.equal(late.workingDays, 9); // 8–11, 12 (调休), 14–17 October
  assert.equal(late.late, true);
  assert.deepEqual(warns(late), ['CF_JDRQ:late_report']);
  assert.equal(cf({}, { ...ctx, reportDate: new Date('2024-10-17T02:00:00Z'), lateAfterWorkingDays: 10 }).late, false);
  const prov = cf(
    { CF_JDRQ: '2026-12-28', CF_YXQ: '2027-01-28', CF_GSJZQ: '2027-12-28' },
    { ...ctx, today: new Date('2027-01-20T02:00:00Z'), reportDate: new Date('2027-01-20T02:00:00Z') },
  );
  assert.equal(prov.provisional, true);
  assert.equal(prov.late, true);
  assert.match(prov.warnings[0].message, /节假日安排尚未录入/);
});

test('当前状态 = 撤销 marks the row as a withdrawal', () => {
  assert.equal(cf({ CF_ZT: '撤销' }).withdrawn, true);
  assert.equal(cf({ CF_ZT: '2' }).withdrawn, true);
  assert.equal(cf({ CF_ZT: '正常' }).withdrawn, false);
});

test('a v1 (CF_) row: code tables mapped, category derived, authority from the upload context', () => {
  const v1 = SGS_CF_V2.legacyFormats![0].columns.map((c) => c.header);
  const m = matchHeaders(SGS_CF_V2, v1);
  const cell: Record<string, string> = {
    行政处罚决定书文号: '宁环罚〔2018〕5号',
    处罚名称: '超标排放',
    处罚类别1: '1',
    处罚类别2: '0',
    处罚事由: '超标排放大气污染物',
    处罚依据: '《中华人民共和国大气污染防治法》第九十九条',
    行政相对人名称: '张三',
    '行政相对人代码_5（居民身份证号）': ID,
    处罚结果: '罚款人民币5000元',
    处罚决定日期: '2018/06/01',
    处罚机关: '西宁市环境保护局',
    当前状态: '1',
    地方编码: '630100',
  };
  const cells = v1.map((h) => cell[h] ?? '');
  const withCtx = { ...ctx, defaults: { authority_uscc: AUTH, source_name: '西宁市生态环境局', source_uscc: AUTH } };
  const r = validateRow(SGS_CF_V2, m, cells, withCtx);
  assert.deepEqual(r.errors, []);
  assert.equal(r.values.CF_CFLB, '03;01');
  assert.equal(r.values.CF_XDR_LB, '2');
  assert.equal(r.values.CF_XDR_ZJLX, '01');
  assert.equal(r.values.CF_CFJGDM, AUTH);
  assert.equal(r.values.CF_ZT, '2');
  assert.equal(r.withdrawn, true); // v1 当前状态 1 = 撤销
  assert.equal(r.subject.category, '自然人');
  // Without the department's profile the authority USCC is missing.
  assert.deepEqual(errs(validateRow(SGS_CF_V2, m, cells, ctx)), ['CF_CFJGDM:required_missing', 'CF_SJLY:required_missing', 'CF_SJLYDM:required_missing']);
});

test('reader facts: formula cells are noted, row issues become row errors', () => {
  const col = cfMapping.sources.CF_NR[0];
  const f = cf({}, ctx, { formulaCols: [col] });
  assert.deepEqual(warns(f), ['CF_NR:formula_cached_value']);
  const rag = cf({}, ctx, { issues: [{ code: 'row_ragged', severity: 'error', message: '本行有 31 列' }] });
  assert.equal(rag.ok, false);
  assert.deepEqual(rag.errors[0], { field: '', header: '', code: 'row_ragged', message: '本行有 31 列' });
});

test('black list: 移出日期 required once the entry left the list', () => {
  const m = matchHeaders(LIST_BLACK_V1, headersOf(LIST_BLACK_V1));
  const base: Record<string, string> = {
    BL_ZTMC: '西宁鑫源商贸有限公司',
    BL_ZTLB: '法人及非法人组织',
    BL_TYSHXYDM: USCC,
    BL_FDDBR: '王明',
    BL_MDLX: '重大税收违法失信主体',
    BL_LRSY: '虚开增值税专用发票',
    BL_RDYJ: '《重大税收违法失信主体信息公布管理办法》',
    BL_JDWSH: '宁税稽罚〔2024〕3号',
    BL_RDBM: '国家税务总局西宁市税务局',
    BL_RDBMDM: AUTH,
    BL_LRRQ: '2024-05-06',
    BL_ZT: '已移出',
  };
  const r = validateRow(LIST_BLACK_V1, m, cellsFor(m, base), ctx);
  assert.deepEqual(errs(r), ['BL_YCRQ:required_missing']);
  const ok = validateRow(LIST_BLACK_V1, m, cellsFor(m, { ...base, BL_YCRQ: '2025-05-06' }), ctx);
  assert.equal(ok.ok, true, JSON.stringify(ok.errors));
  assert.equal(ok.withdrawn, true);
  assert.equal(ok.key?.recordType, 'black_list');
});

test('helpers: dates, sets, float damage, ID numbers in text', () => {
  assert.ok(Number.isNaN(parseDateCell('2100-01-01', false)));
  assert.equal(parseDateCell('73050', true), parseDateCell('2099-12-31', false));
  const table = compileItem(SGS_CF_V2).enums.get('CF_CFLB')!;
  assert.deepEqual(parseSetValue(table, '暂扣或者吊销许可证、暂扣或者吊销执照；罚款'), { codes: ['L4', '03'], bad: [] });
  assert.deepEqual(parseSetValue(table, '、、警告、'), { codes: ['01'], bad: [] });
  assert.equal(looksFloatDamaged('9.16201E+17'), true);
  assert.equal(looksFloatDamaged('916201055811843000'), true);
  assert.equal(looksFloatDamaged('916201055811843000.0'), true);
  assert.equal(looksFloatDamaged('91620105581184300X'), false);
  assert.equal(looksFloatDamaged('12345'), false);
  assert.equal(findIdNumberInText(`a${ID}b`, ctx.today), null); // glued to letters: not a standalone number
  assert.equal(findIdNumberInText(`号码:${ID}。`, ctx.today), ID);
  assert.equal(findIdNumberInText(`1${ID}`, ctx.today), null);
});

// ------------------------------------------------------------------ issue 13: identifiers and validation cases

const XK_BASE: Record<string, string> = {
  XK_XDR_MC: '西宁鑫源商贸有限公司',
  XK_XDR_LB: '法人及非法人组织',
  XK_XDR_SHXYM: USCC,
  XK_FRDB: '王明',
  XK_XKWS: '食品经营许可决定书',
  XK_WSH: '宁市监许〔2024〕8号',
  XK_XKLB: '普通',
  XK_NR: '准予食品经营许可',
  XK_JDRQ: '2024/09/30',
  XK_YXQZ: '2024/09/30',
  XK_YXQZI: '2029/09/29',
  XK_XKJG: '西宁市市场监督管理局',
  XK_XKJGDM: AUTH,
  XK_ZT: '1',
  XK_LYDW: '西宁市市场监督管理局',
  XK_LYDWDM: AUTH,
};
const xkMapping = matchHeaders(SGS_XK_V2, headersOf(SGS_XK_V2));
const xk = (o: Record<string, string | null> = {}, c: ValidationContext = ctx): RowResult => {
  const v: Record<string, string> = { ...XK_BASE };
  for (const [k, val] of Object.entries(o)) {
    if (val === null) delete v[k];
    else v[k] = val;
  }
  return validateRow(SGS_XK_V2, xkMapping, cellsFor(xkMapping, v), c);
};

test('issue 13 case 1: placeholders are empty in every field, never part of a key', () => {
  // Before: every one of these was accepted as a 文书号 and became part of the record key.
  for (const p of ['-', '/', '无', '暂无', 'null', 'NULL', '—', '－', 'N/A', ' - ']) {
    const r = xk({ XK_WSH: p });
    assert.deepEqual(errs(r), ['XK_WSH:placeholder_as_empty'], p);
    assert.match(r.errors[0].message, new RegExp(`^「.+」填写的“${p.trim().replace(/[/\\-]/g, '\\$&')}”被视为空值，该项为必填项`), p);
    assert.equal(r.values.XK_WSH, null, p);
    assert.equal(r.key, undefined, p);
  }
  // Two licences of one company with 文书号 "-" no longer share a key (there is none).
  assert.equal(xk({ XK_WSH: '-', XK_NR: '准予A' }).key, undefined);
  // Optional fields: the placeholder is dropped, the row passes.
  const opt = cf({ BZ: '暂无' });
  assert.deepEqual([opt.ok, opt.values.BZ], [true, null]);
  // Codes: a placeholder USCC of a company is a missing code, not an invalid one.
  assert.deepEqual(errs(cf({ CF_XDR_SHXYM: '无' })), ['CF_XDR_SHXYM:placeholder_as_empty']);
  // A real value that merely contains a dash is data.
  assert.equal(cf({ CF_WSH: '宁市监罚-2024-12' }).values.CF_WSH, '宁市监罚-2024-12');
});

test('issue 13 case 2: 9999-12-31 and 9999年12月31日 mean 长期 like 2099/12/31', () => {
  // Before: the 9999 spellings were date_invalid.
  for (const d of ['9999年12月31日', '9999-12-31', '9999/12/31', '99991231', '2099/12/31', '长期']) {
    const r = xk({ XK_YXQZI: d });
    assert.deepEqual([r.ok, r.values.XK_YXQZI], [true, '2099-12-31'], d);
  }
  for (const d of ['9999-12-30', '9999-01-01']) assert.deepEqual(errs(xk({ XK_YXQZI: d })), ['XK_YXQZI:date_invalid'], d);
  // Only fields that allow 长期: a 决定日期 of 9999-12-31 stays invalid.
  assert.deepEqual(errs(xk({ XK_JDRQ: '9999-12-31' })), ['XK_JDRQ:date_invalid']);
});

test('issue 13 case 3: decision dates before 1949-10-01 refused, before the floor warned', () => {
  const on = (d: string, c: ValidationContext = ctx) => cf({ CF_JDRQ: d, CF_YXQ: d, CF_GSJZQ: d }, c);
  // Before: 1901-01-01 passed with a late_report of 32456 working days.
  const old = on('1901-01-01');
  assert.deepEqual([errs(old), warns(old)], [['CF_JDRQ:decision_date_implausible'], []]);
  assert.equal(old.workingDays, null);
  assert.deepEqual(errs(on('1949-09-30')), ['CF_JDRQ:decision_date_implausible']);
  const early = on('1999-12-31');
  assert.equal(early.ok, true);
  assert.deepEqual(warns(early).filter((w) => w !== 'CF_JDRQ:late_report'), ['CF_JDRQ:decision_date_early']);
  assert.ok(!warns(on('2000-01-01')).includes('CF_JDRQ:decision_date_early'));
  // The floor is a setting (INGEST_DECISION_DATE_WARN_BEFORE).
  const lower = on('1999-12-31', { ...ctx, decisionDateWarnBefore: '1990-01-01' });
  assert.ok(!warns(lower).includes('CF_JDRQ:decision_date_early'));
  const higher = cf({}, { ...ctx, decisionDateWarnBefore: '2025-01-01' });
  assert.deepEqual(warns(higher), ['CF_JDRQ:decision_date_early']);
});

test('issue 13 case 4: a well-formed USCC with an unknown authority/category pair is kept with a warning', () => {
  // Before: uscc_invalid / authority_uscc_invalid, the row was lost.
  const u54 = generateUscc(rng, { prefix: '54', region: '630103' });
  const r = cf({ CF_XDR_SHXYM: u54 });
  assert.deepEqual([r.ok, errs(r), warns(r)], [true, [], ['CF_XDR_SHXYM:uscc_unknown_category']]);
  assert.equal(r.subject.uscc, u54);
  const auth = generateUscc(rng, { prefix: '14', region: '630100' });
  const a = cf({ CF_CFJGDM: auth, CF_SJLYDM: auth });
  assert.deepEqual([a.ok, warns(a)], [true, ['CF_CFJGDM:uscc_unknown_category', 'CF_SJLYDM:uscc_unknown_category']]);
});

test('issue 13 case 5: cooperative and 13-digit registration numbers are accepted', () => {
  // Before: in the USCC column they were uscc_invalid; in the 注册号 column a cooperative number
  // got regno_check_failed ("invalid_char,invalid_char,invalid_char").
  const coop = '630103NA000123X';
  const routed = cf({ CF_XDR_SHXYM: coop });
  assert.deepEqual([routed.ok, warns(routed)], [true, ['CF_XDR_SHXYM:legacy_code_routed']]);
  assert.equal(routed.subject.regNo, coop);
  const own = cf({ CF_XDR_SHXYM: null, CF_XDR_GSZC: coop });
  assert.deepEqual([own.ok, warns(own)], [true, ['CF_XDR_SHXYM:uscc_missing_legacy_only']]);
  const old13 = cf({ CF_XDR_SHXYM: null, CF_XDR_GSZC: '6301031000123' });
  assert.deepEqual([old13.ok, warns(old13)], [true, ['CF_XDR_GSZC:regno_legacy_format', 'CF_XDR_SHXYM:uscc_missing_legacy_only']]);
  const bad = cf({ CF_XDR_GSZC: '6301031A00B12C3' });
  assert.deepEqual(warns(bad), ['CF_XDR_GSZC:regno_check_failed']);
  assert.equal(bad.warnings[0].message.match(/不合规/g)?.length, 1);
});

test('INGEST_DECISION_DATE_WARN_BEFORE: default 2000-01-01, a later floor allowed, nonsense refused at start-up', () => {
  assert.equal(loadConfig({}).ingestDecisionDateWarnBefore, '2000-01-01');
  assert.equal(loadConfig({ INGEST_DECISION_DATE_WARN_BEFORE: '1990-01-01' }).ingestDecisionDateWarnBefore, '1990-01-01');
  for (const bad of ['1900-01-01', '2000-02-30', '2000/01/01', 'soon']) {
    assert.throws(() => loadConfig({ INGEST_DECISION_DATE_WARN_BEFORE: bad }), (e: unknown) => e instanceof ConfigError, bad);
  }
});

test('issue 13 case 8: a 个体工商户 needs a USCC or the operator\'s document number', () => {
  // Before: the first row passed and got a record key without a subject code.
  const none = cf({ CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: null });
  assert.deepEqual(errs(none), ['CF_XDR_SHXYM:business_identifier_missing']);
  assert.equal(none.ok, false);
  assert.deepEqual(errs(cf({ CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: '-' })), ['CF_XDR_SHXYM:business_identifier_missing']);
  const cases: [Record<string, string | null>, boolean][] = [
    [{ CF_XDR_SHXYM: USCC_92 }, true],
    [{ CF_XDR_SHXYM: null, CF_FR_ZJLX: '身份证', CF_FR_ZJHM: ID }, true],
    [{ CF_XDR_SHXYM: null, CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: ID }, true],
    [{ CF_XDR_SHXYM: null, CF_FR_ZJLX: '护照', CF_FR_ZJHM: 'E12345678' }, true],
  ];
  for (const [o, ok] of cases) {
    const r = cf({ CF_XDR_LB: '个体工商户', ...o });
    assert.equal(r.ok, ok, JSON.stringify([o, r.errors]));
  }
});

test('issue 13 case 6: each document type has its number format; the old 15-character foreigner card is accepted', () => {
  const person = { CF_XDR_LB: '自然人', CF_XDR_SHXYM: null, CF_FRDB: null, CF_XDR_MC: 'John Smith' };
  // [证件类型, 号码, errors]; before issue 13 all of these passed.
  const cases: [string, string, string[]][] = [
    ['外国人永久居留身份证', 'ABC', ['CF_XDR_ZJHM:id_number_invalid']],
    ['外国人永久居留身份证', 'USA110085071501', []],
    ['外国人永久居留身份证', ID, ['CF_XDR_ZJHM:id_number_invalid']],
    ['港澳居民来往内地通行证', '12345678', ['CF_XDR_ZJHM:id_number_invalid']],
    ['港澳居民来往内地通行证', 'H12345678', []],
    ['护照', 'E12345678', []],
  ];
  for (const [type, no, e] of cases) assert.deepEqual(errs(cf({ ...person, CF_XDR_ZJLX: type, CF_XDR_ZJHM: no })), e, `${type} ${no}`);
  assert.match(cf({ ...person, CF_XDR_ZJLX: '外国人永久居留身份证', CF_XDR_ZJHM: 'ABC' }).errors[0].message, /不是有效的“外国人永久居留身份证”号码/);
  // The legal representative's document too.
  assert.deepEqual(errs(cf({ CF_FR_ZJLX: '外国人永久居留身份证', CF_FR_ZJHM: 'ABC' })), ['CF_FR_ZJHM:id_number_invalid']);
});

test('issue 13 case 10: a fine entered in 元 instead of 万元 is flagged fine_unit_suspect', () => {
  // [罚款金额 (万元), 处罚内容, warning expected]; before issue 13 the first row passed silently.
  const cases: [string, string, boolean][] = [
    ['5000', '罚款人民币5000元', true],
    ['5000', '罚款人民币5,000元', true],
    ['0.5', '罚款人民币5000元', false],
    ['0.2', '警告，罚款人民币2000元', false],
    ['5000', '罚款人民币5000万元', false],
    ['5000', '责令改正', false],
  ];
  for (const [amount, text, flagged] of cases) {
    const r = cf({ CF_NR_FK: amount, CF_NR: text });
    assert.equal(r.ok, true, JSON.stringify(r.errors));
    assert.equal(warns(r).includes('CF_NR_FK:fine_unit_suspect'), flagged, `${amount} ${text}`);
  }
});

test('issue 13: an ID number that happens to pass the USCC check under an unknown pair is still an ID number', () => {
  // With unknown pairs accepted, 1 in 31 ID numbers passes isValidUscc: they must not be taken for USCCs.
  let id = '';
  for (let i = 0; i < 10_000 && !id; i++) {
    const c = generateIdNumber(rng, { region: '630102', birth: new Date(Date.UTC(1980, 0, 1) + i * 86_400_000) });
    if (isValidUscc(c) && !isKnownUsccPair(c)) id = c;
  }
  assert.ok(id);
  assert.equal(checkCode(id).kind, 'id');
  assert.equal(findIdNumberInText(`当事人身份证号${id}`, ctx.today), id);
  assert.deepEqual(errs(cf({ BZ: `当事人身份证号${id}` })), ['BZ:id_number_in_public_field']);
  const person = cf({ CF_XDR_LB: '自然人', CF_XDR_SHXYM: id, CF_FRDB: null, CF_XDR_ZJLX: '身份证', CF_XDR_MC: '张三' });
  assert.equal(person.subject.uscc, undefined);
  assert.equal(person.subject.idNumber, id);
});

// ------------------------------------------------------------------ issue 13 (this part): catalogue version 3

const cf3Mapping = matchHeaders(SGS_CF_V2, headersOf(SGS_CF_V2, ['当前状态', '出生日期', '处罚程序']));
const cf3 = (o: Record<string, string | null>): RowResult => {
  const v: Record<string, string> = { ...BASE };
  for (const [k, val] of Object.entries(o)) {
    if (val === null) delete v[k];
    else v[k] = val;
  }
  return validateRow(SGS_CF_V2, cf3Mapping, cellsFor(cf3Mapping, v), ctx);
};
const hmt = (first17: string) => first17 + idCheckChar(first17);

test('issue 13 case 7: 港澳台居民居住证 is a document type (06) with its own number check', () => {
  const person = { CF_XDR_LB: '自然人', CF_XDR_SHXYM: null, CF_FRDB: null, CF_XDR_MC: '陈大文' };
  const hk = hmt('81000019900101001');
  // [证件类型, 号码, stored type, errors]; before issue 13 the type was unknown (enum_invalid).
  const cases: [string, string, string | null, string[]][] = [
    ['港澳台居民居住证', hk, '06', []],
    ['香港居民居住证', hk, '06', []],
    ['港澳台居民居住证', ID, '06', ['CF_XDR_ZJHM:id_number_invalid']],
    ['港澳台居民居住证', 'ABC', '06', ['CF_XDR_ZJHM:id_number_invalid']],
  ];
  for (const [type, no, code, e] of cases) {
    const r = cf({ ...person, CF_XDR_ZJLX: type, CF_XDR_ZJHM: no });
    assert.deepEqual([r.values.CF_XDR_ZJLX, errs(r)], [code, e], `${type} ${no}`);
  }
  assert.match(cf({ ...person, CF_XDR_ZJLX: '港澳台居民居住证', CF_XDR_ZJHM: ID }).errors[0].message, /不是有效的“港澳台居民居住证”号码：港澳台居民居住证号码应为 18 位，以 810000/);
});

test('issue 13 case 6: 出生日期 and age_unconfirmed at ingest; 处罚程序 and 当前状态 4 are stored', () => {
  const person = { CF_XDR_LB: '自然人', CF_XDR_SHXYM: null, CF_FRDB: null, CF_XDR_MC: 'John Smith' };
  // [证件类型, 号码, 出生日期, warning age_unconfirmed]; before: none of these columns was read.
  const cases: [string, string, string | null, boolean][] = [
    ['护照', 'E12345678', null, true],
    ['护照', 'E12345678', '1980-05-01', false],
    ['港澳居民来往内地通行证', 'H12345678', null, true],
    ['外国人永久居留身份证', 'USA110085071501', null, false],
    ['身份证', ID, null, false],
  ];
  for (const [type, no, birth, flagged] of cases) {
    const r = cf3({ ...person, CF_XDR_ZJLX: type, CF_XDR_ZJHM: no, CF_XDR_CSRQ: birth });
    assert.equal(r.ok, true, JSON.stringify(r.errors));
    assert.equal(warns(r).includes('CF_XDR_ZJHM:age_unconfirmed'), flagged, `${type} ${birth}`);
  }
  // An organisation's row is never flagged.
  assert.ok(!warns(cf3({})).includes('CF_XDR_ZJHM:age_unconfirmed'));
  const stored = cf3({ ...person, CF_XDR_ZJLX: '护照', CF_XDR_ZJHM: 'E12345678', CF_XDR_CSRQ: '1980/05/01', CF_CFCX: '简易', CF_ZT: '注销' });
  assert.deepEqual([stored.values.CF_XDR_CSRQ, stored.values.CF_CFCX, stored.values.CF_ZT], ['1980-05-01', '1', '4']);
  // 撤销 is still 无效 and withdraws.
  assert.deepEqual([cf3({ CF_ZT: '撤销' }).values.CF_ZT, cf3({ CF_ZT: '撤销' }).withdrawn, cf3({ CF_ZT: '注销' }).withdrawn], ['2', true, false]);
});

test('issue 13 case 3b: a fine above the ceiling is fine_implausible, whatever the categories; the ceiling comes from the settings', () => {
  // [罚款金额 (万元), 处罚类别, 处罚内容, warnings of CF_NR_FK]
  const cases: [string, string, string, string[]][] = [
    ['2000', '罚款', '责令改正，并处罚款', ['CF_NR_FK:fine_implausible']],
    ['2000', '警告', '警告', ['CF_NR_FK:fine_implausible']],
    ['5000', '警告', '警告，罚款人民币5000元', ['CF_NR_FK:fine_unit_suspect']],
    ['500', '罚款', '罚款人民币5000000元', []],
  ];
  for (const [amount, cat, text, w] of cases) {
    const r = cf({ CF_NR_FK: amount, CF_CFLB: cat, CF_NR: text });
    assert.deepEqual(warns(r).filter((x) => x.startsWith('CF_NR_FK:')), w, `${amount} ${cat} ${text}`);
  }
  const raised = cf({ CF_NR_FK: '2000', CF_CFLB: '罚款', CF_NR: '责令改正' }, { ...ctx, publicity: { ...DEFAULT_SETTINGS, fineCeiling: 3000 } });
  assert.deepEqual(warns(raised), []);
});
