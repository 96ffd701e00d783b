// Header matching: maps the columns of an upload onto the data items of a catalogue item by
// Chinese header, field code or legacy (v1) header — never by position. Header text is compared
// after catalog.model.ts headerKey() (trim, full/half-width, '_'/'-', case).
import type { CatalogItem, Derivation, FieldRole } from '../catalog/index.ts';
import { compileItem, headerKey, type CompiledItem } from '../catalog/index.ts';
import { BUILTIN_ITEMS } from '../catalog/index.ts';

export type HeaderIssueCode =
  | 'missing_columns'
  | 'missing_conditional_columns'
  | 'duplicate_column'
  | 'unknown_column'
  | 'empty_header'
  | 'wrong_catalog_item'
  | 'mixed_template_versions'
  | 'legacy_format'
  | 'legacy_column_dropped';

export interface HeaderIssue {
  code: HeaderIssueCode;
  message: string;
  /** 0-based columns concerned. */
  columns?: number[];
  /** Field codes concerned. */
  fields?: string[];
  /** wrong_catalog_item: the item the file seems to be. */
  suggestedItemId?: string;
}

export interface ColumnMapping {
  index: number;
  header: string;
  /** Target field code; null for an ignored column. */
  field: string | null;
  via: 'name' | 'alias' | 'code' | 'legacy' | null;
  /** Legacy value → enum code (v1 code tables). */
  valueMap?: Readonly<Record<string, string>>;
}

export interface HeaderMapping {
  itemId: string;
  itemVersion: number;
  /** The matched header set: the item itself (v2) or one of its legacy formats. */
  format: { id: string; name: string; legacy: boolean };
  columns: ColumnMapping[];
  /** Field code → source columns (several only for legacy set fields such as 处罚类别1/2). */
  sources: Record<string, number[]>;
  /** Required fields without a column (field codes). */
  missing: string[];
  /** Legacy formats: roles the upload context must supply, rules that fill fields, relaxed fields. */
  fromContext: FieldRole[];
  derive: Derivation[];
  relaxRequired: string[];
  /** Share of the format's columns present in the file (0–1). */
  matchRatio: number;
  ok: boolean;
  errors: HeaderIssue[];
  warnings: HeaderIssue[];
}

export interface MatchOptions {
  /** Items considered by the wrong-item heuristic (default: the built-ins). */
  candidates?: readonly CatalogItem[];
}

interface Scored {
  legacyIndex: number; // -1 = v2
  ratio: number;
}

/** Best match ratio of an item (over v2 and its legacy formats) for the given header keys. */
function scoreItem(c: CompiledItem, keys: readonly string[]): Scored {
  const present = new Set(keys.filter((k) => k !== ''));
  let matched = 0;
  for (const f of c.templateFields) {
    if ([f.name, ...(f.aliases ?? []), f.code].some((h) => present.has(headerKey(h)))) matched++;
  }
  let best: Scored = { legacyIndex: -1, ratio: matched / Math.max(c.templateFields.length, 1) };
  c.legacy.forEach((l, li) => {
    let m = 0;
    for (const col of l.format.columns) if (present.has(headerKey(col.header)) || present.has(headerKey(col.code))) m++;
    const ratio = m / l.format.columns.length;
    if (ratio > best.ratio) best = { legacyIndex: li, ratio };
  });
  return best;
}

/**
 * Matches header cells to an item. Errors: missing required columns (all listed), duplicate
 * columns, a file that looks like another catalogue item, v1 and v2 headers mixed. Unknown
 * columns are warnings and are ignored.
 */
export function matchHeaders(item: CatalogItem, headerCells: readonly string[], opts: MatchOptions = {}): HeaderMapping {
  const c = compileItem(item);
  const keys = headerCells.map((h) => headerKey(h ?? ''));
  const errors: HeaderIssue[] = [];
  const warnings: HeaderIssue[] = [];

  // Which format: v2 unless a legacy format has columns v2 does not know, and v2 has none of its own.
  const v2Hit = keys.map((k) => (k ? c.byHeader.get(k) : undefined));
  let legacyIndex = -1;
  let bestLegacyOnly = 0;
  let v2Only = 0;
  const legacyHits = c.legacy.map((l) => keys.map((k) => (k ? l.byHeader.get(k) : undefined)));
  keys.forEach((_, i) => {
    if (v2Hit[i] !== undefined && legacyHits.every((h) => h[i] === undefined)) v2Only++;
  });
  legacyHits.forEach((hits, li) => {
    let only = 0;
    hits.forEach((h, i) => {
      if (h !== undefined && v2Hit[i] === undefined) only++;
    });
    if (only > bestLegacyOnly) {
      bestLegacyOnly = only;
      legacyIndex = li;
    }
  });
  if (bestLegacyOnly > 0 && v2Only > 0) {
    const lf = c.legacy[legacyIndex].format;
    const oldCols = legacyHits[legacyIndex].flatMap((h, i) => (h !== undefined && v2Hit[i] === undefined ? [i] : []));
    errors.push({
      code: 'mixed_template_versions',
      message: `表头混用了新版模板和旧版格式（${lf.name}）的列：${oldCols.map((i) => `“${headerCells[i]}”`).join('、')}。请使用同一版本的模板`,
      columns: oldCols,
    });
    if (v2Only >= bestLegacyOnly) legacyIndex = -1;
  } else if (bestLegacyOnly === 0) {
    legacyIndex = -1;
  }

  const legacy = legacyIndex >= 0 ? c.legacy[legacyIndex] : null;
  const columns: ColumnMapping[] = [];
  const sources: Record<string, number[]> = {};
  const unknown: number[] = [];
  const empties: number[] = [];
  const dropped: number[] = [];
  const usedLegacyCols = new Map<number, number>();

  headerCells.forEach((header, i) => {
    const k = keys[i];
    const col: ColumnMapping = { index: i, header, field: null, via: null };
    columns.push(col);
    if (!k) {
      empties.push(i);
      return;
    }
    if (legacy) {
      const li = legacy.byHeader.get(k);
      if (li === undefined) {
        unknown.push(i);
        return;
      }
      const lc = legacy.format.columns[li];
      const prev = usedLegacyCols.get(li);
      if (prev !== undefined) {
        errors.push({
          code: 'duplicate_column',
          message: `“${headerCells[prev]}”与“${header}”是同一列（${lc.header}），请删除重复的列`,
          columns: [prev, i],
          fields: lc.target ? [lc.target] : [],
        });
        return;
      }
      usedLegacyCols.set(li, i);
      if (lc.target === null) {
        dropped.push(i);
        return;
      }
      col.field = lc.target;
      col.via = 'legacy';
      if (lc.valueMap) col.valueMap = lc.valueMap;
    } else {
      const code = v2Hit[i];
      if (code === undefined) {
        unknown.push(i);
        return;
      }
      const f = c.byCode.get(code)!;
      col.field = code;
      col.via = k === headerKey(f.name) ? 'name' : k === headerKey(f.code) ? 'code' : 'alias';
    }
    const list = (sources[col.field] ??= []);
    const target = c.byCode.get(col.field)!;
    // Several columns may feed one field only for legacy set fields (处罚类别1 + 处罚类别2).
    if (list.length > 0 && !(legacy && target.type === 'set')) {
      errors.push({
        code: 'duplicate_column',
        message: `“${headerCells[list[0]]}”与“${header}”都对应数据项“${target.name}”，请删除重复的列`,
        columns: [list[0], i],
        fields: [col.field],
      });
      col.field = null;
      col.via = null;
      return;
    }
    list.push(i);
  });

  if (unknown.length) {
    warnings.push({
      code: 'unknown_column',
      message: `以下列不属于『${item.name}』，已忽略：${unknown.map((i) => `“${headerCells[i]}”`).join('、')}`,
      columns: unknown,
    });
  }
  if (empties.length) {
    warnings.push({
      code: 'empty_header',
      message: `第 ${empties.map((i) => i + 1).join('、')} 列没有表头，其内容已忽略`,
      columns: empties,
    });
  }
  if (legacy) {
    warnings.push({
      code: 'legacy_format',
      message: `按旧版格式（${legacy.format.name}）读取，已转换为新版数据项`,
    });
    if (dropped.length) {
      warnings.push({
        code: 'legacy_column_dropped',
        message: `旧版列${dropped.map((i) => `“${headerCells[i]}”`).join('、')}在新版中没有对应数据项，未导入`,
        columns: dropped,
      });
    }
  }

  // Required columns. Legacy formats may leave some to derivations, relaxations or the context.
  const fromContext = legacy?.format.fromContext ?? [];
  const derive = legacy?.format.derive ?? [];
  const relax = new Set(legacy?.format.relaxRequired ?? []);
  const derived = new Set(derive.map((d) => d.field));
  const missing: string[] = [];
  const missingConditional: string[] = [];
  for (const f of item.items) {
    if (sources[f.code]?.length) continue;
    if (relax.has(f.code) || derived.has(f.code) || (f.role && fromContext.includes(f.role))) continue;
    if (f.required === 'always') missing.push(f.code);
    else if (typeof f.required === 'object' && f.inTemplate !== false) missingConditional.push(f.code);
  }
  const nameOf = (code: string) => c.byCode.get(code)!.name;
  if (missing.length) {
    errors.push({
      code: 'missing_columns',
      message: `缺少必填列：${missing.map((m) => `“${nameOf(m)}”`).join('、')}`,
      fields: missing,
    });
  }
  if (missingConditional.length) {
    warnings.push({
      code: 'missing_conditional_columns',
      message: `缺少以下列，需要填写这些列的行将无法通过校验：${missingConditional.map((m) => `“${nameOf(m)}”`).join('、')}`,
      fields: missingConditional,
    });
  }

  // Wrong catalogue item: few of this item's columns, but another item matches well.
  const own = scoreItem(c, keys);
  if (missing.length) {
    let best: { item: CatalogItem; ratio: number } | null = null;
    for (const other of opts.candidates ?? BUILTIN_ITEMS) {
      if (other.id === item.id) continue;
      const s = scoreItem(compileItem(other), keys);
      if (!best || s.ratio > best.ratio) best = { item: other, ratio: s.ratio };
    }
    if (best && best.ratio >= 0.8 && (own.ratio < 0.5 || best.ratio - own.ratio >= 0.3)) {
      errors.unshift({
        code: 'wrong_catalog_item',
        message: `该文件看起来是『${best.item.name}』，而不是『${item.name}』。请选择正确的目录项或使用对应的模板`,
        suggestedItemId: best.item.id,
      });
    }
  }

  return {
    itemId: item.id,
    itemVersion: item.version,
    format: legacy
      ? { id: legacy.format.id, name: legacy.format.name, legacy: true }
      : { id: item.id, name: item.name, legacy: false },
    columns,
    sources,
    missing,
    fromContext,
    derive,
    relaxRequired: [...relax],
    matchRatio: legacy ? usedLegacyCols.size / legacy.format.columns.length : v2Ratio(c, sources),
    ok: errors.length === 0,
    errors,
    warnings,
  };
}

function v2Ratio(c: CompiledItem, sources: Record<string, number[]>): number {
  return c.templateFields.filter((f) => sources[f.code]?.length).length / Math.max(c.templateFields.length, 1);
}
