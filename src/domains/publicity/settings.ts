// Settings of the publicity engine: every value DOMAIN marks [M] or leaves silent, with the
// default this platform ships and why. The credit office changes them; rule sets stay law.
import { Value } from '@sinclair/typebox/value';
import categorySeverity from './defaults/category-severity.json' with { type: 'json' };
import finePlausibility from './defaults/fine-plausibility.json' with { type: 'json' };
import { LONG_TERM_ISO } from './cell-values.ts';
import { PublicityError } from './errors.ts';
import { deepFreeze } from './rules.ts';
import { SettingsSchema, type PublicitySettings, type Severity } from './publicity.schemas.ts';

export const DEFAULT_SETTINGS: Readonly<PublicitySettings> = deepFreeze({
  // 巨额罚款 → 严重 (docs/domain/03-publicity.md §3.3 names the class, not the amount) [M]: 100 万元 until the sector
  // regulators publish their classification standards on 信用中国.
  seriousFineAbove: 100,
  // 较低数额罚款 is not defined in DOMAIN; off by default, so a small fine stays 一般.
  minorFineAtMost: null,
  // docs/domain/03-publicity.md §3.3 lists 没收非法财物 as 一般 without an amount rule; off by default.
  seriousConfiscationAbove: null,
  categorySeverity: categorySeverity.categories as Record<string, Severity>,
  defaultSeverity: categorySeverity.default as Severity,
  // DOMAIN does not say that any regime governs earlier records: every shipped set says 'no'.
  appliesToExisting: {},
  // 行政处罚法 art. 51 amounts without a 处罚程序 field are only *possibly* 简易程序: flagged for the
  // department to confirm, not taken as 轻微 (issue 13).
  possiblySimpleProcedure: 'flag',
  // The 2026-04-01 cliff (issue 13): a 警告 of 2026-03-31 stays public until 2029 under order 58,
  // one of 2026-04-01 is never published. The credit office chooses; the default keeps today's
  // behaviour (the regime of the decision date) until it has.
  transition: {
    rule: 'decision_date',
    from: '2026-04-01',
    basis: '《信用修复管理办法》2026-04-01 施行，未规定施行前作出的决定如何处理（docs/domain/03-publicity.md §3.3）；由信用办确认',
  },
  // No sector law is configured yet ("法律、行政法规另有规定的，从其规定", docs/domain/03-publicity.md §3.3).
  periodOverrides: [],
  // docs/domain/01-sgs.md §1.3: 公示截止期 — "derive from the §3 rules, do not trust the feed".
  departmentEndDate: 'ignore',
  // Publicity ends, the record stays in the shared platform for regulators (政务共享). Repair stops
  // sharing too (docs/domain/03-publicity.md §3.3 办法 art. 3), and so does withdrawal (§1.4 rule 7): both are 'none'.
  expiredAudience: 'government',
  // 行政许可: published, no maximum, until 有效期至 passes (docs/domain/01-sgs.md §1.3 XK_YXQZI, §8 "状态=有效").
  permit: { publish: true, untilValidityEnd: true, maxMonths: null },
  // Lists: public while on the list; their own 有效期至 / 移出日期 end it (docs/domain/02-catalogue.md §2.2, docs/domain/04-joint-measures.md §4.2 step 1).
  redList: { publish: true, maxMonths: null },
  blackList: { publish: true, maxMonths: null },
  // 行政强制/确认/检查… (国办发〔2019〕35号, docs/domain/01-sgs.md §1.1) have no national period: 3 years, the
  // longest period of every regime, so nothing negative stays online longer than a penalty.
  other: { publish: true, maxMonths: 36 },
  longTermFrom: LONG_TERM_ISO,
  // Fines implausible for the authority (issue 13): the ceilings and where they come from are data
  // (defaults/fine-plausibility.json); no sector ceiling is shipped until the credit office names its law.
  fineCeiling: finePlausibility.fineCeiling,
  fineCeilings: finePlausibility.fineCeilings,
});

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type PublicitySettingsPatch = DeepPartial<PublicitySettings>;

/**
 * Defaults merged with `patch` (nested objects merged one level, lists and maps replaced except
 * categorySeverity and appliesToExisting, which are merged by key), then validated.
 * Throws PublicityError('invalid_settings') listing every problem.
 */
export function resolveSettings(patch: PublicitySettingsPatch = {}): PublicitySettings {
  const d = DEFAULT_SETTINGS;
  const merged = {
    ...d,
    ...patch,
    periodOverrides: [...(patch.periodOverrides ?? d.periodOverrides)],
    fineCeilings: [...(patch.fineCeilings ?? d.fineCeilings)],
    categorySeverity: { ...d.categorySeverity, ...(patch.categorySeverity ?? {}) },
    appliesToExisting: { ...d.appliesToExisting, ...(patch.appliesToExisting ?? {}) },
    transition: { ...d.transition, ...(patch.transition ?? {}) },
    permit: { ...d.permit, ...(patch.permit ?? {}) },
    redList: { ...d.redList, ...(patch.redList ?? {}) },
    blackList: { ...d.blackList, ...(patch.blackList ?? {}) },
    other: { ...d.other, ...(patch.other ?? {}) },
  };
  return validateSettings(merged);
}

/** Checks a complete settings object. */
export function validateSettings(value: unknown): PublicitySettings {
  if (!Value.Check(SettingsSchema, value)) {
    const issues = [...Value.Errors(SettingsSchema, value)].slice(0, 20).map((e) => `${e.path || '/'}：${e.message}`);
    throw new PublicityError('invalid_settings', `公示设置格式错误：${issues[0] ?? ''}`, issues);
  }
  const issues: string[] = [];
  if (value.minorFineAtMost !== null && value.seriousFineAbove !== null && value.minorFineAtMost >= value.seriousFineAbove) {
    issues.push('轻微罚款上限应小于严重罚款门槛');
  }
  value.periodOverrides.forEach((o, i) => {
    if (o.minMonths !== undefined && o.maxMonths !== undefined && o.minMonths > o.maxMonths) {
      issues.push(`第 ${i + 1} 条特别规定的最短公示期长于最长公示期`);
    }
  });
  if (issues.length) throw new PublicityError('invalid_settings', issues[0], issues);
  return value;
}
