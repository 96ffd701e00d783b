// Row validation for collected records (归集 "质量校验", DOMAIN §1.4). One compiled validator per
// (item, header mapping): a closure per field is built once, and each row then runs plain loops —
// this is on the path of million-row imports, so no regex on the hot path and no allocation
// beyond the result object.
//
// Text is stored as text. HTML/script fragments ("<script>…") and formula-looking strings
// ("=1+1", "+86…", "@x") are NOT errors: they are data, kept verbatim, escaped by whoever renders
// them, and neutralised on spreadsheet export (ARCHITECTURE.md "Files out").
import {
  checkDocumentNumber,
  checkIdNumber,
  checkOrgCode,
  checkRegNo,
  checkUscc,
  isKnownUsccPair,
  isValidUscc,
  type CodeResult,
} from '../codes/index.ts';
import type { CatalogItem, Condition, DataItem, FieldRole, SubjectCategory } from '../catalog/catalog.schemas.ts';
import {
  compileItem,
  conditionCodes,
  enumKey,
  lookupEnum,
  subjectCategoryOf,
} from '../catalog/catalog.model.ts';
import { chinaEpochDay, daysInMonth, epochDayOf, isoOfEpochDay, type WorkCalendar } from '../../platform/workCalendar.ts';
import type { PiiScreenPolicy } from '../../config.ts';
import type { HeaderMapping } from './headers.ts';
import { findPersonalNumbers } from '../../platform/pii.ts';
import { screenPublicField } from './screen.ts';
import type { RowSourceMeta } from './rows.ts';
// The publicity engine's readings: 元 figures in 处罚内容, the 长期 date and 处罚类别 cells (one reading for both).
import { fineUnitSuspectIn, LONG_TERM_ISO, parseSetValue } from '../publicity/index.ts';

export { LONG_TERM_ISO, parseSetValue };

export interface ValidationContext {
  /** "Today" for 决定日期 ≤ today and ID birth dates. */
  today: Date;
  calendar: WorkCalendar;
  /** When the department reported the data (upload time); timeliness runs to this day. */
  reportDate: Date;
  /** Values for roles a legacy file lacks (e.g. authority_uscc from the department profile). */
  defaults?: Partial<Record<FieldRole, string>>;
  /** Working days after which a report is late (default: the item's, else 7 — DOMAIN §1.1). */
  lateAfterWorkingDays?: number;
  /** Amounts (万元) above this raise a unit warning (default 10 000 万元 = 1 亿元). */
  amountWarnAbove?: number;
  /** Personal numbers in public text: reject or warn per kind and field (config INGEST_PII_SCREEN; default DEFAULT_PII_SCREEN). */
  piiScreen?: PiiScreenPolicy;
  /**
   * 决定日期 before this ISO date raise decision_date_early (config INGEST_DECISION_DATE_WARN_BEFORE,
   * default DECISION_DATE_WARN_BEFORE); before 1949-10-01 a decision date is always refused.
   */
  decisionDateWarnBefore?: string;
}

export interface RowIssueOut {
  /** Field code; '' for a row-level issue. */
  field: string;
  /** The header as it appears in the upload (or the catalogue name). */
  header: string;
  code: string;
  message: string;
}

export interface SubjectInfo {
  category: SubjectCategory | null;
  name: string | null;
  uscc?: string;
  orgCode?: string;
  regNo?: string;
  idNumber?: string;
  /** codes-module kind for ID numbers (id, id15, hmt_permit, foreign_permit) or the 证件类型 code. */
  idKind?: string;
}

/** The dedup key (DOMAIN §1.4 rule 7): record type, 文号, 机关 USCC, 相对人 code. */
export interface RecordKey {
  recordType: CatalogItem['recordType'];
  authorityUscc: string;
  docNo: string;
  subjectCode: string | null;
}

export interface RowResult {
  ok: boolean;
  /** Normalised values by field code: text, ISO date, number, enum code, set codes joined by ';'. */
  values: Record<string, string | number | null>;
  errors: readonly RowIssueOut[];
  warnings: readonly RowIssueOut[];
  /** 超期上报: more working days than allowed between decision and report. */
  late: boolean;
  workingDays: number | null;
  /** The working-day count touched a year without a holiday schedule. */
  provisional: boolean;
  /** 当前状态 = 无效/撤销: the record withdraws an earlier one from publicity (DOMAIN §1.4 rule 7). */
  withdrawn: boolean;
  key?: RecordKey;
  subject: SubjectInfo;
}

/** Every row-level code this module can produce, with its severity. */
export const ROW_CODES = {
  required_missing: 'error',
  too_long: 'error',
  control_char: 'error',
  enum_invalid: 'error',
  date_invalid: 'error',
  number_invalid: 'error',
  integer_invalid: 'error',
  amount_negative: 'error',
  decimal_precision: 'error',
  out_of_range: 'error',
  code_numeric_cell: 'error',
  code_float_damaged: 'error',
  uscc_invalid: 'error',
  uscc_category_mismatch: 'error',
  org_code_invalid: 'error',
  id_number_invalid: 'error',
  authority_uscc_invalid: 'error',
  source_uscc_invalid: 'error',
  subject_category_unknown: 'error',
  date_in_future: 'error',
  placeholder_as_empty: 'error',
  business_identifier_missing: 'error',
  decision_date_implausible: 'error',
  validity_range: 'error',
  // The screen's codes (screen.ts): their severity is the default of INGEST_PII_SCREEN, which may change it.
  id_number_in_public_field: 'error',
  bank_card_in_public_field: 'error',
  mobile_in_public_field: 'warning',
  row_ragged: 'error',
  row_bad_quote: 'error',
  cell_too_long: 'error',
  field_should_be_empty: 'warning',
  legacy_code_routed: 'warning',
  uscc_missing_legacy_only: 'warning',
  org_code_mismatch: 'warning',
  regno_check_failed: 'warning',
  regno_legacy_format: 'warning',
  uscc_unknown_category: 'warning',
  decision_date_early: 'warning',
  authority_uscc_unusual: 'warning',
  name_incomplete: 'warning',
  valid_to_before_decision: 'warning',
  publicity_end_before_decision: 'warning',
  removal_before_decision: 'warning',
  fine_amount_zero: 'warning',
  amount_unit_suspect: 'warning',
  fine_unit_suspect: 'warning',
  late_report: 'warning',
  formula_cached_value: 'warning',
  cell_error_value: 'warning',
} as const;
export type RowCode = keyof typeof ROW_CODES;

/**
 * Warnings of accepted rows that the receipt lists per code (issue 13), besides the personal-data
 * screen's: records kept on trust that the department should confirm.
 */
export const RECEIPT_ROW_WARNINGS: readonly RowCode[] = [
  'decision_date_early',
  'uscc_unknown_category',
  'regno_legacy_format',
  'fine_unit_suspect',
];

const LONG_TERM_DAY = epochDayOf(2099, 12, 31);
const LONG_TERM_WORDS = new Set(['长期', '长期有效', '永久', '永久有效', '无期限', '不限期']);
/** Founding of the PRC: no administrative decision of this platform's kind can be older. */
const EARLIEST_DECISION_DAY = epochDayOf(1949, 10, 1);
/** Default of INGEST_DECISION_DATE_WARN_BEFORE: older decisions are possible but worth a look. */
export const DECISION_DATE_WARN_BEFORE = '2000-01-01';
/**
 * What real files write for "unknown" (issue 13). Such a cell is empty in every field: a required
 * field is then missing, and no record key is ever built from one.
 */
export const PLACEHOLDERS: ReadonlySet<string> = new Set([
  '-', '--', '/', '\\', '—', '——', '－', '／', '无', '暂无', '空', 'null', 'NULL', 'Null', 'N/A', 'n/a', 'NA', 'none', 'None', 'NONE',
]);
/** True when a trimmed cell is a placeholder; the length test keeps the set lookup off long cells. */
function isPlaceholder(raw: string): boolean {
  return raw.length <= 4 && PLACEHOLDERS.has(raw);
}
const EXCEL_EPOCH_OFFSET = 25569; // serial of 1970-01-01 in Excel's 1900 date system
const MAX_SERIAL = 73050; // 2099-12-31
const EMPTY: readonly RowIssueOut[] = Object.freeze([]);
const CACHE_LIMIT = 20_000;

type Value = string | number | null;

/** Per-row scratch state shared by the field steps (reset, not reallocated, per row). */
interface Scratch {
  values: Record<string, Value>;
  errors: RowIssueOut[] | null;
  warnings: RowIssueOut[] | null;
  /** Fields that already have an error (no required_missing on top). */
  failed: Set<string>;
  /** Set fields' codes, for conditions. */
  sets: Map<string, string[]>;
  numeric: readonly number[] | null;
  formula: readonly number[] | null;
  /** Placeholder text seen per field this row (null when none: the common case allocates nothing). */
  placeholders: Map<string, string> | null;
}

interface FieldPlan {
  f: DataItem;
  header: string;
  cols: number[];
  valueMaps: (Readonly<Record<string, string>> | undefined)[];
  parse: (raw: string, numericCell: boolean, s: Scratch) => void;
}

/** A compiled validator for one item and one header mapping. */
export type RowValidator = (cells: readonly string[], ctx: ValidationContext, meta?: RowSourceMeta) => RowResult;

const validatorCache = new WeakMap<HeaderMapping, RowValidator>();

/**
 * Validates one row (DOMAIN §1.4): types, lengths, enumerations, required-by-category, subject
 * identifiers, authority USCC, date logic, amounts, personal data in public fields, timeliness.
 * The compiled validator is cached per mapping; pass the reader's row as `meta` to get
 * spreadsheet-specific checks (numeric code cells, Excel date serials, formulas, row issues).
 */
export function validateRow(
  item: CatalogItem,
  mapping: HeaderMapping,
  cells: readonly string[],
  ctx: ValidationContext,
  meta?: RowSourceMeta,
): RowResult {
  let v = validatorCache.get(mapping);
  if (!v) {
    v = compileRowValidator(item, mapping);
    validatorCache.set(mapping, v);
  }
  return v(cells, ctx, meta);
}

// ------------------------------------------------------------------ small fast helpers

/** Trims ASCII/Unicode whitespace (String.prototype.trim covers U+3000, U+00A0, U+FEFF). */
function clean(s: string | undefined): string {
  if (s === undefined || s === '') return '';
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(s.length - 1);
  return c0 > 0x20 && c0 < 0x7f && c1 > 0x20 && c1 < 0x7f ? s : s.trim();
}

/** Index of the first control character (C0 except allowed TAB/LF/CR, DEL, C1), or -1. */
function findControl(s: string, multiline: boolean): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (multiline && (c === 9 || c === 10 || c === 13)) continue;
      return i;
    }
    if (c >= 0x7f && c <= 0x9f) return i;
  }
  return -1;
}

/** Folds full-width ASCII (U+FF01–FF5E) to half-width and a–z to A–Z, for codes. */
function codeNormalize(s: string): string {
  let need = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0xff01 && c <= 0xff5e) || c === 0x3000) {
      need = true;
      break;
    }
  }
  if (!need) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) c = 0x20;
    if (c >= 0x61 && c <= 0x7a) c -= 32;
    out += String.fromCharCode(c);
  }
  return out.trim();
}

/**
 * True when a code looks like a spreadsheet turned it into a float: scientific notation
 * (9.16301E+17), a trailing ".0", or 15+ digits ending in "000" (uscc_float_mangled.txt).
 * Callers only ask after the code failed its own check.
 */
export function looksFloatDamaged(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  let digits = 0;
  let dot = -1;
  let exp = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dot === -1 && exp === -1) dot = i;
    else if ((c === 69 || c === 101) && exp === -1 && i > 0) exp = i;
    else if ((c === 43 || c === 45) && i === exp + 1) continue;
    else return false;
  }
  if (exp !== -1) return digits >= 2; // 9.16301E+17
  if (dot !== -1) {
    // 916301001234567000.0 or 9163010012345670.00
    for (let i = dot + 1; i < n; i++) if (s.charCodeAt(i) !== 48) return false;
    return dot >= 9;
  }
  return n >= 15 && s.endsWith('000');
}

/** Reads up to `max` ASCII digits of s from `at`; returns value * 16 + digit count (0 digits → -1). */
function readDigits(s: string, at: number, max: number): number {
  let v = 0;
  let k = 0;
  while (k < max && at + k < s.length) {
    const c = s.charCodeAt(at + k);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    k++;
  }
  return k === 0 ? -1 : v * 16 + k;
}

/**
 * Parses a date cell into an epoch day (NaN when invalid). Accepts 2024-01-05, 2024/1/5,
 * 2024.1.5, 2024年1月5日, 20240105, an optional time part, full-width digits, and — only from
 * numeric spreadsheet cells — Excel serial numbers.
 */
export function parseDateCell(raw: string, numericCell: boolean): number {
  if (numericCell) {
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 1 && n <= MAX_SERIAL) return Math.floor(n) - EXCEL_EPOCH_OFFSET;
  }
  let s = raw;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) {
      s = s.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
      break;
    }
  }
  const n = s.length;
  const yr = readDigits(s, 0, 4);
  if (yr < 0 || (yr & 15) !== 4) return NaN;
  const y = yr >> 4;
  let i: number;
  let m: number;
  let d: number;
  const sep = s.charCodeAt(4);
  if (sep >= 48 && sep <= 57) {
    // YYYYMMDD
    const mr = readDigits(s, 4, 2);
    const dr = readDigits(s, 6, 2);
    if ((mr & 15) !== 2 || dr < 0 || (dr & 15) !== 2) return NaN;
    m = mr >> 4;
    d = dr >> 4;
    i = 8;
  } else {
    if (sep !== 45 && sep !== 47 && sep !== 46 && sep !== 0x5e74 /* 年 */) return NaN;
    const mr = readDigits(s, 5, 2);
    if (mr < 0) return NaN;
    m = mr >> 4;
    i = 5 + (mr & 15);
    const sep2 = s.charCodeAt(i);
    if (sep2 !== sep && !(sep === 0x5e74 && sep2 === 0x6708 /* 月 */)) return NaN;
    const dr = readDigits(s, i + 1, 2);
    if (dr < 0) return NaN;
    d = dr >> 4;
    i += 1 + (dr & 15);
    if (sep === 0x5e74 && s.charCodeAt(i) === 0x65e5 /* 日 */) i++;
  }
  if (i < n) {
    // Allow a time part: "2024-01-05 00:00:00", "2024-01-05T08:00".
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 84) return NaN;
    for (let k = i + 1; k < n; k++) {
      const t = s.charCodeAt(k);
      if (!((t >= 48 && t <= 57) || t === 58 || t === 46 || t === 32 || t === 90 || t === 43 || t === 45)) return NaN;
    }
  }
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
  return epochDayOf(y, m, d);
}

/** Parses a decimal number; null when malformed. Accepts thousands separators and full-width digits. */
function parseNumber(raw: string, numericCell: boolean): { value: number; decimals: number } | null {
  if (numericCell) {
    const v = Number(raw);
    if (!Number.isFinite(v)) return null;
    const dot = raw.indexOf('.');
    return { value: v, decimals: dot === -1 || raw.includes('e') ? 0 : raw.length - dot - 1 };
  }
  // Fast path: plain ASCII digits with at most one dot (almost every cell).
  let dot = -1;
  let plain = raw.length > 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 46 && dot === -1 && i > 0) dot = i;
    else if (c < 48 || c > 57) {
      plain = false;
      break;
    }
  }
  if (plain && dot !== raw.length - 1) return { value: Number(raw), decimals: dot === -1 ? 0 : raw.length - dot - 1 };
  let s = '';
  let decimals = -1;
  let digits = 0;
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (c >= 0xff10 && c <= 0xff19) c -= 0xfee0;
    else if (c === 0xff0e) c = 46;
    else if (c === 0xff0c) c = 44;
    else if (c === 0xff0d) c = 45;
    if (c >= 48 && c <= 57) {
      s += String.fromCharCode(c);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals === -1) {
      s += '.';
      decimals = 0;
    } else if (c === 44 && decimals === -1 && digits > 0) {
      continue; // thousands separator
    } else if ((c === 45 || c === 43) && s === '') {
      if (c === 45) s = '-';
    } else {
      return null;
    }
  }
  if (digits === 0) return null;
  return { value: Number(s), decimals: decimals < 0 ? 0 : decimals };
}

/** Finds a citizen ID number inside free text (half- or full-width digits, grouped or not; see src/platform/pii.ts). */
export function findIdNumberInText(s: string, today: Date): string | null {
  return findPersonalNumbers(s, { today }).find((p) => p.kind === 'id')?.value ?? null;
}

function firstError(r: CodeResult): string {
  const e = r.reasons.find((x) => x.severity === 'error');
  return e ? e.message : '格式不正确';
}

function bounded<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= CACHE_LIMIT) m.clear();
  m.set(k, v);
  return v;
}

// ------------------------------------------------------------------ compile

/** Builds the validator for an item and a header mapping (see validateRow). */
export function compileRowValidator(item: CatalogItem, mapping: HeaderMapping): RowValidator {
  const c = compileItem(item);
  const relax = new Set(mapping.relaxRequired);
  const fromContext = new Set(mapping.fromContext);
  const role = (r: FieldRole) => c.byRole.get(r);
  const headerOf = (code: string) => {
    const cols = mapping.sources[code];
    return cols?.length ? mapping.columns[cols[0]].header : (c.byCode.get(code)?.name ?? code);
  };
  const colToField = new Map<number, string>();
  for (const col of mapping.columns) if (col.field) colToField.set(col.index, col.field);

  const issue = (s: Scratch, kind: 'errors' | 'warnings', field: string, code: RowCode, message: string) => {
    const header = field ? headerOf(field) : '';
    const list = (s[kind] ??= []);
    list.push({ field, header, code, message: header ? `「${header}」${message}` : message });
    if (kind === 'errors' && field) s.failed.add(field);
  };
  const err = (s: Scratch, field: string, code: RowCode, message: string) => issue(s, 'errors', field, code, message);
  const warn = (s: Scratch, field: string, code: RowCode, message: string) => issue(s, 'warnings', field, code, message);

  // --- per-field parse closures
  const plans: FieldPlan[] = item.items.map((f) => {
    const cols = mapping.sources[f.code] ?? [];
    const valueMaps = cols.map((i) => mapping.columns[i].valueMap);
    return { f, header: headerOf(f.code), cols, valueMaps, parse: makeParser(f) };
  });

  function makeParser(f: DataItem): FieldPlan['parse'] {
    const code = f.code;
    const multiline = f.multiline === true;
    const maxLen = f.maxLength ?? Infinity;
    const checkControl = (raw: string, s: Scratch): boolean => {
      const at = findControl(raw, multiline);
      if (at < 0) return true;
      const cp = raw.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
      err(s, code, 'control_char', `第 ${at + 1} 个字符为控制字符 U+${cp}，请删除后重新填写`);
      return false;
    };
    switch (f.type) {
      case 'string':
        if (f.codeKind) {
          return (raw, numericCell, s) => {
            if (!checkControl(raw, s)) return;
            if (numericCell) {
              err(s, code, 'code_numeric_cell', '代码列为数字格式，18 位代码可能已损坏，请将该列设为文本后重新填写');
              return;
            }
            const v = codeNormalize(raw);
            if ((f.codeKind === 'tax' || f.codeKind === 'cert') && v.length > maxLen) {
              err(s, code, 'too_long', `超过最大长度 ${maxLen} 位（实际 ${v.length} 位）`);
              return;
            }
            s.values[code] = v; // identity checks run after all fields are parsed
          };
        }
        return (raw, _n, s) => {
          if (!checkControl(raw, s)) return;
          if (raw.length > maxLen) {
            err(s, code, 'too_long', `超过最大长度 ${maxLen} 字（实际 ${raw.length} 字）`);
            return;
          }
          s.values[code] = raw;
        };
      case 'date': {
        const longTerm = f.longTermAllowed === true;
        return (raw, numericCell, s) => {
          if (!checkControl(raw, s)) return;
          if (longTerm && raw.charCodeAt(0) > 0x7f && LONG_TERM_WORDS.has(raw)) {
            s.values[code] = LONG_TERM_ISO;
            return;
          }
          // 9999-12-31 / 9999年12月31日: many systems' spelling of 长期, as the standard's 2099-12-31.
          if (longTerm && raw.charCodeAt(0) === 57 && raw.startsWith('9999') && parseDateCell('2099' + raw.slice(4), false) === LONG_TERM_DAY) {
            s.values[code] = LONG_TERM_ISO;
            return;
          }
          const day = parseDateCell(raw, numericCell);
          if (Number.isNaN(day)) {
            err(s, code, 'date_invalid', `“${raw}”不是有效日期，请按 YYYY-MM-DD 或 YYYY/MM/DD 填写`);
            return;
          }
          s.values[code] = isoOfEpochDay(day);
        };
      }
      case 'integer':
      case 'decimal': {
        const isInt = f.type === 'integer';
        const maxDec = isInt ? 0 : (f.decimals ?? 6);
        return (raw, numericCell, s) => {
          const p = parseNumber(raw, numericCell);
          if (!p) {
            err(s, code, isInt ? 'integer_invalid' : 'number_invalid', `“${raw}”不是有效数字${f.role === 'amount' || f.role === 'confiscation_amount' ? '（金额只填数字，单位为万元）' : ''}`);
            return;
          }
          if (f.min !== undefined && p.value < f.min) {
            if (f.min === 0) err(s, code, 'amount_negative', `不能为负数（${raw}）`);
            else err(s, code, 'out_of_range', `不能小于 ${f.min}（${raw}）`);
            return;
          }
          if (f.max !== undefined && p.value > f.max) {
            err(s, code, 'out_of_range', `不能大于 ${f.max}（${raw}）`);
            return;
          }
          if (p.decimals > maxDec) {
            if (isInt) err(s, code, 'integer_invalid', `应为整数（${raw}）`);
            else err(s, code, 'decimal_precision', `最多 ${maxDec} 位小数（${raw}）`);
            return;
          }
          s.values[code] = p.value;
        };
      }
      case 'enum': {
        const table = c.enums.get(code)!;
        const cache = new Map<string, string | null>();
        const allowed = table.values.map((v) => `${v.code} ${v.label}`).join('、');
        return (raw, _n, s) => {
          let hit = cache.get(raw);
          if (hit === undefined) hit = bounded(cache, raw, lookupEnum(table, raw) ?? null);
          if (hit === null) {
            err(s, code, 'enum_invalid', `“${raw}”不在可选值中（可填：${allowed}）`);
            return;
          }
          s.values[code] = hit;
        };
      }
      case 'set': {
        const table = c.enums.get(code)!;
        const cache = new Map<string, { codes: string[]; bad: string[] }>();
        return (raw, _n, s) => {
          if (raw.length > maxLen) {
            err(s, code, 'too_long', `超过最大长度 ${maxLen} 字（实际 ${raw.length} 字）`);
            return;
          }
          let r = cache.get(raw);
          if (r === undefined) r = bounded(cache, raw, parseSetValue(table, raw));
          if (r.bad.length) {
            err(s, code, 'enum_invalid', `${r.bad.map((b) => `“${b}”`).join('、')}不在可选值中（可填：${table.values.map((v) => v.label).join('、')}）`);
            return;
          }
          if (r.codes.length === 0) return;
          s.values[code] = r.codes.join(';');
          s.sets.set(code, r.codes);
        };
      }
    }
  }

  // --- conditions (required-when, empty-when), resolved to codes once
  type CompiledCond = (s: Scratch) => boolean;
  const compileCond = (cond: Condition): CompiledCond => {
    const codes = conditionCodes(c, cond);
    const other = c.byCode.get(cond.field)!;
    if (other.type === 'set') {
      return (s) => {
        const set = s.sets.get(cond.field);
        return set !== undefined && codes.some((x) => set.includes(x));
      };
    }
    return (s) => {
      const v = s.values[cond.field];
      return v !== null && codes.includes(String(v));
    };
  };
  const requiredChecks: { code: string; when: CompiledCond | null }[] = [];
  const emptyChecks: { code: string; when: CompiledCond; text: string }[] = [];
  for (const f of item.items) {
    if (relax.has(f.code)) {
      // The legacy format never had this field (DOMAIN §1.2).
    } else if (f.required === 'always') requiredChecks.push({ code: f.code, when: null });
    else if (typeof f.required === 'object') requiredChecks.push({ code: f.code, when: compileCond(f.required.when) });
    if (f.emptyWhen) {
      const other = c.byCode.get(f.emptyWhen.field)!;
      const label = conditionCodes(c, f.emptyWhen)
        .map((x) => c.enums.get(other.code)?.byCode.get(x)?.label ?? x)
        .join('或');
      emptyChecks.push({ code: f.code, when: compileCond(f.emptyWhen), text: `${other.name}为“${label}”时不应填写` });
    }
  }
  const requiredText = (code: string): string => {
    const f = c.byCode.get(code)!;
    if (typeof f.required !== 'object') return '为必填项，不能为空';
    const other = c.byCode.get(f.required.when.field)!;
    const label = conditionCodes(c, f.required.when)
      .map((x) => c.enums.get(other.code)?.byCode.get(x)?.label ?? x)
      .join('或');
    return other.type === 'set' ? `在${other.name}包含“${label}”时必填` : `在${other.name}为“${label}”时必填`;
  };
  const requiredMsg = new Map(requiredChecks.map((r) => [r.code, requiredText(r.code)]));

  // --- roles used by cross-field rules
  const fCat = role('subject_category');
  const fName = role('subject_name');
  const fUscc = role('subject_uscc');
  const fOrg = role('subject_org_code');
  const fRegno = role('subject_regno');
  const fIdType = role('subject_id_type');
  const fId = role('subject_id_number');
  const fRepIdType = role('legal_rep_id_type');
  const fRepId = role('legal_rep_id_number');
  const fAuthUscc = role('authority_uscc');
  const fSrcUscc = role('source_uscc');
  const fDoc = role('doc_no');
  const fDecision = role('decision_date');
  const fFrom = role('valid_from');
  const fTo = role('valid_to');
  const fPubEnd = role('publicity_end');
  const fRemoval = role('removal_date');
  const fAmount = role('amount');
  const fConfiscation = role('confiscation_amount');
  const fPenalty = role('penalty_categories');
  const fContent = role('content');
  const fStatus = role('status');
  const amountFields = [fAmount, fConfiscation].filter((f): f is DataItem => f !== undefined);
  const FINE = fPenalty ? lookupEnum(c.enums.get(fPenalty.code)!, '罚款') : undefined;
  const catCode = (label: SubjectCategory): string | undefined =>
    fCat ? lookupEnum(c.enums.get(fCat.code)!, label) : undefined;
  const CAT_LEGAL = catCode('法人及非法人组织');
  const CAT_PERSON = catCode('自然人');
  const CAT_BUSINESS = catCode('个体工商户');
  const ID_TYPE_CARD = '01'; // 身份证 in ID_TYPE_ENUM
  const withdrawnCodes = new Set(
    fStatus ? [lookupEnum(c.enums.get(fStatus.code)!, '无效'), lookupEnum(c.enums.get(fStatus.code)!, '已移出')].filter((x): x is string => !!x) : [],
  );
  // Authority / source USCC verdicts repeat across a file: cache them.
  const orgUsccCache = new Map<string, string | null>();

  // Public, unmasked text fields that must not carry a natural person's ID number (DOMAIN §3.5).
  const ID_ROLES: ReadonlySet<string> = new Set(['subject_id_number', 'legal_rep_id_number', 'subject_uscc', 'authority_uscc', 'source_uscc']);
  const publicText = item.items.filter(
    (f) => f.type === 'string' && f.visibility === '社会公开' && !f.masked && !(f.role && ID_ROLES.has(f.role)),
  );
  // Fields that hold the record's own number (文书号, 许可编号): see ScreenContext.identifierField.
  const publicTextIsIdentifier = publicText.map((f) => f.role === 'doc_no' || /编号|证号|文号/.test(f.name));

  const derivations = mapping.derive;
  const legacy = mapping.format.legacy;
  const recordType = item.recordType;
  // Every row's values start as a copy of this (same shape each time: cheap to clone and to read).
  const blankValues: Record<string, Value> = {};
  for (const f of item.items) blankValues[f.code] = null;

  function checkOrgUscc(s: Scratch, f: DataItem, code: RowCode) {
    const v = s.values[f.code];
    if (v === null || typeof v !== 'string') return;
    let verdict = orgUsccCache.get(v);
    if (verdict === undefined) {
      verdict = isValidUscc(v) ? null : looksFloatDamaged(v) ? '\u0000float' : firstError(checkUscc(v));
      bounded(orgUsccCache, v, verdict);
    }
    if (verdict === null) {
      if (!isKnownUsccPair(v)) warnUnknownPair(s, f, v);
      else if (f.role === 'authority_uscc' && v.charCodeAt(0) !== 49 /* '1' */) {
        warn(s, f.code, 'authority_uscc_unusual', `机关的统一社会信用代码通常以“1”（机构编制部门登记）开头，实际为“${v.slice(0, 2)}”，请核实`);
      }
      return;
    }
    s.values[f.code] = null;
    if (verdict === '\u0000float') {
      err(s, f.code, 'code_float_damaged', `“${v}”疑似被电子表格按数字处理而损坏（末尾变为 000 或科学计数法），请将该列设为文本后重新填写`);
    } else {
      err(s, f.code, code, `“${v}”不是有效的统一社会信用代码：${verdict}`);
    }
  }

  /** A well-formed USCC whose first two characters our GB 32100 table lacks: kept, flagged (issue 13). */
  function warnUnknownPair(s: Scratch, f: DataItem, v: string) {
    warn(s, f.code, 'uscc_unknown_category', `“${v}”第 1–2 位“${v.slice(0, 2)}”不在平台的登记管理部门和机构类别代码表中，代码校验通过，予以接受，请核实`);
  }

  function checkIdField(s: Scratch, f: DataItem, typeField: DataItem | undefined, today: Date): { value: string; kind: string } | null {
    const v = s.values[f.code];
    if (v === null || typeof v !== 'string') return null;
    const type = typeField ? (s.values[typeField.code] as string | null) : null;
    const isCard = type === ID_TYPE_CARD || (type === null && (v.length === 18 || v.length === 15));
    if (!isCard) {
      // Each document type has its own number shape (issue 13): a type 05 with "ABC" is refused.
      if (type !== null) {
        const d = checkDocumentNumber(type, v, { today });
        if (d.verdict === 'invalid') {
          s.values[f.code] = null;
          const label = typeField ? (c.enums.get(typeField.code)?.byCode.get(type)?.label ?? type) : type;
          err(s, f.code, 'id_number_invalid', `不是有效的“${label}”号码：${firstError(d)}`);
          return null;
        }
        s.values[f.code] = d.normalized;
      }
      return { value: s.values[f.code] as string, kind: type ?? 'other' };
    }
    const r = checkIdNumber(v, { today });
    if (r.verdict === 'invalid') {
      s.values[f.code] = null;
      if (looksFloatDamaged(v)) {
        err(s, f.code, 'code_float_damaged', `“${v}”疑似被电子表格按数字处理而损坏（末尾变为 000 或科学计数法），请将该列设为文本后重新填写`);
      } else {
        err(s, f.code, 'id_number_invalid', `不是有效的身份证号码：${firstError(r)}`);
      }
      return null;
    }
    s.values[f.code] = r.normalized;
    return { value: r.normalized, kind: r.kind };
  }

  // One scratch per validator, reset per row: validation is synchronous, so it is never shared.
  const s: Scratch = {
    values: {},
    errors: null,
    warnings: null,
    failed: new Set(),
    sets: new Map(),
    numeric: null,
    formula: null,
    placeholders: null,
  };
  const dayOf = (values: Record<string, Value>, f: DataItem | undefined): number => {
    const v = f ? values[f.code] : null;
    return typeof v === 'string' ? parseIsoFast(v) : NaN;
  };

  // ------------------------------------------------------------------ the row function
  return function validate(cells, ctx, meta) {
    const values: Record<string, Value> = { ...blankValues };
    s.values = values;
    s.errors = null;
    s.warnings = null;
    s.failed.clear();
    s.sets.clear();
    s.numeric = meta?.numericCols?.length ? meta.numericCols : null;
    s.formula = meta?.formulaCols?.length ? meta.formulaCols : null;
    s.placeholders = null;

    // Row-level issues from the reader. A structurally broken row (ragged, bad quotes) has
    // misaligned cells: its field checks would only add noise, so it reports just that.
    if (meta?.issues) {
      let structural = false;
      for (const is of meta.issues) {
        const field = is.column !== undefined ? (colToField.get(is.column) ?? '') : '';
        issue(s, is.severity === 'error' ? 'errors' : 'warnings', field, is.code, is.message);
        if (is.code === 'row_ragged' || is.code === 'row_bad_quote') structural = true;
      }
      if (structural) {
        return {
          ok: false,
          values,
          errors: s.errors ?? EMPTY,
          warnings: s.warnings ?? EMPTY,
          late: false,
          workingDays: null,
          provisional: false,
          withdrawn: false,
          subject: { category: null, name: null },
        };
      }
    }

    // 1. Parse every mapped field.
    for (let p = 0; p < plans.length; p++) {
      const plan = plans[p];
      const cols = plan.cols;
      let raw: string;
      let numericCell = false;
      if (cols.length === 1) {
        raw = clean(cells[cols[0]]);
        if (raw !== '' && isPlaceholder(raw)) {
          (s.placeholders ??= new Map()).set(plan.f.code, raw);
          raw = '';
        }
        numericCell = s.numeric !== null && s.numeric.includes(cols[0]);
        const vm = plan.valueMaps[0];
        if (vm && raw !== '') raw = mapLegacy(vm, raw, plan.f.type === 'set');
        if (s.formula !== null && s.formula.includes(cols[0]) && raw !== '') {
          warn(s, plan.f.code, 'formula_cached_value', '该单元格为公式，已按其计算结果作为文本保存（不执行公式）');
        }
      } else if (cols.length === 0) {
        const r = plan.f.role;
        raw = r && legacy && fromContext.has(r) ? clean(ctx.defaults?.[r]) : '';
      } else {
        // Legacy: several columns feed one set field (处罚类别1 + 处罚类别2).
        raw = '';
        for (let k = 0; k < cols.length; k++) {
          let piece = clean(cells[cols[k]]);
          if (piece === '' || isPlaceholder(piece)) continue;
          const vm = plan.valueMaps[k];
          if (vm) piece = mapLegacy(vm, piece, true);
          raw = raw === '' ? piece : raw + ';' + piece;
        }
      }
      if (raw !== '') plan.parse(raw, numericCell, s);
    }

    // 2. Legacy derivations (fill only what is still empty).
    if (derivations.length) {
      for (const d of derivations) {
        if (values[d.field] !== null) continue;
        if (d.kind === 'constant') {
          if (!d.whenFilled || values[d.whenFilled] !== null) values[d.field] = d.value;
        } else if (d.kind === 'copy') {
          values[d.field] = values[d.from];
        } else {
          const uscc = fUscc ? values[fUscc.code] : null;
          const id = fId ? values[fId.code] : null;
          const other = (fOrg && values[fOrg.code]) || (fRegno && values[fRegno.code]);
          let code: string | undefined;
          if (typeof uscc === 'string') code = uscc.startsWith('92') ? CAT_BUSINESS : CAT_LEGAL;
          else if (id !== null) code = CAT_PERSON;
          else if (other) code = CAT_LEGAL;
          if (code) values[d.field] = code;
          else err(s, d.field, 'subject_category_unknown', '无法根据代码判断行政相对人类别，请填写统一社会信用代码或证件号码');
        }
      }
    }
    const cat = fCat ? (values[fCat.code] as string | null) : null;
    const category = subjectCategoryOf(c, cat);

    // 3. Subject identifiers (DOMAIN §1.4 rules 1–2, §1.5).
    const subject: SubjectInfo = { category, name: fName ? (values[fName.code] as string | null) : null };
    if (subject.name && category !== '自然人' && nameLooksMasked(subject.name)) {
      warn(s, fName!.code, 'name_incomplete', '名称疑似被缩写或用“*”“某”遮盖，请填写全称');
    }
    let legacyOnly = false;
    if (fOrg) {
      const v = values[fOrg.code];
      if (typeof v === 'string') {
        const r = checkOrgCode(v);
        if (r.verdict === 'invalid') {
          values[fOrg.code] = null;
          err(s, fOrg.code, 'org_code_invalid', `“${v}”不是有效的组织机构代码：${firstError(r)}`);
        } else {
          values[fOrg.code] = (r.parsed?.body as string) + (r.parsed?.checkChar as string);
          subject.orgCode = values[fOrg.code] as string;
        }
      }
    }
    if (fRegno) {
      const v = values[fRegno.code];
      if (typeof v === 'string') {
        subject.regNo = v;
        const r = checkRegNo(v);
        if (r.verdict === 'invalid') {
          warn(s, fRegno.code, 'regno_check_failed', `“${v}”不是有效的工商注册号：${firstError(r)}，请核实`);
        } else if (r.parsed?.format === 'gs13') {
          warn(s, fRegno.code, 'regno_legacy_format', `“${v}”是 2007 年以前的 13 位工商注册号，无校验位，请补充统一社会信用代码`);
        }
      }
    }
    if (fUscc) {
      const v = values[fUscc.code];
      if (typeof v === 'string') {
        if (isValidUscc(v) && (isKnownUsccPair(v) || !isIdShaped(v) || checkIdNumber(v, { today: ctx.today }).verdict === 'invalid')) {
          subject.uscc = v;
          if (!isKnownUsccPair(v)) warnUnknownPair(s, fUscc, v);
          // Category ↔ prefix (DOMAIN §1.4 rule 1): 92 is the 个体工商户 code.
          if (category === '个体工商户' && !v.startsWith('92')) {
            err(s, fUscc.code, 'uscc_category_mismatch', `个体工商户的统一社会信用代码应以“92”开头，实际为“${v.slice(0, 2)}”`);
          } else if (category === '法人及非法人组织' && v.startsWith('92')) {
            err(s, fUscc.code, 'uscc_category_mismatch', '以“92”开头的是个体工商户的代码，与行政相对人类别“法人及非法人组织”不符');
          }
          if (subject.orgCode && subject.orgCode !== v.slice(8, 17)) {
            warn(s, fOrg!.code, 'org_code_mismatch', `组织机构代码与统一社会信用代码第 9–17 位（${v.slice(8, 17)}）不一致`);
          }
        } else {
          values[fUscc.code] = null;
          if (!routeLegacy(s, v, fUscc, category, ctx.today)) {
            if (looksFloatDamaged(v)) {
              err(s, fUscc.code, 'code_float_damaged', `“${v}”疑似被电子表格按数字处理而损坏（末尾变为 000 或科学计数法），请将该列设为文本后重新填写`);
            } else {
              err(s, fUscc.code, 'uscc_invalid', `“${v}”不是有效的统一社会信用代码：${firstError(checkUscc(v))}`);
            }
          } else {
            legacyOnly = true;
          }
        }
      }
    }
    const id = fId ? checkIdField(s, fId, fIdType, ctx.today) : null;
    if (id) {
      subject.idNumber = id.value;
      subject.idKind = id.kind;
    }
    if (fRepId) checkIdField(s, fRepId, fRepIdType, ctx.today);
    if (fAuthUscc) checkOrgUscc(s, fAuthUscc, 'authority_uscc_invalid');
    if (fSrcUscc) checkOrgUscc(s, fSrcUscc, 'source_uscc_invalid');
    if (!subject.orgCode && fOrg && typeof values[fOrg.code] === 'string') subject.orgCode = values[fOrg.code] as string;
    if (!subject.regNo && fRegno && typeof values[fRegno.code] === 'string') subject.regNo = values[fRegno.code] as string;

    // 4. Required fields (by subject category) and fields that should be empty.
    for (let r = 0; r < requiredChecks.length; r++) {
      const rc = requiredChecks[r];
      if (values[rc.code] !== null || s.failed.has(rc.code)) continue;
      if (rc.when !== null && !rc.when(s)) continue;
      // An organisation without a USCC but with a valid old code: allowed, flagged (DOMAIN §1.5).
      if (fUscc && rc.code === fUscc.code && (subject.orgCode || subject.regNo) && category !== '个体工商户') {
        if (!legacyOnly) {
          warn(s, fUscc.code, 'uscc_missing_legacy_only', '未填写统一社会信用代码，仅有旧代码（组织机构代码/工商注册号），将按旧代码关联主体');
        }
        continue;
      }
      const ph = s.placeholders?.get(rc.code);
      if (ph !== undefined) err(s, rc.code, 'placeholder_as_empty', `填写的“${ph}”被视为空值，该项${requiredMsg.get(rc.code)!}`);
      else err(s, rc.code, 'required_missing', requiredMsg.get(rc.code)!);
    }
    // A 个体工商户 needs something that identifies it: without, its records would have a key without
    // a subject code and could never be matched to the register (issue 13).
    if (category === '个体工商户' && !subject.uscc && !subject.idNumber && !legacyOnly && !s.failed.has(fUscc?.code ?? '')) {
      const rep = fRepId ? values[fRepId.code] : null;
      if (typeof rep !== 'string' && !(fRepId && s.failed.has(fRepId.code))) {
        err(s, fUscc?.code ?? '', 'business_identifier_missing', '个体工商户应至少填写统一社会信用代码或经营者（法定代表人）的证件号码');
      }
    }
    for (let e = 0; e < emptyChecks.length; e++) {
      const ec = emptyChecks[e];
      if (values[ec.code] !== null && ec.when(s)) warn(s, ec.code, 'field_should_be_empty', ec.text);
    }

    // 5. Dates (DOMAIN §1.4 rule 4).
    const todayDay = chinaEpochDay(ctx.today);
    const decision = dayOf(values, fDecision);
    if (!Number.isNaN(decision) && decision > todayDay) {
      err(s, fDecision!.code, 'date_in_future', `决定日期 ${values[fDecision!.code]} 晚于今天`);
    }
    const implausible = !Number.isNaN(decision) && decision < EARLIEST_DECISION_DAY;
    if (implausible) {
      err(s, fDecision!.code, 'decision_date_implausible', `决定日期 ${values[fDecision!.code]} 早于 1949-10-01，不可能是本平台归集的行政决定日期，请核实`);
    } else if (!Number.isNaN(decision)) {
      const floor = ctx.decisionDateWarnBefore ?? DECISION_DATE_WARN_BEFORE;
      if (decision < parseIsoFast(floor)) {
        warn(s, fDecision!.code, 'decision_date_early', `决定日期 ${values[fDecision!.code]} 早于 ${floor}，请核实是否填错`);
      }
    }
    const from = dayOf(values, fFrom);
    const to = dayOf(values, fTo);
    if (!Number.isNaN(from) && !Number.isNaN(to) && from > to) {
      err(s, fTo!.code, 'validity_range', `有效期至 ${values[fTo!.code]} 早于有效期自 ${values[fFrom!.code]}`);
    } else if (Number.isNaN(from) && !Number.isNaN(to) && !Number.isNaN(decision) && to < decision && to !== LONG_TERM_DAY) {
      warn(s, fTo!.code, 'valid_to_before_decision', `${values[fTo!.code]} 早于决定日期 ${values[fDecision!.code]}`);
    }
    const pubEnd = dayOf(values, fPubEnd);
    if (!Number.isNaN(pubEnd) && !Number.isNaN(decision) && pubEnd < decision) {
      warn(s, fPubEnd!.code, 'publicity_end_before_decision', `公示截止期 ${values[fPubEnd!.code]} 早于决定日期（平台将按公示期规则重新计算）`);
    }
    const removal = dayOf(values, fRemoval);
    if (!Number.isNaN(removal) && !Number.isNaN(decision) && removal < decision) {
      warn(s, fRemoval!.code, 'removal_before_decision', `移出日期 ${values[fRemoval!.code]} 早于列入日期`);
    }

    // 6. Amounts in 万元 (DOMAIN §1.4 rule 5).
    const amountLimit = ctx.amountWarnAbove ?? 10_000;
    for (let k = 0; k < amountFields.length; k++) {
      const fa = amountFields[k];
      const v = values[fa.code];
      if (typeof v === 'number' && v > amountLimit) {
        warn(s, fa.code, 'amount_unit_suspect', `金额 ${v} 万元（${(v / 10_000).toFixed(2)} 亿元）数额较大，请确认单位为万元而不是元`);
      }
    }
    // 罚款金额 is in 万元; "5000" beside 处罚内容 "罚款人民币5000元" was entered in 元 (issue 13).
    if (fAmount && fContent) {
      const amount = values[fAmount.code];
      const text = values[fContent.code];
      if (typeof amount === 'number' && typeof text === 'string' && text.includes('元') && fineUnitSuspectIn(amount, text)) {
        warn(s, fAmount.code, 'fine_unit_suspect', `罚款金额填写 ${amount}（单位万元，即 ${amount * 10_000} 元），而处罚内容写明“${amount}元”，疑似按元填写，请确认`);
      }
    }
    if (fAmount && FINE && fPenalty && values[fAmount.code] === 0 && s.sets.get(fPenalty.code)?.includes(FINE)) {
      warn(s, fAmount.code, 'fine_amount_zero', '处罚类别包含罚款，但罚款金额为 0');
    }

    // 7. No personal numbers (ID, bank card, mobile) in a publicly visible text field (DOMAIN §3.5).
    for (let k = 0; k < publicText.length; k++) {
      const f = publicText[k];
      const v = values[f.code];
      if (typeof v !== 'string' || v.length < 11) continue;
      const hit = screenPublicField(f.code, v, {
        today: ctx.today,
        decisionDay: decision,
        policy: ctx.piiScreen,
        identifierField: publicTextIsIdentifier[k],
      });
      if (!hit) continue;
      if (hit.severity === 'error') {
        values[f.code] = null;
        err(s, f.code, hit.code, hit.message);
      } else warn(s, f.code, hit.code, hit.message);
    }

    // 8. Timeliness (DOMAIN §1.1): working days after the decision up to the report date.
    let workingDays: number | null = null;
    let provisional = false;
    let late = false;
    if (!Number.isNaN(decision) && decision <= todayDay && !implausible) {
      const reportDay = chinaEpochDay(ctx.reportDate);
      workingDays = ctx.calendar.countWorkingDays(decision, reportDay);
      provisional = ctx.calendar.isProvisionalBetween(decision, reportDay);
      const limit = ctx.lateAfterWorkingDays ?? item.timelinessWorkingDays ?? 7;
      if (workingDays > limit) {
        late = true;
        warn(
          s,
          fDecision!.code,
          'late_report',
          `超期上报：自决定日期起第 ${workingDays} 个工作日报送，超过 ${limit} 个工作日${provisional ? '（所涉年份的节假日安排尚未录入，按周末计算）' : ''}`,
        );
      }
    }

    // 9. Key and subject code.
    const errors = s.errors ?? EMPTY;
    const authority = fAuthUscc ? values[fAuthUscc.code] : null;
    const docNo = fDoc ? values[fDoc.code] : null;
    const result: RowResult = {
      ok: errors.length === 0,
      values,
      errors,
      warnings: s.warnings ?? EMPTY,
      late,
      workingDays,
      provisional,
      withdrawn: fStatus ? withdrawnCodes.has(values[fStatus.code] as string) : false,
      subject,
    };
    if (typeof authority === 'string' && typeof docNo === 'string') {
      result.key = {
        recordType,
        authorityUscc: authority,
        docNo,
        subjectCode: subject.uscc ?? subject.idNumber ?? subject.orgCode ?? subject.regNo ?? null,
      };
    }
    return result;
  };

  /** Moves an old code found in the USCC column to its own field (DOMAIN §1.5 legacy codes). */
  function routeLegacy(s: Scratch, v: string, f: DataItem, category: SubjectCategory | null, today: Date): boolean {
    const values = s.values;
    const move = (target: DataItem | undefined, label: string): boolean => {
      if (!target) return false;
      const cur = values[target.code];
      if (cur !== null && cur !== v) return false;
      values[target.code] = v;
      warn(s, f.code, 'legacy_code_routed', `填写的是${label}“${v}”，已移至“${target.name}”；请补充统一社会信用代码`);
      return true;
    };
    if ((v.length === 9 || (v.length === 10 && v[8] === '-')) && checkOrgCode(v).verdict !== 'invalid') {
      const r = checkOrgCode(v);
      const compact = (r.parsed?.body as string) + (r.parsed?.checkChar as string);
      if (move(fOrg, '组织机构代码')) {
        values[fOrg!.code] = compact;
        return true;
      }
      return false;
    }
    if ((v.length === 15 || v.length === 13) && checkRegNo(v).verdict !== 'invalid') return move(fRegno, '工商注册号');
    if (category === '自然人' && (v.length === 18 || v.length === 15) && checkIdNumber(v, { today }).verdict !== 'invalid') {
      return move(fId, '身份证号码');
    }
    return false;
  }
}

/** Applies a legacy value map to an enum value or to each piece of a set value. */
function mapLegacy(vm: Readonly<Record<string, string>>, raw: string, isSet: boolean): string {
  const direct = vm[raw] ?? vm[enumKey(raw)];
  if (direct !== undefined) return direct;
  if (!isSet) return raw;
  let changed = false;
  const parts = raw.split(/[、;；,，|]/).map((p) => {
    const m = vm[p.trim()];
    if (m !== undefined) changed = true;
    return m ?? p.trim();
  });
  return changed ? parts.join(';') : raw;
}

/** 17 digits and a digit or X: an 18-character value that could be an ID number rather than a USCC. */
function isIdShaped(s: string): boolean {
  if (s.length !== 18) return false;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const last = s.charCodeAt(17);
  return (last >= 48 && last <= 57) || last === 88;
}

/** 'YYYY-MM-DD' → epoch day for strings this module produced. */
function parseIsoFast(s: string): number {
  const y = (s.charCodeAt(0) - 48) * 1000 + (s.charCodeAt(1) - 48) * 100 + (s.charCodeAt(2) - 48) * 10 + (s.charCodeAt(3) - 48);
  const m = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const d = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  return epochDayOf(y, m, d);
}

/** True for names with mask characters or placeholders (某某, *, ×). */
function nameLooksMasked(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2a || c === 0xff0a || c === 0xd7) return true;
    if (c === 0x67d0 && name.charCodeAt(i + 1) === 0x67d0) return true; // 某某
  }
  return false;
}

