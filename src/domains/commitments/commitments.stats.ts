// Commitments made and breached by type (issue 15 §5), for the credit office's statistics and the monitoring:
// collected commitments by their 承诺类型 (CN_LX) and decision day, online ones (主动型) by the day made;
// breaches (违诺) by the day they were marked.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { chinaEpochDay, isoOfEpochDay } from '../../platform/workCalendar.ts';
import { currentContents, recordCountsByField } from '../ingest/index.ts';
import { KIND_BY_CODE, KIND_LABELS } from './commitments.schemas.ts';

export type CommitmentKindKey = keyof typeof KIND_LABELS;

export interface CommitmentKindCount {
  kind: CommitmentKindKey;
  label: string;
  made: number;
  kept: number;
  breached: number;
}

const KINDS = Object.keys(KIND_LABELS) as CommitmentKindKey[];

/** Made, kept and breached commitments of [from, to] (days, inclusive) per type, every type listed. */
export async function commitmentsByKind(db: DbOrTx, q: { from: string; to: string }): Promise<CommitmentKindCount[]> {
  const before = isoOfEpochDay(chinaEpochDay(new Date(`${q.to}T12:00:00+08:00`)) + 1);
  const out = new Map(KINDS.map((k) => [k, { kind: k, label: KIND_LABELS[k] as string, made: 0, kept: 0, breached: 0 }]));
  // A collected value outside the enum cannot pass validation; anything unknown still counts, as 主动型 like breaches() does.
  for (const c of await recordCountsByField(db, 'commitment', 'CN_LX', q.from, before)) out.get(KIND_BY_CODE[c.value] ?? 'voluntary')!.made += c.n;
  const online = await db
    .selectFrom('commitments')
    .select(['kind', sql<number>`count(*)::int`.as('n')])
    .where('made_on', '>=', q.from)
    .where('made_on', '<=', q.to)
    .groupBy('kind')
    .execute();
  for (const o of online) out.get(o.kind)!.made += o.n;
  const marks = await db
    .selectFrom('commitment_fulfilments as f')
    .leftJoin('commitments as c', 'c.id', 'f.commitment_id')
    .select(['f.record_id', 'f.outcome', 'c.kind'])
    .where('f.marked_on', '>=', q.from)
    .where('f.marked_on', '<=', q.to)
    .execute();
  const contents = await currentContents(db, marks.flatMap((m) => (m.record_id ? [m.record_id] : [])));
  for (const m of marks) {
    const kind: CommitmentKindKey = m.kind ?? KIND_BY_CODE[String(contents.get(m.record_id ?? '')?.CN_LX ?? '')] ?? 'voluntary';
    out.get(kind)![m.outcome === 'kept' ? 'kept' : 'breached']++;
  }
  return [...out.values()];
}
