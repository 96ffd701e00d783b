// The repair settings (信用修复设置), one jsonb value under the settings key 'repair' over these defaults.
// Deadlines: docs/domain/03-publicity.md §3.3 (10 working days to answer, 3 to decide); the repeat-offender bar
// and per-regime deadlines are [M] there, so they are settings the credit office confirms.
import { getSetting } from '../../platform/settings.ts';
import type { DbOrTx } from '../../db/index.ts';

export const REPAIR_SETTINGS_KEY = 'repair';

/** Working-day deadlines of one regime. */
export interface RepairDeadlines {
  /** The applicant gets an answer within this many working days of applying. */
  answerDays: number;
  /** The deciding department decides within this many working days of receiving the application. */
  decideDays: number;
}

export interface RepairSettings {
  /** Per regime id ('2019', '2023', '2026'); `default` for a regime not listed. */
  deadlines: Record<string, RepairDeadlines> & { default: RepairDeadlines };
  /** Materials: largest file, most files per application. */
  maxFileBytes: number;
  maxFiles: number;
  /** 屡禁不止、屡罚不改 (§3.3, [M]): with `enabled`, `count` or more penalties within `years` bar an application. */
  repeatOffenderBar: { enabled: boolean; years: number; count: number };
  /** The bankruptcy-restructuring channel (§3.3): a court-approved plan lets an enterprise apply, with the ruling. */
  restructuringChannel: boolean;
}

export const DEFAULT_REPAIR_SETTINGS: RepairSettings = {
  // docs/domain/03-publicity.md §3.3: 10 working days to forward and answer, 3 for the regulator to decide.
  deadlines: { default: { answerDays: 10, decideDays: 3 } },
  maxFileBytes: 10 * 1024 * 1024,
  maxFiles: 10,
  repeatOffenderBar: { enabled: false, years: 3, count: 3 },
  restructuringChannel: true,
};

/** The repair settings in force: the stored value over the defaults (unknown keys ignored). */
export async function repairSettings(db: DbOrTx): Promise<RepairSettings> {
  const stored = ((await getSetting(db, REPAIR_SETTINGS_KEY)) ?? {}) as Partial<RepairSettings>;
  return {
    ...DEFAULT_REPAIR_SETTINGS,
    ...stored,
    deadlines: { ...DEFAULT_REPAIR_SETTINGS.deadlines, ...(stored.deadlines ?? {}) },
    repeatOffenderBar: { ...DEFAULT_REPAIR_SETTINGS.repeatOffenderBar, ...(stored.repeatOffenderBar ?? {}) },
  };
}

/** The deadlines of a regime (its own entry, else the default). */
export function deadlinesOf(s: RepairSettings, regime: string): RepairDeadlines {
  return s.deadlines[regime] ?? s.deadlines.default;
}
