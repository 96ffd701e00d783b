// Catalogue item rules that the schema alone cannot express, plus the lookups that the
// template builder and the ingest engine share (header keys, enum tables, roles).
import { Value } from '@sinclair/typebox/value';
import {
  CatalogItemSchema,
  SUBJECT_CATEGORIES,
  type CatalogItem,
  type Condition,
  type DataItem,
  type EnumValue,
  type FieldRole,
  type LegacyFormat,
  type SubjectCategory,
} from './catalog.schemas.ts';

export interface CatalogDefError {
  /** JSON-pointer-like location, e.g. /items/3/enum. */
  path: string;
  code: string;
  message: string;
}

export type CatalogValidation = { ok: true; item: CatalogItem } | { ok: false; errors: CatalogDefError[] };

/**
 * Normalises a header for matching: NFKC (full-width → half-width), no whitespace, zero-width
 * characters, '_' or '-', no required-markers '*', no trailing colon, ASCII upper-case. So
 * "行政相对人代码_1（统一社会信用代码）", " 行政相对人代码1(统一社会信用代码) " and "*行政相对人名称"
 * all compare as their template header would, and "cf_xdr_mc" / "cfXdrMc" match CF_XDR_MC.
 */
export function headerKey(s: string): string {
  const n = s.normalize('NFKC');
  let out = '';
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c <= 0x20 || c === 0x5f /* _ */ || c === 0x2d /* - */ || c === 0x2a /* * */) continue;
    if ((c >= 0x200b && c <= 0x200f) || c === 0xfeff || c === 0x3000 || c === 0xa0) continue;
    out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 32) : n[i];
  }
  while (out.endsWith(':')) out = out.slice(0, -1);
  return out;
}

/** Normalises an enumeration input: NFKC, no whitespace, ASCII upper-case. */
export function enumKey(s: string): string {
  const n = s.normalize('NFKC');
  let out = '';
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c <= 0x20 || c === 0x3000 || c === 0xa0 || (c >= 0x200b && c <= 0x200f) || c === 0xfeff) continue;
    out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 32) : n[i];
  }
  return out;
}

/** Lookup tables for one enumeration: every accepted spelling → code. */
export interface EnumTable {
  values: readonly EnumValue[];
  byKey: ReadonlyMap<string, string>;
  byCode: ReadonlyMap<string, EnumValue>;
  /** Entries accepting any input that starts with their label (e.g. 其他-xx). */
  prefixes: readonly { key: string; code: string }[];
}

/** Builds the lookup table for an enum; conflicts are reported by validateCatalogItem. */
export function buildEnumTable(values: readonly EnumValue[]): EnumTable {
  const byKey = new Map<string, string>();
  const byCode = new Map<string, EnumValue>();
  const prefixes: { key: string; code: string }[] = [];
  for (const v of values) {
    byCode.set(v.code, v);
    for (const s of [v.code, v.label, ...(v.aliases ?? [])]) {
      const k = enumKey(s);
      if (!byKey.has(k)) byKey.set(k, v.code);
    }
    if (v.prefixMatch) prefixes.push({ key: enumKey(v.label), code: v.code });
  }
  return { values, byKey, byCode, prefixes };
}

/** Resolves one enumeration input (code, label or alias) to its code, or undefined. */
export function lookupEnum(table: EnumTable, input: string): string | undefined {
  const k = enumKey(input);
  const hit = table.byKey.get(k);
  if (hit !== undefined) return hit;
  for (const p of table.prefixes) if (k.startsWith(p.key)) return p.code;
  return undefined;
}

/** An item with its lookups built once; cached per item object. */
export interface CompiledItem {
  item: CatalogItem;
  byCode: ReadonlyMap<string, DataItem>;
  /** headerKey(name | alias | code) → field code. */
  byHeader: ReadonlyMap<string, string>;
  byRole: ReadonlyMap<FieldRole, DataItem>;
  enums: ReadonlyMap<string, EnumTable>;
  /** Fields written into templates, in order. */
  templateFields: readonly DataItem[];
  legacy: readonly CompiledLegacy[];
}

export interface CompiledLegacy {
  format: LegacyFormat;
  /** headerKey(header | legacy code) → column index in format.columns. */
  byHeader: ReadonlyMap<string, number>;
}

const compiledCache = new WeakMap<CatalogItem, CompiledItem>();

/** Compiles (and caches) the lookups of a valid item. */
export function compileItem(item: CatalogItem): CompiledItem {
  const hit = compiledCache.get(item);
  if (hit) return hit;
  const byCode = new Map<string, DataItem>();
  const byHeader = new Map<string, string>();
  const byRole = new Map<FieldRole, DataItem>();
  const enums = new Map<string, EnumTable>();
  for (const f of item.items) {
    byCode.set(f.code, f);
    for (const h of [f.name, ...(f.aliases ?? []), f.code]) {
      const k = headerKey(h);
      if (!byHeader.has(k)) byHeader.set(k, f.code);
    }
    if (f.role) byRole.set(f.role, f);
    if (f.enum) enums.set(f.code, buildEnumTable(f.enum));
  }
  const legacy = (item.legacyFormats ?? []).map((format) => {
    const m = new Map<string, number>();
    format.columns.forEach((c, i) => {
      for (const h of [c.header, c.code]) {
        const k = headerKey(h);
        if (!m.has(k)) m.set(k, i);
      }
    });
    return { format, byHeader: m };
  });
  const compiled: CompiledItem = {
    item,
    byCode,
    byHeader,
    byRole,
    enums,
    templateFields: item.items.filter((f) => f.inTemplate !== false),
    legacy,
  };
  compiledCache.set(item, compiled);
  return compiled;
}

/** The Chinese label of an enum code of a field, or the code itself when unknown. */
export function enumLabel(item: CatalogItem, field: string, code: string): string {
  return compileItem(item).enums.get(field)?.byCode.get(code)?.label ?? code;
}

/**
 * The heaviest code of a set by the enum's severity (处罚类别: the decision counts once under its
 * heaviest category, docs/domain/01-sgs.md §1.3); undefined for an empty set.
 */
export function heaviestCode(item: CatalogItem, field: string, codes: readonly string[]): string | undefined {
  const table = compileItem(item).enums.get(field);
  let best: string | undefined;
  let bestSeverity = -Infinity;
  for (const c of codes) {
    const s = table?.byCode.get(c)?.severity ?? 0;
    if (best === undefined || s > bestSeverity) {
      best = c;
      bestSeverity = s;
    }
  }
  return best;
}

/** Human-readable required rule for 填报说明, e.g. "行政相对人类别为“法人及非法人组织”时必填". */
export function describeRequired(item: CatalogItem, f: DataItem): string {
  if (f.required === 'always') return '必填';
  if (f.required === 'never') return '选填';
  return describeCondition(item, f.required.when) + '时必填';
}

/** Human-readable condition, with enum codes shown as labels. */
export function describeCondition(item: CatalogItem, cond: Condition): string {
  const c = compileItem(item);
  const other = c.byCode.get(cond.field);
  const table = c.enums.get(cond.field);
  const show = (v: string) => `“${table ? (table.byCode.get(v)?.label ?? labelOf(table, v)) : v}”`;
  const values = cond.in ?? (cond.equals !== undefined ? [cond.equals] : []);
  const name = other?.name ?? cond.field;
  if (other?.type === 'set') return `${name}包含${values.map(show).join('或')}`;
  return `${name}为${values.map(show).join('或')}`;
}

function labelOf(table: EnumTable, input: string): string {
  const code = lookupEnum(table, input);
  return code ? (table.byCode.get(code)?.label ?? input) : input;
}

/** Resolves a condition's values to enum codes of the referenced field (labels accepted). */
export function conditionCodes(compiled: CompiledItem, cond: Condition): string[] {
  const values = cond.in ?? (cond.equals !== undefined ? [cond.equals] : []);
  const table = compiled.enums.get(cond.field);
  if (!table) return values;
  return values.map((v) => lookupEnum(table, v) ?? v);
}

/** Maps a subject-category enum code or label to the category name. */
export function subjectCategoryOf(compiled: CompiledItem, code: string | null): SubjectCategory | null {
  if (code === null) return null;
  const f = compiled.byRole.get('subject_category');
  const label = f ? (compiled.enums.get(f.code)?.byCode.get(code)?.label ?? code) : code;
  return (SUBJECT_CATEGORIES as readonly string[]).includes(label) ? (label as SubjectCategory) : null;
}

const ID_ROLES: ReadonlySet<FieldRole> = new Set(['subject_id_number', 'legal_rep_id_number']);

/**
 * Checks a catalogue item definition: the schema first, then the rules a schema cannot state.
 * Rejects duplicate codes or headers, enum/set fields without a table, conditions on unknown
 * fields or values, duplicate roles, unmasked public ID-number fields, broken legacy mappings.
 */
export function validateCatalogItem(def: unknown): CatalogValidation {
  const errors: CatalogDefError[] = [];
  if (!Value.Check(CatalogItemSchema, def)) {
    for (const e of Value.Errors(CatalogItemSchema, def)) {
      errors.push({ path: e.path || '/', code: 'schema', message: `${e.path || '/'}：${e.message}` });
      if (errors.length >= 50) break;
    }
    return { ok: false, errors };
  }
  const item = def as CatalogItem;
  const add = (path: string, code: string, message: string) => errors.push({ path, code, message });

  const codes = new Map<string, number>();
  const headers = new Map<string, string>();
  const roles = new Map<string, string>();
  item.items.forEach((f, i) => {
    const p = `/items/${i}`;
    if (codes.has(f.code)) add(`${p}/code`, 'duplicate_code', `数据项代码 ${f.code} 重复`);
    codes.set(f.code, i);
    for (const h of [f.name, ...(f.aliases ?? []), f.code]) {
      const k = headerKey(h);
      const owner = headers.get(k);
      if (owner !== undefined && owner !== f.code) {
        add(`${p}/name`, 'duplicate_header', `表头“${h}”与数据项 ${owner} 冲突`);
      }
      headers.set(k, f.code);
    }
    if (f.role) {
      if (roles.has(f.role)) add(`${p}/role`, 'duplicate_role', `角色 ${f.role} 已由 ${roles.get(f.role)} 使用`);
      roles.set(f.role, f.code);
    }
    const isEnum = f.type === 'enum' || f.type === 'set';
    if (isEnum && (!f.enum || f.enum.length === 0)) {
      add(`${p}/enum`, 'enum_without_table', `数据项 ${f.code} 为枚举/集合型，但没有枚举表`);
    }
    if (!isEnum && f.enum) add(`${p}/enum`, 'enum_on_non_enum', `数据项 ${f.code} 不是枚举/集合型，不应有枚举表`);
    if (f.enum) checkEnum(f, p, add);
    if (f.decimals !== undefined && f.type !== 'decimal') {
      add(`${p}/decimals`, 'decimals_on_non_decimal', `数据项 ${f.code} 不是浮点型，不应设置小数位数`);
    }
    if (f.codeKind && f.type !== 'string') add(`${p}/codeKind`, 'code_kind_on_non_string', `代码列 ${f.code} 必须为字符型`);
    if (f.longTermAllowed && f.type !== 'date') add(`${p}/longTermAllowed`, 'long_term_on_non_date', `数据项 ${f.code} 不是日期型`);
    if (f.role && ID_ROLES.has(f.role) && f.visibility === '社会公开' && !f.masked) {
      // docs/domain/03-publicity.md §3.5: natural persons' ID numbers must be hidden on the internet.
      add(`${p}/masked`, 'unmasked_personal_id', `数据项 ${f.code} 为证件号码且社会公开，必须脱敏`);
    }
  });

  const byCode = new Map(item.items.map((f) => [f.code, f]));
  const checkCond = (path: string, self: DataItem, cond: Condition) => {
    const other = byCode.get(cond.field);
    if (!other) {
      add(path, 'unknown_condition_field', `条件引用了不存在的数据项 ${cond.field}`);
      return;
    }
    if (other.code === self.code) add(path, 'self_condition', `数据项 ${self.code} 的条件不能引用自身`);
    if ((cond.equals === undefined) === (cond.in === undefined)) {
      add(path, 'condition_shape', '条件必须且只能给出 equals 或 in 之一');
    }
    if (other.enum) {
      const table = buildEnumTable(other.enum);
      for (const v of cond.in ?? (cond.equals !== undefined ? [cond.equals] : [])) {
        if (lookupEnum(table, v) === undefined) {
          add(path, 'unknown_condition_value', `条件值“${v}”不在数据项 ${other.code} 的枚举表中`);
        }
      }
    }
  };
  item.items.forEach((f, i) => {
    if (typeof f.required === 'object') checkCond(`/items/${i}/required/when`, f, f.required.when);
    if (f.emptyWhen) checkCond(`/items/${i}/emptyWhen`, f, f.emptyWhen);
  });

  const catField = item.items.find((f) => f.role === 'subject_category');
  if (catField?.enum) {
    const table = buildEnumTable(catField.enum);
    for (const c of item.subjectCategories) {
      if (lookupEnum(table, c) === undefined) {
        add('/subjectCategories', 'category_not_in_enum', `主体类别“${c}”不在数据项 ${catField.code} 的枚举表中`);
      }
    }
  }

  (item.legacyFormats ?? []).forEach((lf, li) => checkLegacy(lf, `/legacyFormats/${li}`, byCode, add));
  return errors.length ? { ok: false, errors } : { ok: true, item };
}

function checkEnum(f: DataItem, p: string, add: (path: string, code: string, message: string) => void): void {
  const seenCode = new Set<string>();
  const seenKey = new Map<string, string>();
  for (const v of f.enum ?? []) {
    if (seenCode.has(v.code)) add(`${p}/enum`, 'duplicate_enum_value', `枚举代码 ${v.code} 重复`);
    seenCode.add(v.code);
    for (const s of [v.code, v.label, ...(v.aliases ?? [])]) {
      const k = enumKey(s);
      const owner = seenKey.get(k);
      if (owner !== undefined && owner !== v.code) {
        add(`${p}/enum`, 'duplicate_enum_value', `枚举值“${s}”同时对应代码 ${owner} 和 ${v.code}`);
      }
      seenKey.set(k, v.code);
    }
  }
}

function checkLegacy(
  lf: LegacyFormat,
  p: string,
  byCode: ReadonlyMap<string, DataItem>,
  add: (path: string, code: string, message: string) => void,
): void {
  const seen = new Set<string>();
  lf.columns.forEach((c, ci) => {
    const k = headerKey(c.header);
    if (seen.has(k)) add(`${p}/columns/${ci}`, 'duplicate_legacy_header', `旧版表头“${c.header}”重复`);
    seen.add(k);
    if (c.target === null) return;
    const target = byCode.get(c.target);
    if (!target) {
      add(`${p}/columns/${ci}`, 'unknown_legacy_target', `旧版列“${c.header}”映射到不存在的数据项 ${c.target}`);
      return;
    }
    if (c.valueMap) {
      if (!target.enum) {
        add(`${p}/columns/${ci}`, 'value_map_on_non_enum', `旧版列“${c.header}”的代码映射目标 ${c.target} 不是枚举型`);
        return;
      }
      const table = buildEnumTable(target.enum);
      for (const [from, to] of Object.entries(c.valueMap)) {
        if (!table.byCode.has(to)) {
          add(`${p}/columns/${ci}`, 'unknown_enum_code', `旧版代码 ${from} 映射到 ${c.target} 中不存在的代码 ${to}`);
        }
      }
    }
  });
  for (const code of lf.relaxRequired ?? []) {
    if (!byCode.has(code)) add(`${p}/relaxRequired`, 'unknown_field', `relaxRequired 引用了不存在的数据项 ${code}`);
  }
  for (const d of lf.derive ?? []) {
    const target = byCode.get(d.field);
    if (!target) {
      add(`${p}/derive`, 'unknown_field', `派生规则引用了不存在的数据项 ${d.field}`);
      continue;
    }
    if (d.kind === 'copy' && !byCode.has(d.from)) add(`${p}/derive`, 'unknown_field', `派生来源 ${d.from} 不存在`);
    if (d.kind === 'constant' && d.whenFilled && !byCode.has(d.whenFilled)) {
      add(`${p}/derive`, 'unknown_field', `派生条件 ${d.whenFilled} 不存在`);
    }
    if (d.kind === 'constant' && target.enum && !buildEnumTable(target.enum).byCode.has(d.value)) {
      add(`${p}/derive`, 'unknown_enum_code', `派生值 ${d.value} 不在 ${d.field} 的枚举表中`);
    }
    if (d.kind === 'subject_category' && target.role !== 'subject_category') {
      add(`${p}/derive`, 'derive_role', `主体类别派生只能用于主体类别数据项，${d.field} 不是`);
    }
  }
}
