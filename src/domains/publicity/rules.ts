// Publicity regimes as data (docs/domain/03-publicity.md §3): each rule set has an effective date and lives in
// defaults/regime-*.json. Callers may pass their own sets (e.g. from the database) through
// validateRuleSets, which checks shape, period order, unique dates and that every pattern compiles.
import { Value } from '@sinclair/typebox/value';
import regime2019 from './defaults/regime-2019.json' with { type: 'json' };
import regime2023 from './defaults/regime-2023.json' with { type: 'json' };
import regime2026 from './defaults/regime-2026.json' with { type: 'json' };
import { PublicityError } from './errors.ts';
import { parseDay } from './dates.ts';
import { RuleSetSchema, SEVERITIES, type RuleSet } from './publicity.schemas.ts';

/** Checks one rule set and returns it typed; throws PublicityError('invalid_rule_set') listing every problem. */
export function validateRuleSet(value: unknown): RuleSet {
  if (!Value.Check(RuleSetSchema, value)) {
    const issues = [...Value.Errors(RuleSetSchema, value)].slice(0, 20).map((e) => `${e.path || '/'}：${e.message}`);
    throw new PublicityError('invalid_rule_set', `公示期规则格式错误：${issues[0] ?? ''}`, issues);
  }
  const issues: string[] = [];
  const where = `规则 ${value.id}`;
  if (Number.isNaN(parseDay(value.effectiveFrom))) issues.push(`${where}：生效日期 ${value.effectiveFrom} 无效`);
  for (const s of SEVERITIES) {
    const c = value.classes[s];
    if (c.minMonths > c.maxMonths) issues.push(`${where}：${s}的最短公示期长于最长公示期`);
  }
  for (const m of value.sectorMinimums) {
    for (const s of SEVERITIES) {
      if (m.minMonths > value.classes[s].maxMonths && value.classes[s].publish) {
        issues.push(`${where}：${m.sectors.join('、')}的最短公示期长于${s}的最长公示期`);
      }
    }
  }
  for (const c of value.specificSerious?.conducts ?? []) {
    for (const p of c.patterns) {
      try {
        new RegExp(p, 'u');
      } catch {
        issues.push(`${where}：特定严重失信行为“${c.label}”的匹配式 ${p} 无法解析`);
      }
    }
  }
  if (issues.length) throw new PublicityError('invalid_rule_set', issues[0], issues);
  return value;
}

/** Validates a list of rule sets: each one, unique ids and effective dates. Returns them oldest first. */
export function validateRuleSets(values: readonly unknown[]): RuleSet[] {
  if (values.length === 0) throw new PublicityError('invalid_rule_set', '至少需要一套公示期规则', ['至少需要一套公示期规则']);
  const sets = values.map(validateRuleSet);
  const issues: string[] = [];
  const ids = new Set<string>();
  const dates = new Set<string>();
  for (const r of sets) {
    if (ids.has(r.id)) issues.push(`规则编号 ${r.id} 重复`);
    if (dates.has(r.effectiveFrom)) issues.push(`生效日期 ${r.effectiveFrom} 重复`);
    ids.add(r.id);
    dates.add(r.effectiveFrom);
  }
  if (issues.length) throw new PublicityError('invalid_rule_set', issues[0], issues);
  return sortRuleSets(sets);
}

/** Oldest first, by effective date. */
export function sortRuleSets(sets: readonly RuleSet[]): RuleSet[] {
  return [...sets].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
}

/** Freezes an object graph, so shared defaults cannot be changed by one caller for all. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The shipped regimes: 2019 (527号), 2023 (第58号令), 2026-04-01 (信用修复管理办法), oldest first. */
export const DEFAULT_RULE_SETS: readonly RuleSet[] = deepFreeze(validateRuleSets([regime2019, regime2023, regime2026]));

/**
 * The rule set in force on `day` (the last one whose effective date is on or before it), or
 * undefined when `day` precedes every rule set. `sorted` must be oldest first.
 */
export function ruleSetInForce(sorted: readonly RuleSet[], day: number, effective: (r: RuleSet) => number = (r) => parseDay(r.effectiveFrom)): RuleSet | undefined {
  let hit: RuleSet | undefined;
  for (const r of sorted) {
    if (effective(r) <= day) hit = r;
    else break;
  }
  return hit;
}
