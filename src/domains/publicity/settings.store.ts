// The publicity settings the credit office has confirmed, stored as one patch over DEFAULT_SETTINGS in the
// platform's settings table (key publicity.settings). The import, the hourly job and `publicity explain` read
// them through loadPublicitySettings, so every decision uses the values shown in the console (issue 13).
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { getSetting, putSetting } from '../../platform/settings.ts';
import { compileItem, SGS_CF_V2 } from '../catalog/index.ts';
import { PublicityError } from './errors.ts';
import type { PublicitySettings, Severity, TransitionRule } from './publicity.schemas.ts';
import { resolveSettings, type PublicitySettingsPatch } from './settings.ts';

export const PUBLICITY_SETTINGS_KEY = 'publicity.settings';

/** What the console may change (issue 13): the settings the credit office confirms. */
export interface PublicitySettingsChange {
  categorySeverity?: Record<string, Severity>;
  transition?: { rule?: TransitionRule; from?: string };
  possiblySimpleProcedure?: 'flag' | 'treat_as_simple';
  seriousFineAbove?: number | null;
  fineCeiling?: number | null;
}

/** The stored patch (empty when the credit office never changed anything). */
async function storedPatch(db: DbOrTx): Promise<PublicitySettingsPatch> {
  const v = await getSetting(db, PUBLICITY_SETTINGS_KEY);
  return v && typeof v === 'object' ? (v as PublicitySettingsPatch) : {};
}

/** The settings in force: DEFAULT_SETTINGS with the credit office's stored changes. */
export async function loadPublicitySettings(db: DbOrTx): Promise<PublicitySettings> {
  return resolveSettings(await storedPatch(db));
}

/**
 * Applies a change to the stored settings (validated as a whole, audited with before and after), and marks every
 * record for re-decision by the next publicity job, since a class or the transition rule may change any period.
 */
export async function savePublicitySettings(db: Db, change: PublicitySettingsChange, ctx: AuditContext): Promise<PublicitySettings> {
  const known = compileItem(SGS_CF_V2).enums.get('CF_CFLB')?.byCode;
  const unknown = Object.keys(change.categorySeverity ?? {}).filter((c) => !known?.has(c));
  if (unknown.length) throw new PublicityError('invalid_settings', `处罚类别代码 ${unknown.join('、')} 不存在`, unknown.map((c) => `处罚类别代码 ${c} 不存在`));
  return db.transaction().execute(async (trx) => {
    const before = await storedPatch(trx);
    const next: PublicitySettingsPatch = {
      ...before,
      ...(change.categorySeverity ? { categorySeverity: { ...(before.categorySeverity ?? {}), ...change.categorySeverity } } : {}),
      ...(change.transition ? { transition: { ...(before.transition ?? {}), ...change.transition } } : {}),
      ...(change.possiblySimpleProcedure !== undefined ? { possiblySimpleProcedure: change.possiblySimpleProcedure } : {}),
      ...(change.seriousFineAbove !== undefined ? { seriousFineAbove: change.seriousFineAbove } : {}),
      ...(change.fineCeiling !== undefined ? { fineCeiling: change.fineCeiling } : {}),
    };
    const resolved = resolveSettings(next);
    await putSetting(trx, PUBLICITY_SETTINGS_KEY, next);
    await audit(trx, ctx, { action: 'publicity.settings', target: `setting:${PUBLICITY_SETTINGS_KEY}`, detail: { before, after: next } });
    // "Never decided" for the job's due filter: every record is re-decided under the new settings.
    await sql`UPDATE records SET publicity_checked_at = NULL`.execute(trx);
    return resolved;
  });
}
