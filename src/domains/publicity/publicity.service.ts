// The publicity job (公示): decides, for each record's current version, whether it is public now and until
// when (docs/domain/03-publicity.md §3), and stores the decision on the record with its Chinese explanation. It runs after
// every import for the new batch, and on a schedule for records whose status is due to change
// (withdrawn, repaired or past the maximum period leave publicity without anyone acting).
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { decrypt } from '../../platform/crypto.ts';
import { decidePublicity, nextChangeDate } from './decide.ts';
import { DEFAULT_RULE_SETS } from './rules.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { loadPublicitySettings } from './settings.store.ts';
import { listInputFromValues, penaltyInputFromValues, permitInputFromValues } from './input.ts';
import type { PublicityDecision, PublicityInput, PublicitySettings } from './publicity.schemas.ts';

type Values = Record<string, string | number | null>;

export interface RefreshFilter {
  /** Records written by this batch. */
  batchId?: string;
  /** These records (a repair decided now). */
  recordIds?: readonly string[];
  /** Records whose decision is due for review on or before this day, plus records never decided. */
  dueBy?: string;
  /** Every record (after a rule change). */
  all?: boolean;
}


/** A record's publicity as records stores it (audience, public_from, public_until, publicity, publicity_review). */
export interface RecordPublicity {
  audience: 'public' | 'government' | 'none';
  from: string | null;
  until: string | null;
  /** The explanation and reasons, as JSON text. */
  publicity: string;
  review: string | null;
}

/**
 * The engine's input for a record's values (personal fields decrypted), without repair (decideInput adds
 * it); null if unreadable.
 */
export function recordInput(recordType: string, decisionDate: string | null, values: Values): PublicityInput | null {
  try {
    switch (recordType) {
      case 'penalty':
        return penaltyInputFromValues(values);
      case 'permit':
        return permitInputFromValues(values);
      case 'red_list':
      case 'black_list':
        return listInputFromValues(recordType, values);
      default:
        return { recordType: 'other', decisionDate: decisionDate ?? '', categories: [], withdrawn: false, subjectIsMinor: false };
    }
  } catch {
    return null;
  }
}

/**
 * Decides one record's publicity on the day of `at` from its input (recordInput) and repair date, under the
 * settings in force (loadPublicitySettings). Shared by this job and the 归集 merge, which decides for the
 * records a batch writes as it writes them.
 */
export function decideInput(input: PublicityInput | null, repairedAt: string | null, at: Date, settings: PublicitySettings = DEFAULT_SETTINGS): RecordPublicity {
  let d: PublicityDecision;
  try {
    if (!input) throw new Error('unreadable record');
    d = decidePublicity(repairedAt ? { ...input, repairedAt } : input, at, DEFAULT_RULE_SETS, settings);
  } catch {
    // A record the engine cannot read (e.g. no decision date) is never published.
    d = { public: false, audience: 'none', explanation: '缺少公示所需信息（如决定日期），不予公示', reasons: [] } as unknown as PublicityDecision;
  }
  return {
    audience: d.audience,
    from: d.from ?? null,
    until: d.until ?? null,
    publicity: JSON.stringify({ explanation: d.explanation, reasons: d.reasons, severity: d.severity ?? null, regime: d.regime ?? null, repairableFrom: d.repairableFrom ?? null, minUntil: d.minUntil ?? null }),
    review: d.evaluatedAt ? nextChangeDate(d) : null,
  };
}

/**
 * The engine's input with a list record's removal by the credit office (records.list_removed_at) applied: the
 * earlier of the record's own 移出 date and that day, so the record leaves public view from then on
 * (docs/domain/04-joint-measures.md §4.2 step 5). Every decision path passes its input through this.
 */
export function withListRemoval(input: PublicityInput | null, listRemovedAt: string | null): PublicityInput | null {
  if (!input || !listRemovedAt || (input.recordType !== 'red_list' && input.recordType !== 'black_list')) return input;
  const own = input.removedAt ?? null;
  return { ...input, removedAt: own && own < listRemovedAt ? own : listRemovedAt };
}

/** Decides publicity for the records matching the filter, in chunks; returns how many changed audience. */
export async function refreshPublicity(db: DbOrTx, secret: string, filter: RefreshFilter, at: Date = new Date()): Promise<{ checked: number; changed: number }> {
  let checked = 0;
  let changed = 0;
  let after = '0';
  const settings = await loadPublicitySettings(db);
  for (;;) {
    // The current version is on the record row (migration 20261208T0835w); a record without one (content null)
    // is skipped, as the join on the record_versions view skipped it. Joining that view on current_version made
    // the planner scan every record and every superseded version per chunk (npm run bench -- readers).
    let q = db
      .selectFrom('records as r')
      .select(['r.id', 'r.record_type', 'r.decision_date', 'r.audience', 'r.repaired_at', 'r.list_removed_at', 'r.content', 'r.pii_enc'])
      .where('r.content', 'is not', null)
      .where('r.id', '>', after)
      .orderBy('r.id')
      .limit(5000);
    if (filter.recordIds) q = filter.recordIds.length ? q.where('r.id', 'in', [...filter.recordIds]) : q.where(sql<boolean>`false`);
    else if (filter.batchId) q = q.where('r.batch_id', '=', filter.batchId); // the batch that wrote the current version
    else if (filter.dueBy) {
      const due = filter.dueBy;
      q = q.where((eb) => eb.or([eb('r.publicity_checked_at', 'is', null), eb('r.publicity_review', '<=', due)]));
    }
    const rows = await q.execute();
    if (!rows.length) break;
    after = rows[rows.length - 1].id;
    const ids: string[] = [];
    const audiences: string[] = [];
    const froms: (string | null)[] = [];
    const untils: (string | null)[] = [];
    const decisions: string[] = [];
    const reviews: (string | null)[] = [];
    for (const r of rows) {
      const pii = r.pii_enc ? (JSON.parse(decrypt(secret, r.pii_enc, 'pii')) as Values) : null;
      const input = recordInput(r.record_type, r.decision_date, pii ? { ...(r.content as Values), ...pii } : (r.content as Values));
      const d = decideInput(withListRemoval(input, r.list_removed_at), r.repaired_at, at, settings);
      ids.push(r.id);
      audiences.push(d.audience);
      froms.push(d.from);
      untils.push(d.until);
      decisions.push(d.publicity);
      reviews.push(d.review);
      if (d.audience !== r.audience) changed++;
    }
    await sql`
      UPDATE records r SET audience = v.audience, public_from = v.pf, public_until = v.pu, publicity = v.pj,
        publicity_review = v.rv, publicity_checked_at = now()
      FROM unnest(${ids}::bigint[], ${audiences}::text[], ${froms}::date[], ${untils}::date[], ${decisions}::jsonb[], ${reviews}::date[])
        AS v(id, audience, pf, pu, pj, rv)
      WHERE r.id = v.id`.execute(db);
    checked += rows.length;
  }
  return { checked, changed };
}
