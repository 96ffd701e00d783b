// Severity (失信程度: 轻微 / 一般 / 严重, docs/domain/03-publicity.md §3.3) of a penalty record, per 处罚类别 and overall.
// Order of precedence: the department's explicit class, then 简易程序 (→ 轻微, docs/domain/03-publicity.md §3.3
// examples), then each category through the data mapping (defaults/category-severity.json) with
// the amount thresholds of the settings. Periods are chosen per category later, longest wins.
import { compileItem, heaviestCode } from '../catalog/index.ts';
import { SGS_CF_V2 } from '../catalog/index.ts';
import { parseSetValue } from './cell-values.ts';
import { fineImplausible } from './fine-plausibility.ts';
import { fineUnitSuspectIn } from './fine-unit.ts';
import { readSanction } from './sanctions.ts';
import { SEVERITIES, type PublicityInput, type PublicitySettings, type ReasonCode, type Severity } from './publicity.schemas.ts';

const FINE = '03';
const CONFISCATION = new Set(['04', '05', 'L2']);
/** Pre-2021 暂扣或者吊销许可证: its class depends on which of the two the 处罚内容 imposes. */
const SUSPEND_OR_REVOKE = 'L4';

const CATEGORY_TABLE = compileItem(SGS_CF_V2).enums.get('CF_CFLB');

export interface CategorySeverity {
  /** Normalised 处罚类别 code, or the raw text when it is not in the list. */
  code: string;
  severity: Severity;
  known: boolean;
}

export interface SeverityResult {
  severity: Severity;
  source: 'explicit' | 'simple_procedure' | 'categories' | 'default';
  /** Every category with its own class; periods are looked up per entry. */
  categories: CategorySeverity[];
  /** All normalised 处罚类别 codes of the record (for 特定严重失信 detection). */
  codes: string[];
  reasons: ReasonCode[];
  /** Chinese notes for the explanation: the words of 处罚内容 that decided a class. */
  notes: string[];
}

/** The heavier of two classes. */
export function heavier(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/**
 * Normalised 处罚类别 codes: accepts codes ('01'), codes joined by ';' ('01;03'), labels and
 * aliases of both §1.3 lists. Unknown pieces are returned in `unknown`.
 */
export function normaliseCategories(raw: readonly string[]): { codes: string[]; unknown: string[] } {
  const codes: string[] = [];
  const unknown: string[] = [];
  for (const r of raw) {
    if (!r || !r.trim()) continue;
    const p = CATEGORY_TABLE ? parseSetValue(CATEGORY_TABLE, r) : { codes: [r.trim()], bad: [] };
    for (const c of p.codes) if (!codes.includes(c)) codes.push(c);
    for (const b of p.bad) if (!unknown.includes(b)) unknown.push(b);
  }
  return { codes, unknown };
}

/** Class of one category, with the amount rules for 罚款 and 没收 (amounts in 万元). */
function categoryClass(
  code: string,
  input: Pick<PublicityInput, 'fineAmount' | 'confiscatedAmount' | 'content'>,
  s: PublicitySettings,
  reasons: ReasonCode[],
  notes: string[],
  fineDoubtful: boolean,
): Severity {
  let sev = s.categorySeverity[code] ?? s.defaultSeverity;
  if (code === SUSPEND_OR_REVOKE) {
    // L4 alone is not 严重 (issue 13): only a 吊销 the text imposes, not one it denies, makes it so.
    const r = readSanction(input.content, '吊销');
    if (r?.affirmed) {
      sev = heavier(sev, '严重');
      reasons.push('revocation_in_text');
      notes.push(`处罚内容“${r.words}”为吊销，按严重失信处理`);
    } else if (r) {
      reasons.push('revocation_negated');
      notes.push(`处罚内容“${r.words}”为否定表述，不按吊销处理`);
    }
  }
  // An amount entered in 元 or implausible for the authority (issue 13) is not read as 巨额: the department confirms.
  if (code === FINE && typeof input.fineAmount === 'number' && !fineDoubtful) {
    if (s.seriousFineAbove !== null && input.fineAmount > s.seriousFineAbove) {
      sev = heavier(sev, '严重');
      reasons.push('fine_above_threshold');
    } else if (s.minorFineAtMost !== null && input.fineAmount <= s.minorFineAtMost) {
      sev = '轻微';
      reasons.push('fine_at_most_minor');
    }
  }
  if (CONFISCATION.has(code) && typeof input.confiscatedAmount === 'number') {
    if (s.seriousConfiscationAbove !== null && input.confiscatedAmount > s.seriousConfiscationAbove) {
      sev = heavier(sev, '严重');
      reasons.push('confiscation_above_threshold');
    }
  }
  return sev;
}

/** Severity of a penalty record and of each of its categories. */
export function classifySeverity(
  input: Pick<PublicityInput, 'categories' | 'fineAmount' | 'confiscatedAmount' | 'explicitSeverity' | 'simpleProcedure' | 'possiblySimpleProcedure' | 'content'> &
    Partial<Pick<PublicityInput, 'authority'>>,
  settings: PublicitySettings,
): SeverityResult {
  const reasons: ReasonCode[] = [];
  const notes: string[] = [];
  const { codes, unknown } = normaliseCategories(input.categories);
  // Doubtful amounts, whatever the categories (so the receipt, which reads the same functions, agrees):
  // entered in 元 instead of 万元, or implausible for the authority and category (issue 13).
  const flags: ReasonCode[] = [];
  const flagNotes: string[] = [];
  if (typeof input.fineAmount === 'number' && fineUnitSuspectIn(input.fineAmount, input.content)) {
    flags.push('fine_unit_suspect');
    flagNotes.push(`罚款金额 ${input.fineAmount} 万元与处罚内容中的“${input.fineAmount}元”不符，疑为按元填报，未按巨额罚款处理，请部门核实`);
  }
  const implausible = flags.length ? null : fineImplausible({ fineAmount: input.fineAmount, authority: input.authority }, settings);
  if (implausible) {
    flags.push('fine_implausible');
    flagNotes.push(implausible.note);
  }
  reasons.push(...flags);
  notes.push(...flagNotes);
  const perCategory: CategorySeverity[] = codes.map((code) => ({ code, severity: categoryClass(code, input, settings, reasons, notes, flags.length > 0), known: true }));
  for (const u of unknown) perCategory.push({ code: u, severity: settings.defaultSeverity, known: false });
  if (unknown.length) reasons.push('unknown_category');

  // The department's class wins, then 简易程序; both apply to the whole decision.
  // 行政处罚法 art. 51 amounts or a 警告 alone, without a 处罚程序 field: possibly 简易程序 (issue 13).
  const presumed = !input.explicitSeverity && input.simpleProcedure === undefined && input.possiblySimpleProcedure === true;
  const simple = input.simpleProcedure === true || (presumed && settings.possiblySimpleProcedure === 'treat_as_simple');
  const forced: Severity | null = input.explicitSeverity ?? (simple ? '轻微' : null);
  if (presumed && !simple) {
    reasons.push('possibly_simple_procedure');
    notes.push('警告或小额罚款，可能适用简易程序（2026 年规则不予公示），请部门确认处罚程序');
  }
  if (forced) {
    // Amount rules do not apply once the class is given, so their reasons are dropped.
    const why: ReasonCode[] = [input.explicitSeverity ? 'explicit_severity' : 'simple_procedure'];
    if (!input.explicitSeverity && input.simpleProcedure !== true) why.push('possibly_simple_procedure');
    if (unknown.length) why.push('unknown_category');
    // The doubtful-amount flags stay: the department still has to confirm the amount.
    why.push(...flags);
    const primary = heaviestCode(SGS_CF_V2, 'CF_CFLB', codes) ?? unknown[0] ?? '';
    return { severity: forced, source: input.explicitSeverity ? 'explicit' : 'simple_procedure', categories: [{ code: primary, severity: forced, known: codes.length > 0 }], codes, reasons: why, notes: flagNotes };
  }
  if (perCategory.length === 0) {
    reasons.push('no_category');
    return { severity: settings.defaultSeverity, source: 'default', categories: [], codes, reasons, notes };
  }
  const severity = perCategory.reduce<Severity>((acc, c) => heavier(acc, c.severity), '轻微');
  return { severity, source: 'categories', categories: perCategory, codes, reasons: [...new Set(reasons)], notes };
}
