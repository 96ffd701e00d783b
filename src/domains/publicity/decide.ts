// The publicity decision (docs/domain/03-publicity.md §3, §3.5, docs/domain/01-sgs.md §1.3): is a record public on a given day, to whom, from
// when until when, when may repair be applied for, under which regime — and why, in stable reason
// codes and one Chinese sentence. Pure: no clock, no database. The scheduled job uses
// nextChangeDate and sweep.
import { heaviestCode } from '../catalog/index.ts';
import { SGS_CF_V2 } from '../catalog/index.ts';
import { addMonths, dayOfAt, formatMonths, isoDay, parseDay } from './dates.ts';
import { DEFAULT_RULE_SETS, ruleSetInForce, sortRuleSets } from './rules.ts';
import { deriveSector, matchSeriousConduct } from './sectors.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { readSanction } from './sanctions.ts';
import { classifySeverity, type SeverityResult } from './severity.ts';
import type {
  Audience,
  PeriodOverride,
  PublicityDecision,
  PublicityInput,
  PublicitySettings,
  ReasonCode,
  RecordType,
  RuleSet,
  Severity,
  TransitionRule,
} from './publicity.schemas.ts';

/** Reasons that take a record out of every audience for good (docs/domain/03-publicity.md §3.5, docs/domain/01-sgs.md §1.4 rule 7, docs/domain/03-publicity.md §3.3 art. 3). */
const PERMANENT: ReadonlySet<ReasonCode> = new Set(['invalid_decision_date', 'minor_subject', 'withdrawn', 'repaired']);
/** Reasons that withhold or end publicity; listed first in `reasons`, in this order. */
const BLOCKING: readonly ReasonCode[] = [
  'invalid_decision_date',
  'minor_subject',
  'withdrawn',
  'repaired',
  'ended',
  'removed_from_list',
  'not_published_by_setting',
  'minor_offence_not_published',
  'not_yet_public',
  'expired',
  // Last: it only holds back a record that would otherwise be public (issue 13, minors beyond the 身份证).
  'age_unconfirmed',
];

const TYPE_NAMES: Record<Exclude<RecordType, 'penalty'>, string> = {
  permit: '行政许可',
  red_list: '守信激励名单',
  black_list: '严重失信主体名单',
  other: '其他行政管理信息',
};

/** The publicity period of a penalty under one regime. Days are epoch days; `untilDay` is inclusive. */
interface Window {
  rule: RuleSet;
  publish: boolean;
  severity: Severity;
  minMonths: number;
  maxMonths: number;
  /** Repair is possible at all (false for 特定严重失信 under 2019). */
  repairable: boolean;
  specificSerious: boolean;
  primaryCategory: string | null;
  minUntilDay: number;
  /** Last public day; for a class that is not published, the last day it was public under an earlier regime, else null. */
  untilDay: number | null;
  repairableFromDay: number | null;
  reasons: ReasonCode[];
  notes: string[];
}

const sortedCache = new WeakMap<readonly RuleSet[], RuleSet[]>();
function sorted(rules: readonly RuleSet[]): RuleSet[] {
  let s = sortedCache.get(rules);
  if (!s) {
    s = sortRuleSets(rules);
    sortedCache.set(rules, s);
  }
  return s;
}

const effectiveCache = new WeakMap<RuleSet, number>();
/** Epoch day of a rule set's effective date (validated rule sets always have one). */
function effectiveDay(r: RuleSet): number {
  let d = effectiveCache.get(r);
  if (d === undefined) {
    d = parseDay(r.effectiveFrom);
    effectiveCache.set(r, d);
  }
  return d;
}

function overrideMatches(o: PeriodOverride, regime: string, sector: string | null, severity: Severity): boolean {
  if (o.regimes?.length && !o.regimes.includes(regime)) return false;
  if (o.sectors?.length && (sector === null || !o.sectors.includes(sector))) return false;
  if (o.severities?.length && !o.severities.includes(severity)) return false;
  return true;
}

/**
 * 特定严重失信 (docs/domain/03-publicity.md §3.1): 责令停产停业 or 吊销 in a listed sector, or for a listed conduct.
 * The combined pre-2021 code L4 (暂扣或者吊销) counts only when 处罚内容 imposes 吊销 (not "不予吊销").
 */
function specificSeriousOf(rule: RuleSet, sev: SeverityResult, sector: string | null, text: PenaltyText): string | null {
  const ss = rule.specificSerious;
  if (!ss) return null;
  if (sev.source === 'simple_procedure') return null;
  if (sev.source === 'explicit' && sev.severity !== '严重') return null;
  const sanction = sev.codes.some((c) => ss.sanctions.includes(c)) || (readSanction(text.content, '吊销')?.affirmed === true && sev.codes.some((c) => ss.revocationOnlyIfText.includes(c)));
  if (!sanction) return null;
  if (sector !== null && ss.sectors.includes(sector)) return sector;
  return matchSeriousConduct(ss, text.all);
}

/** The texts a penalty is read from: conduct and content together, and 处罚内容 alone (sanctions). */
interface PenaltyText {
  all: string;
  content: string;
}

/** The period of a penalty under `rule`: per category, sector minimum, overrides, longest wins. */
function penaltyWindow(decisionDay: number, rule: RuleSet, sev: SeverityResult, sector: string | null, text: PenaltyText, s: PublicitySettings): Window {
  const reasons: ReasonCode[] = [];
  const notes: string[] = [...sev.notes];
  const entries = sev.categories.length ? sev.categories : [{ code: '', severity: sev.severity, known: false }];
  const periods = entries.map((e) => {
    const cls = rule.classes[e.severity];
    let publish = cls.publish;
    let min = cls.minMonths;
    let max = cls.maxMonths;
    let sectorMin: { months: number } | null = null;
    if (publish && sector !== null) {
      for (const m of rule.sectorMinimums) {
        if (m.sectors.includes(sector) && m.minMonths > min) {
          min = m.minMonths;
          sectorMin = { months: m.minMonths };
        }
      }
    }
    const bases: string[] = [];
    for (const o of s.periodOverrides) {
      if (!overrideMatches(o, rule.id, sector, e.severity)) continue;
      if (o.publish !== undefined) publish = o.publish;
      if (o.minMonths !== undefined) min = o.minMonths;
      if (o.maxMonths !== undefined) max = o.maxMonths;
      bases.push(o.basis);
    }
    if (min > max) max = min;
    return { code: e.code, severity: e.severity, publish, min, max, sectorMin, bases };
  });

  const published = periods.filter((p) => p.publish);
  let publish = published.length > 0;
  let minMonths = 0;
  let maxMonths = 0;
  let primary: string | null;
  if (publish) {
    minMonths = Math.max(...published.map((p) => p.min));
    maxMonths = Math.max(...published.map((p) => p.max));
    // "同一决定涉及多个处罚种类的，按公示期最长的执行" (docs/domain/03-publicity.md §3.2); ties by the §1.3 order.
    const longest = published.filter((p) => p.max === maxMonths);
    primary = heaviestCode(SGS_CF_V2, 'CF_CFLB', longest.map((p) => p.code)) ?? longest[0].code;
    if (new Set(periods.map((p) => `${p.publish}/${p.min}/${p.max}`)).size > 1) reasons.push('longest_category');
    const floor = published.find((p) => p.sectorMin && p.min === minMonths && p.bases.length === 0);
    if (floor && sector) {
      reasons.push('sector_minimum');
      notes.push(`${sector}领域最短公示期 ${formatMonths(minMonths)}`);
    }
  } else {
    primary = heaviestCode(SGS_CF_V2, 'CF_CFLB', periods.map((p) => p.code)) ?? periods[0].code;
    // Keep the class's own bounds for display; nothing is published.
    minMonths = rule.classes[sev.severity].minMonths;
    maxMonths = rule.classes[sev.severity].maxMonths;
  }
  const bases = [...new Set(periods.flatMap((p) => p.bases))];
  if (bases.length) {
    reasons.push('period_override');
    for (const b of bases) notes.push(`依${b}`);
  }

  let severity: Severity = rule.classes[sev.severity].reportAs ?? sev.severity;
  let repairable = publish;
  const serious = specificSeriousOf(rule, sev, sector, text);
  let specificSerious = false;
  if (serious !== null && rule.specificSerious) {
    specificSerious = true;
    publish = true;
    repairable = false;
    severity = '严重';
    minMonths = maxMonths = rule.specificSerious.months;
    reasons.push('specific_serious');
    notes.unshift(`特定严重失信行为（${serious}），不可信用修复`);
  }
  if (primary === '') primary = null;

  const minUntilDay = addMonths(decisionDay, minMonths);
  return {
    rule,
    publish,
    severity,
    minMonths,
    maxMonths,
    repairable,
    specificSerious,
    primaryCategory: primary,
    minUntilDay,
    untilDay: publish ? addMonths(decisionDay, maxMonths) : null,
    // 最短公示期满后可申请修复; with no minimum (轻微 where published) at once.
    repairableFromDay: repairable ? (minMonths === 0 ? decisionDay : minUntilDay + 1) : null,
    reasons,
    notes,
  };
}

const TRANSITION_LABELS: Record<TransitionRule, string> = {
  decision_date: '施行前作出的决定适用决定时的规则',
  new_for_all: '仍在公示的决定一律适用新规则',
  lighter: '仍在公示的决定适用新旧规则中较轻者',
};
const TRANSITION_FLAGS: Record<TransitionRule, 'yes' | 'if_lenient' | null> = { decision_date: null, new_for_all: 'yes', lighter: 'if_lenient' };

/** Ends publicity earlier or withholds it: true when `a` is more lenient to the subject than `b`. */
function moreLenient(a: Window, b: Window): boolean {
  const ua = a.publish && a.untilDay !== null ? a.untilDay : -Infinity;
  const ub = b.publish && b.untilDay !== null ? b.untilDay : -Infinity;
  if (ua !== ub) return ua < ub;
  const ra = a.repairableFromDay ?? Infinity;
  const rb = b.repairableFromDay ?? Infinity;
  return ra < rb;
}

/**
 * Which regime governs a penalty on `atDay`: the one in force on the decision date, replaced by a
 * newer regime already in force only when that regime (or the settings) claims existing records —
 * and only while the record was still public when it came into force: a newer regime never brings
 * back a record that had already left publicity.
 */
function resolvePenalty(decisionDay: number, atDay: number, rules: RuleSet[], sev: SeverityResult, sector: string | null, text: PenaltyText, s: PublicitySettings) {
  const reasons: ReasonCode[] = [];
  let base = ruleSetInForce(rules, decisionDay, effectiveDay);
  if (!base) {
    base = rules[0];
    reasons.push('before_first_regime');
  }
  let w = penaltyWindow(decisionDay, base, sev, sector, text, s);
  let reviewDay: number | null = null;
  const transitionDay = parseDay(s.transition.from);
  // The transition rule governs the regime in force on its day and later ones.
  const transitionRegime = ruleSetInForce(rules, transitionDay, effectiveDay);
  const coveredFrom = transitionRegime ? effectiveDay(transitionRegime) : Infinity;
  // The chosen rule matters only for a decision made before it that was still public then.
  // It is shown once in force, unless a per-regime flag (setting or rule set) decides instead.
  const governs = transitionRegime !== undefined && s.appliesToExisting[transitionRegime.id] === undefined && transitionRegime.appliesToExisting === 'no';
  const transitionNote =
    governs && atDay >= transitionDay && decisionDay < transitionDay && effectiveDay(base) < coveredFrom && w.publish && w.untilDay !== null && w.untilDay >= transitionDay
      ? `过渡规则：${TRANSITION_LABELS[s.transition.rule]}（${s.transition.from} 起，由信用办确定）`
      : null;
  for (const r of rules) {
    if (effectiveDay(r) <= effectiveDay(base)) continue;
    const byTransition = effectiveDay(r) >= coveredFrom ? TRANSITION_FLAGS[s.transition.rule] : null;
    const flag = s.appliesToExisting[r.id] ?? (r.appliesToExisting === 'no' ? (byTransition ?? 'no') : r.appliesToExisting);
    // A newer regime reaches earlier decisions no sooner than the transition day the credit office chose.
    const eff = byTransition && flag === byTransition ? Math.max(effectiveDay(r), transitionDay) : effectiveDay(r);
    if (flag === 'no') continue;
    if (!w.publish || w.untilDay === null || w.untilDay < eff) continue;
    if (eff > atDay) {
      reviewDay = eff;
      break;
    }
    const cand = penaltyWindow(decisionDay, r, sev, sector, text, s);
    if (flag === 'yes' || moreLenient(cand, w)) {
      // It was public under the earlier regime up to the day before the switch.
      cand.untilDay = cand.publish ? Math.max(cand.untilDay ?? eff - 1, eff - 1) : eff - 1;
      cand.reasons.push(flag === 'yes' ? 'regime_applies_to_existing' : 'regime_more_lenient');
      w = cand;
    }
  }
  return { w, reasons, reviewDay, transitionNote };
}

interface Draft {
  record: PublicityInput;
  atDay: number;
  s: PublicitySettings;
  sector: string | null;
}

function finish(
  d: Draft,
  o: {
    blocking: ReasonCode[];
    info: ReasonCode[];
    fromDay: number | null;
    untilDay: number | null;
    minUntilDay: number | null;
    repairableFromDay: number | null;
    repairablePossible: boolean;
    severity: Severity | null;
    regime: string;
    explanation: string;
    reviewDay: number | null;
    specificSerious: boolean;
    primaryCategory: string | null;
  },
): PublicityDecision {
  const blocking = BLOCKING.filter((b) => o.blocking.includes(b));
  const isPublic = blocking.length === 0;
  let audience: Audience = 'public';
  if (blocking.some((b) => PERMANENT.has(b))) audience = 'none';
  else if (!isPublic) audience = blocking[0] === 'expired' || blocking[0] === 'removed_from_list' ? d.s.expiredAudience : 'government';
  const permanent = audience === 'none';
  const reasons = [...blocking, ...[...new Set(o.info)].filter((r) => !BLOCKING.includes(r))];
  return {
    public: isPublic,
    audience,
    from: permanent && o.untilDay === null ? null : o.fromDay === null ? null : isoDay(o.fromDay),
    until: o.untilDay === null ? null : isoDay(o.untilDay),
    minUntil: o.minUntilDay === null ? null : isoDay(o.minUntilDay),
    repairableFrom: o.repairableFromDay === null ? null : isoDay(o.repairableFromDay),
    repairable: isPublic && o.repairablePossible && o.repairableFromDay !== null && d.atDay >= o.repairableFromDay,
    severity: o.severity,
    regime: o.regime,
    reasons,
    explanation: o.explanation,
    evaluatedAt: isoDay(d.atDay),
    reviewAt: o.reviewDay === null ? null : isoDay(o.reviewDay),
    specificSerious: o.specificSerious,
    sector: d.sector,
    primaryCategory: o.primaryCategory,
  };
}

/** The common blocks: minors (§3.5), withdrawal (§1.4 rule 7), 注销/失效 (issue 13) and repair (§3.3 art. 3). */
function commonBlocks(d: Draft): { blocking: ReasonCode[]; repairedDay: number | null; pendingRepairDay: number | null } {
  const blocking: ReasonCode[] = [];
  if (d.record.subjectIsMinor) blocking.push('minor_subject');
  if (d.record.withdrawn) blocking.push('withdrawn');
  else if (d.record.ended) blocking.push('ended');
  // docs/domain/03-publicity.md §3.5: a minor's penalty is never published; without a birth date the age is not guessed.
  if (!d.record.subjectIsMinor && d.record.subjectAgeUnknown) blocking.push('age_unconfirmed');
  const r = parseDay(d.record.repairedAt);
  let repairedDay: number | null = null;
  let pendingRepairDay: number | null = null;
  if (!Number.isNaN(r)) {
    if (r <= d.atDay) {
      blocking.push('repaired');
      repairedDay = r;
    } else {
      pendingRepairDay = r;
    }
  }
  return { blocking, repairedDay, pendingRepairDay };
}

/** Chinese sentence for the first blocking reason (or the public case). */
function blockedSentence(first: ReasonCode, d: Draft, stoppedDay: number | null): string | null {
  switch (first) {
    case 'minor_subject':
      return '不予公示：当事人为未成年人';
    case 'withdrawn':
      return d.record.recordType === 'penalty' ? '不予公示：处罚决定已撤销或无效' : '不予公示：该信息已撤销或无效';
    case 'ended':
      return '不再社会公开：该信息已注销或失效，仍供政务共享';
    case 'age_unconfirmed':
      // Penalties say until when they would be public (decidePenalty); other records the short form.
      return d.record.recordType === 'penalty' ? null : '暂不公示：当事人证件不含出生日期且未填写出生日期，请部门确认是否成年';
    case 'repaired':
      return `已于 ${isoDay(stoppedDay ?? d.atDay)} 停止公示：已完成信用修复`;
    default:
      return null;
  }
}

function minDay(...days: (number | null)[]): number | null {
  let m: number | null = null;
  for (const x of days) if (x !== null && (m === null || x < m)) m = x;
  return m;
}

function decidePenalty(d: Draft, decisionDay: number, rules: RuleSet[]): PublicityDecision {
  const { record, atDay, s } = d;
  const sev = classifySeverity(record, s);
  const text: PenaltyText = { all: `${record.conduct ?? ''} ${record.content ?? ''}`, content: record.content ?? '' };
  const { w, reasons: regimeReasons, reviewDay, transitionNote } = resolvePenalty(decisionDay, atDay, rules, sev, d.sector, text, s);
  const info: ReasonCode[] = [...sev.reasons, ...regimeReasons, ...w.reasons];
  const common = commonBlocks(d);
  const blocking = [...common.blocking];

  let untilDay = w.untilDay;
  let deptApplied = false;
  const dept = parseDay(record.publicityEndDate);
  if (!Number.isNaN(dept) && w.publish && untilDay !== null && dept !== untilDay) {
    if (s.departmentEndDate === 'if_shorter' && dept < untilDay) {
      untilDay = Math.max(dept, w.minUntilDay);
      deptApplied = true;
      info.push('department_end_date_applied');
    } else {
      info.push('department_end_date_ignored');
    }
  }
  const scheduledUntil = untilDay;
  if (common.repairedDay !== null && untilDay !== null) untilDay = Math.min(untilDay, common.repairedDay - 1);
  const neverPublic = untilDay === null || untilDay < decisionDay;

  if (!w.publish) blocking.push('minor_offence_not_published');
  if (w.publish && atDay < decisionDay) blocking.push('not_yet_public');
  if (w.publish && scheduledUntil !== null && atDay > scheduledUntil) blocking.push('expired');

  const ordered = BLOCKING.filter((b) => blocking.includes(b));
  const label = w.rule.label;
  const head = `${w.severity}失信，${label}，最长 ${formatMonths(w.maxMonths)}`;
  let explanation: string;
  const first = ordered[0];
  const fixed = first ? blockedSentence(first, d, common.repairedDay) : null;
  if (fixed) explanation = fixed;
  else if (first === 'minor_offence_not_published') {
    explanation =
      w.untilDay === null
        ? `不予公示：${w.severity}失信，${label}原则上不公示`
        : `已于 ${isoDay(w.untilDay + 1)} 停止公示：${w.severity}失信，${label}原则上不公示`;
  } else if (first === 'not_yet_public') {
    explanation = `尚未公示：将于 ${isoDay(decisionDay)} 起公示至 ${isoDay(untilDay!)}（${head}）`;
  } else if (first === 'expired') {
    explanation = `已于 ${isoDay(scheduledUntil! + 1)} 停止公示：超过最长公示期（${head}）`;
  } else if (first === 'age_unconfirmed') {
    explanation = `暂不公示：当事人为自然人，证件不含出生日期且未填写出生日期，不能排除未成年人，请部门确认（补报出生日期后按规则公示至 ${isoDay(untilDay!)}，${head}）`;
  } else {
    const parts = [`公示至 ${isoDay(untilDay!)}：${head}`, ...w.notes];
    if (deptApplied) parts.push('按部门报送的公示截止期提前结束');
    if (w.repairableFromDay !== null) {
      parts.push(atDay >= w.repairableFromDay ? '可申请信用修复' : `${isoDay(w.repairableFromDay)} 起可申请信用修复`);
    }
    explanation = parts.join('；');
  }
  if (transitionNote) explanation += `；${transitionNote}`;

  const permanent = ordered.some((b) => PERMANENT.has(b));
  return finish(d, {
    blocking: ordered,
    info,
    fromDay: neverPublic && !w.publish ? null : decisionDay,
    untilDay: permanent && common.repairedDay === null ? null : neverPublic ? null : untilDay,
    minUntilDay: permanent || !w.publish ? null : w.minUntilDay,
    repairableFromDay: permanent || !w.publish ? null : w.repairableFromDay,
    repairablePossible: w.repairable,
    severity: w.severity,
    regime: w.rule.id,
    explanation,
    reviewDay: permanent ? null : minDay(reviewDay, common.pendingRepairDay),
    specificSerious: w.specificSerious,
    primaryCategory: w.primaryCategory,
  });
}

/** Permits, red and black lists, other records: public from the decision date to their own end. */
function decideTimed(d: Draft, decisionDay: number): PublicityDecision {
  const { record, atDay, s } = d;
  const type = record.recordType as Exclude<RecordType, 'penalty'>;
  const name = TYPE_NAMES[type];
  const cfg = type === 'permit' ? s.permit : type === 'red_list' ? s.redList : type === 'black_list' ? s.blackList : s.other;
  const isList = type === 'red_list' || type === 'black_list';
  const info: ReasonCode[] = [];
  const common = commonBlocks(d);
  const blocking = [...common.blocking];
  const longTermDay = parseDay(s.longTermFrom);

  // Candidate ends (inclusive last public day) and what each means.
  let validityDay: number | null = null;
  const valid = parseDay(record.validUntil);
  if (!Number.isNaN(valid) && (type !== 'permit' || s.permit.untilValidityEnd)) {
    if (valid >= longTermDay) info.push('long_term');
    else validityDay = valid;
  }
  const maxDay = cfg.maxMonths === null ? null : addMonths(decisionDay, cfg.maxMonths);
  const removed = isList ? parseDay(record.removedAt) : NaN;
  const removedDay = Number.isNaN(removed) ? null : removed;
  const scheduledUntil = minDay(validityDay, maxDay);
  let untilDay = minDay(scheduledUntil, removedDay === null ? null : removedDay - 1);
  if (common.repairedDay !== null) untilDay = minDay(untilDay, common.repairedDay - 1);

  if (!cfg.publish) blocking.push('not_published_by_setting');
  if (removedDay !== null && removedDay <= atDay) blocking.push('removed_from_list');
  if (atDay < decisionDay) blocking.push('not_yet_public');
  if (scheduledUntil !== null && atDay > scheduledUntil) blocking.push('expired');
  const ordered = BLOCKING.filter((b) => blocking.includes(b));
  const permanent = ordered.some((b) => PERMANENT.has(b));

  const first = ordered[0];
  const ends = (day: number) => (validityDay === day ? '有效期已届满' : '超过最长公示期');
  let explanation = first ? blockedSentence(first, d, common.repairedDay) : null;
  if (explanation === null) {
    if (first === 'not_published_by_setting') explanation = `不予公示：本平台设置不公示${name}`;
    else if (first === 'removed_from_list') explanation = `已于 ${isoDay(removedDay!)} 停止公示：已移出名单`;
    else if (first === 'not_yet_public') explanation = `尚未公示：将于 ${isoDay(decisionDay)} 起公示`;
    else if (first === 'expired') explanation = `已于 ${isoDay(scheduledUntil! + 1)} 停止公示：${name}${ends(scheduledUntil!)}`;
    else if (untilDay !== null) {
      const detail = untilDay === validityDay ? `，有效期至 ${isoDay(validityDay)}` : untilDay === maxDay ? `，最长 ${formatMonths(cfg.maxMonths!)}` : '';
      explanation = `公示至 ${isoDay(untilDay)}：${name}${detail}`;
    } else if (type === 'permit') explanation = `公示中：${name}，长期有效`;
    else if (isList) explanation = `公示中：${name}，未设有效期，移出名单后停止公示`;
    else explanation = `公示中：${name}，未设公示期限`;
  }

  const neverPublic = !cfg.publish || (untilDay !== null && untilDay < decisionDay);
  return finish(d, {
    blocking: ordered,
    info,
    fromDay: permanent && common.repairedDay === null ? null : neverPublic ? null : decisionDay,
    untilDay: permanent && common.repairedDay === null ? null : neverPublic ? null : untilDay,
    minUntilDay: null,
    repairableFromDay: null,
    repairablePossible: false,
    severity: type === 'black_list' ? '严重' : null,
    regime: 'none',
    explanation,
    reviewDay: permanent ? null : common.pendingRepairDay,
    specificSerious: false,
    primaryCategory: null,
  });
}

/**
 * Decides whether `record` is public on the day of `at` (a Date read in Beijing time, or
 * 'YYYY-MM-DD'), under `rules` (default: the shipped regimes) and `settings` (see resolveSettings).
 */
export function decidePublicity(
  record: PublicityInput,
  at: Date | string,
  rules: readonly RuleSet[] = DEFAULT_RULE_SETS,
  settings: PublicitySettings = DEFAULT_SETTINGS,
): PublicityDecision {
  const atDay = dayOfAt(at);
  const match = deriveSector(record);
  const d: Draft = { record, atDay, s: settings, sector: match?.sector ?? null };
  const decisionDay = parseDay(record.decisionDate);
  if (Number.isNaN(decisionDay)) {
    return finish(d, {
      blocking: ['invalid_decision_date'],
      info: [],
      fromDay: null,
      untilDay: null,
      minUntilDay: null,
      repairableFromDay: null,
      repairablePossible: false,
      severity: null,
      regime: 'none',
      explanation: `不予公示：决定日期“${record.decisionDate}”无效`,
      reviewDay: null,
      specificSerious: false,
      primaryCategory: null,
    });
  }
  if (record.recordType === 'penalty') return decidePenalty(d, decisionDay, sorted(rules));
  return decideTimed(d, decisionDay);
}

/**
 * The next day on which this record's publicity (public or not, audience) may change, judged
 * from the decision alone; null when nothing scheduled can change it. Repair eligibility
 * (repairableFrom) is not a publicity change and is not counted.
 */
export function nextChangeDate(decision: PublicityDecision): string | null {
  if (decision.reasons.some((r) => PERMANENT.has(r))) return null;
  const at = parseDay(decision.evaluatedAt);
  const candidates: number[] = [];
  if (decision.public && decision.until !== null) candidates.push(parseDay(decision.until) + 1);
  const onlyWaiting = decision.reasons.includes('not_yet_public') && !decision.reasons.some((r) => r !== 'not_yet_public' && BLOCKING.includes(r));
  if (onlyWaiting && decision.from !== null) candidates.push(parseDay(decision.from));
  if (decision.reviewAt !== null) candidates.push(parseDay(decision.reviewAt));
  const next = candidates.filter((c) => c > at).sort((a, b) => a - b)[0];
  return next === undefined ? null : isoDay(next);
}

export interface SweepRecord<Id = string> {
  id: Id;
  input: PublicityInput;
  /** Whether the record is published now (as stored). */
  isPublic: boolean;
}

export interface SweepItem<Id = string> {
  id: Id;
  decision: PublicityDecision;
}

/**
 * The records that are published now but must leave publicity on the day of `at` (expired,
 * withdrawn, repaired, removed, minors, …), each with its decision. Pure and idempotent: the job
 * applies the result and records `nextChangeDate(decision)` for the rest.
 */
export function sweep<Id = string>(
  records: Iterable<SweepRecord<Id>>,
  at: Date | string,
  rules: readonly RuleSet[] = DEFAULT_RULE_SETS,
  settings: PublicitySettings = DEFAULT_SETTINGS,
): SweepItem<Id>[] {
  const out: SweepItem<Id>[] = [];
  for (const r of records) {
    if (!r.isPublic) continue;
    const decision = decidePublicity(r.input, at, rules, settings);
    if (!decision.public) out.push({ id: r.id, decision });
  }
  return out;
}
