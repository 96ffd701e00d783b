// Row validation for collected records (归集 "质量校验", docs/domain/01-sgs.md §1.4). One compiled validator per
// (item, header mapping): a parser per field and one step per rule group are built once, and each
// row then runs plain loops — this is on the path of million-row imports, so no regex on the hot
// path and no allocation beyond the result object (the steps share one scratch, reset per row).
//
// The rules live beside their kind: validate.cells.ts (cell readers, placeholders), validate.fields.ts
// (field types), validate.identifiers.ts (USCC, ID, registration and licence numbers),
// validate.dates.ts (长期, decision-date bounds, date order, timeliness), validate.amounts.ts (万元,
// the 元/万元 fine check), validate.rules.ts (derivations, required and empty fields),
// validate.codes.ts (row codes, the receipt's warning list); validate.model.ts holds the shapes
// they share. This file assembles them in order, adds the reader's row issues and the screen for
// personal numbers in public text, and builds the record key.
//
// Text is stored as text. HTML/script fragments ("<script>…") and formula-looking strings
// ("=1+1", "+86…", "@x") are NOT errors: they are data, kept verbatim, escaped by whoever renders
// them, and neutralised on spreadsheet export (ARCHITECTURE.md "Files out").
import type { CatalogItem, DataItem, FieldRole } from '../catalog/index.ts';
import { lookupEnum, subjectCategoryOf } from '../catalog/index.ts';
import type { HeaderMapping } from './headers.ts';
import { screenPublicField } from './screen.ts';
import type { RowSourceMeta } from './rows.ts';
import { compileAmountChecks } from './validate.amounts.ts';
import { compileAgeCheck } from './validate.persons.ts';
import { clean, isPlaceholder, mapLegacy } from './validate.cells.ts';
import { compileDateRules, compileTimeliness } from './validate.dates.ts';
import { compileFieldParser, type FieldParser } from './validate.fields.ts';
import { compileIdentifierChecks } from './validate.identifiers.ts';
import { compileModel, newScratch, type RowIssueOut, type RowResult, type RowValidator, type ValidationContext, type Value } from './validate.model.ts';
import { compileDerivations, compileRequiredRules } from './validate.rules.ts';

export { LONG_TERM_ISO, parseSetValue } from '../publicity/index.ts';
export { looksFloatDamaged, parseDateCell, PLACEHOLDERS } from './validate.cells.ts';
export { ROW_CODES, RECEIPT_ROW_WARNINGS, type RowCode } from './validate.codes.ts';
export { DECISION_DATE_WARN_BEFORE } from './validate.dates.ts';
export { findIdNumberInText } from './validate.identifiers.ts';
export type { RecordKey, RowIssueOut, RowResult, RowValidator, SubjectInfo, ValidationContext } from './validate.model.ts';

const EMPTY: readonly RowIssueOut[] = Object.freeze([]);

interface FieldPlan {
  f: DataItem;
  cols: number[];
  valueMaps: (Readonly<Record<string, string>> | undefined)[];
  parse: FieldParser;
}

const validatorCache = new WeakMap<HeaderMapping, RowValidator>();

/**
 * Validates one row (docs/domain/01-sgs.md §1.4): types, lengths, enumerations, required-by-category, subject
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

/** Builds the validator for an item and a header mapping (see validateRow). */
export function compileRowValidator(item: CatalogItem, mapping: HeaderMapping): RowValidator {
  const k = compileModel(item, mapping);
  const { c, issue, err, warn } = k;
  const fromContext = new Set<FieldRole>(mapping.fromContext);
  const colToField = new Map<number, string>();
  for (const col of mapping.columns) if (col.field) colToField.set(col.index, col.field);

  // Per-field parsers, then the rule steps, in the order they run per row.
  const plans: FieldPlan[] = item.items.map((f) => {
    const cols = mapping.sources[f.code] ?? [];
    const valueMaps = cols.map((i) => mapping.columns[i].valueMap);
    return { f, cols, valueMaps, parse: compileFieldParser(k, f) };
  });
  const derive = compileDerivations(k);
  const checkIdentifiers = compileIdentifierChecks(k);
  const checkRequired = compileRequiredRules(k);
  const checkDates = compileDateRules(k);
  const checkAmounts = compileAmountChecks(k);
  const checkAge = compileAgeCheck(k);
  const checkTimeliness = compileTimeliness(k);

  const fCat = k.role('subject_category');
  const fAuthUscc = k.role('authority_uscc');
  const fDoc = k.role('doc_no');
  const fStatus = k.role('status');
  const withdrawnCodes = new Set(
    fStatus ? [lookupEnum(c.enums.get(fStatus.code)!, '无效'), lookupEnum(c.enums.get(fStatus.code)!, '已移出')].filter((x): x is string => !!x) : [],
  );

  // Public, unmasked text fields that must not carry a natural person's ID number (docs/domain/03-publicity.md §3.5).
  const ID_ROLES: ReadonlySet<string> = new Set(['subject_id_number', 'legal_rep_id_number', 'subject_uscc', 'authority_uscc', 'source_uscc']);
  const publicText = item.items.filter(
    (f) => f.type === 'string' && f.visibility === '社会公开' && !f.masked && !(f.role && ID_ROLES.has(f.role)),
  );
  // Fields that hold the record's own number (文书号, 许可编号): see ScreenContext.identifierField.
  const publicTextIsIdentifier = publicText.map((f) => f.role === 'doc_no' || /编号|证号|文号/.test(f.name));

  const legacy = mapping.format.legacy;
  const recordType = item.recordType;
  // Every row's values start as a copy of this (same shape each time: cheap to clone and to read). Built by JSON.parse,
  // not by assigning each code in a loop: an object given more than a dozen properties one by one falls into V8's
  // dictionary mode, and spreading a dictionary cost 3.7 µs per row (with slower stores and JSON.stringify after it);
  // JSON.parse gives an object with fast properties, which `{ ...blankValues }` copies as one block (issue 18).
  const blankValues = JSON.parse(JSON.stringify(Object.fromEntries(item.items.map((f) => [f.code, null])))) as Record<string, Value>;

  // One scratch per validator, reset per row: validation is synchronous, so it is never shared.
  const s = newScratch();

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
    if (derive) derive(s);
    s.category = subjectCategoryOf(c, fCat ? (values[fCat.code] as string | null) : null);

    // 3. Subject identifiers (docs/domain/01-sgs.md §1.4 rules 1–2, §1.5).
    checkIdentifiers(s, ctx);

    // 4. Required fields (by subject category) and fields that should be empty.
    checkRequired(s);

    // 5. Dates (docs/domain/01-sgs.md §1.4 rule 4).
    checkDates(s, ctx);

    // 6. Amounts in 万元 (docs/domain/01-sgs.md §1.4 rule 5).
    checkAmounts(s, ctx);

    // 6b. A natural person's age (docs/domain/03-publicity.md §3.5): no birth date anywhere is flagged, not guessed.
    checkAge(s, ctx);

    // 7. No personal numbers (ID, bank card, mobile) in a publicly visible text field (docs/domain/03-publicity.md §3.5).
    for (let k = 0; k < publicText.length; k++) {
      const f = publicText[k];
      const v = values[f.code];
      if (typeof v !== 'string' || v.length < 11) continue;
      const hit = screenPublicField(f.code, v, {
        today: ctx.today,
        decisionDay: s.decision,
        policy: ctx.piiScreen,
        identifierField: publicTextIsIdentifier[k],
      });
      if (!hit) continue;
      if (hit.severity === 'error') {
        values[f.code] = null;
        err(s, f.code, hit.code, hit.message);
      } else warn(s, f.code, hit.code, hit.message);
    }

    // 8. Timeliness (docs/domain/01-sgs.md §1.1): working days after the decision up to the report date.
    checkTimeliness(s, ctx);

    // 9. Key and subject code.
    const subject = s.subject;
    const errors = s.errors ?? EMPTY;
    const authority = fAuthUscc ? values[fAuthUscc.code] : null;
    const docNo = fDoc ? values[fDoc.code] : null;
    const result: RowResult = {
      ok: errors.length === 0,
      values,
      errors,
      warnings: s.warnings ?? EMPTY,
      late: s.late,
      workingDays: s.workingDays,
      provisional: s.provisional,
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
}
