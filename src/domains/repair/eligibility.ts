// Eligibility before applying (修复资格, issue 15 §1): for each public negative record of a subject, what the
// publicity engine knows — repairable at all, the earliest day to apply, the materials its regime requires —
// and, for the subject, whether the repeat-offender bar applies. Pure over the engine's facts and settings.
import type { RepairFacts } from '../publicity/index.ts';
import { MATERIAL_KINDS, requiredMaterials, type MaterialKind } from './materials.ts';
import type { RepairSettings } from './repair.settings.ts';

export type EligibilityState = 'eligible' | 'not_yet' | 'not_repairable' | 'open_application';

/** One record as the portal shows it before applying. */
export interface RecordEligibility {
  recordId: string;
  recordType: string;
  docNo: string;
  decisionDate: string | null;
  authority: string | null;
  conduct: string | null;
  departmentId: number;
  regime: string | null;
  severity: string | null;
  specificSerious: boolean;
  publicUntil: string | null;
  state: EligibilityState;
  /** First day an application is accepted; null when it never is. */
  earliestDate: string | null;
  /** Why it cannot be applied for now, in Chinese (null when eligible). */
  reason: string | null;
  materials: Array<{ kind: MaterialKind; name: string }>;
}

const TYPE_NAMES: Record<string, string> = { penalty: '行政处罚', black_list: '严重失信主体名单' };

/** The Chinese name of a negative record type. */
export const recordTypeName = (t: string): string => TYPE_NAMES[t] ?? t;

/**
 * The eligibility of one public record on `today` (YYYY-MM-DD). The restructuring channel (docs/domain/03-publicity.md
 * §3.3) does not wait for the minimum period, but never opens 特定严重失信 (§3.1).
 */
export function recordEligibility(f: RepairFacts, today: string, channel: 'standard' | 'restructuring', openApplication: boolean): RecordEligibility {
  const d = f.decision;
  const base = {
    recordId: f.recordId,
    recordType: f.recordType,
    docNo: f.docNo,
    decisionDate: f.decisionDate,
    authority: f.authority,
    conduct: f.conduct,
    departmentId: f.departmentId,
    regime: d?.regime ?? null,
    severity: d?.severity ?? null,
    specificSerious: d?.specificSerious ?? false,
    publicUntil: d?.until ?? null,
    materials: requiredMaterials(d?.regime ?? null, d?.severity ?? null, channel).map((kind) => ({ kind, name: MATERIAL_KINDS[kind] })),
  };
  if (!d || d.audience !== 'public') {
    return { ...base, state: 'not_repairable', earliestDate: null, reason: '该信息未在公示中，无需申请信用修复' };
  }
  if (d.specificSerious) {
    // docs/domain/03-publicity.md §3.1: 特定严重失信行为 stays the full period and cannot be repaired.
    return { ...base, state: 'not_repairable', earliestDate: null, reason: `特定严重失信行为，依${d.regime}年规则公示期满前不可信用修复，公示至 ${d.until ?? '期满'}` };
  }
  if (d.repairableFrom === null) {
    return { ...base, state: 'not_repairable', earliestDate: null, reason: `依现行规则不可信用修复：${d.explanation}` };
  }
  if (openApplication) {
    return { ...base, state: 'open_application', earliestDate: d.repairableFrom, reason: '该信息已有办理中的信用修复申请' };
  }
  if (channel === 'standard' && today < d.repairableFrom) {
    // docs/domain/03-publicity.md §3.3: after the minimum a repair may be applied for.
    return { ...base, state: 'not_yet', earliestDate: d.repairableFrom, reason: `最短公示期未满，${d.repairableFrom} 起可申请信用修复` };
  }
  return { ...base, state: 'eligible', earliestDate: d.repairableFrom, reason: null };
}

/** The repeat-offender bar (屡禁不止、屡罚不改, docs/domain/03-publicity.md §3.3, [M]): the reason it applies, or null. */
export function repeatOffenderBar(s: RepairSettings, penaltiesInWindow: number): string | null {
  const bar = s.repeatOffenderBar;
  if (!bar.enabled || penaltiesInWindow < bar.count) return null;
  return `近 ${bar.years} 年内受到行政处罚 ${penaltiesInWindow} 次（达到 ${bar.count} 次），属屡禁不止、屡罚不改情形，暂不受理信用修复申请`;
}
