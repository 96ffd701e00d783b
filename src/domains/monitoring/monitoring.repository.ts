// SQL of the monitoring domain (Kysely). Functions take `db | trx` so the service owns the
// transaction, and return rows; the service turns them into domain objects.
import { sql, type ExpressionBuilder, type Insertable, type Selectable } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { DB } from '../../db/types.ts';
import type {
  ChecklistItemsTable,
  CreditEventsTable,
  EventClassifierBuildsTable,
  EventPolarity,
  EventReviewStatus,
  OfficialScoresTable,
} from '../../db/monitoring.types.ts';

export type CreditEventRow = Selectable<CreditEventsTable>;
export type ChecklistRow = Selectable<ChecklistItemsTable>;
export type NewCreditEvent = Insertable<CreditEventsTable>;

// Advisory-lock namespace of the monitoring domain (ingest uses 4201/4202); keys below.
const LOCK_NS = 4301;
export const LOCKS = { checklist: 1, trees: 2, scores: 3, effectRules: 4 } as const;

/** Serialises writers of one kind of monitoring data until the transaction ends. */
export async function lock(trx: DbOrTx, key: (typeof LOCKS)[keyof typeof LOCKS]): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${LOCK_NS}, ${key})`.execute(trx);
}

// Multi-row INSERTs stay below PostgreSQL's 65,535 bind parameters.
const CHUNK = 1000;

// ---------------------------------------------------------------- credit events

/** Inserts events, skipping any that already exist (same day, title, source and link); returns the new rows' ids. */
export async function insertEvents(db: DbOrTx, rows: NewCreditEvent[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const r = await db
      .insertInto('credit_events')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    ids.push(...r.map((x) => x.id));
  }
  return ids;
}

export interface EventFilter {
  /** inclusive lower bound, YYYY-MM-DD */
  from?: string | null;
  /** exclusive upper bound, YYYY-MM-DD */
  before?: string | null;
  domain?: string;
}

/** One page of events, newest first, after the keyset cursor (date, id). */
export async function listEvents(db: DbOrTx, f: EventFilter & { after?: { date: string; id: string }; limit: number }): Promise<CreditEventRow[]> {
  let q = db.selectFrom('credit_events').selectAll();
  if (f.from) q = q.where('event_date', '>=', f.from);
  if (f.before) q = q.where('event_date', '<', f.before);
  if (f.domain) q = q.where('domain', '=', f.domain);
  if (f.after) {
    const { date, id } = f.after;
    q = q.where((eb) => eb.or([eb('event_date', '<', date), eb.and([eb('event_date', '=', date), eb('id', '<', id)])]));
  }
  return q.orderBy('event_date', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/** One event; `forUpdate` locks it for a correction. */
export async function getEvent(db: DbOrTx, id: string, forUpdate = false): Promise<CreditEventRow | undefined> {
  const q = db.selectFrom('credit_events').selectAll().where('id', '=', id);
  return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** Events that count in the figures: not waiting in the review queue (issue 16 §2). */
const counted = (eb: ExpressionBuilder<DB, 'credit_events'>) => eb.or([eb('review_status', 'is', null), eb('review_status', '!=', 'pending')]);

/** The label columns of counted events in a period, for statistics (events awaiting review are left out). */
export async function eventLabelsInPeriod(
  db: DbOrTx,
  f: EventFilter,
): Promise<{ title: string; event_date: string; domain: string; subdomain: string; polarity: EventPolarity; source: string | null }[]> {
  let q = db.selectFrom('credit_events').select(['title', 'event_date', 'domain', 'subdomain', 'polarity', 'source']).where(counted);
  if (f.from) q = q.where('event_date', '>=', f.from);
  if (f.before) q = q.where('event_date', '<', f.before);
  if (f.domain) q = q.where('domain', '=', f.domain);
  return q.orderBy('event_date').orderBy('id').execute();
}

/** Good and bad counted event counts per domain in a period (events awaiting review are left out). */
export async function eventCountsByDomain(db: DbOrTx, f: EventFilter): Promise<{ domain: string; good: number; bad: number }[]> {
  let q = db
    .selectFrom('credit_events')
    .select((eb) => [
      'domain',
      eb.fn.count<number>('id').filterWhere('polarity', '=', 'good').$castTo<number>().as('good'),
      eb.fn.count<number>('id').filterWhere('polarity', '=', 'bad').$castTo<number>().as('bad'),
    ])
    .where(counted);
  if (f.from) q = q.where('event_date', '>=', f.from);
  if (f.before) q = q.where('event_date', '<', f.before);
  const rows = await q.groupBy('domain').execute();
  return rows.map((r) => ({ domain: r.domain, good: Number(r.good), bad: Number(r.bad) }));
}

/** Publishes (userId) or withdraws (null) an event on the portal; returns the updated row. */
export async function setEventPublished(db: DbOrTx, id: string, userId: number | null): Promise<CreditEventRow> {
  return db
    .updateTable('credit_events')
    .set(userId === null ? { published_at: null, published_by: null } : { published_at: new Date(), published_by: userId })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One page of published events, newest first (credit_events_published_idx). */
export async function publishedEvents(
  db: DbOrTx,
  f: { domain?: string; polarity?: EventPolarity; after?: { date: string; id: string }; limit: number },
): Promise<CreditEventRow[]> {
  let q = db.selectFrom('credit_events').selectAll().where('published_at', 'is not', null);
  if (f.domain) q = q.where('domain', '=', f.domain);
  if (f.polarity) q = q.where('polarity', '=', f.polarity);
  if (f.after) {
    const { date, id } = f.after;
    q = q.where((eb) => eb.or([eb('event_date', '<', date), eb.and([eb('event_date', '=', date), eb('id', '<', id)])]));
  }
  return q.orderBy('event_date', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/** Good and bad published events dated in a period. */
export async function publishedEventCounts(db: DbOrTx, f: EventFilter): Promise<{ good: number; bad: number }> {
  let q = db
    .selectFrom('credit_events')
    .select((eb) => [
      eb.fn.count<number>('id').filterWhere('polarity', '=', 'good').$castTo<number>().as('good'),
      eb.fn.count<number>('id').filterWhere('polarity', '=', 'bad').$castTo<number>().as('bad'),
    ])
    .where('published_at', 'is not', null);
  if (f.from) q = q.where('event_date', '>=', f.from);
  if (f.before) q = q.where('event_date', '<', f.before);
  const r = await q.executeTakeFirstOrThrow();
  return { good: Number(r.good), bad: Number(r.bad) };
}

/** Sets a staff correction on an event. */
export async function updateEventLabel(
  db: DbOrTx,
  id: string,
  v: { domain: string; subdomain: string; polarity: EventPolarity; explanation: string; userId: number },
): Promise<CreditEventRow> {
  return db
    .updateTable('credit_events')
    .set((eb) => ({
      // A labelled event leaves the review queue and counts from now on.
      review_status: eb.case().when('review_status', '=', 'pending').then(sql.lit('decided')).else(eb.ref('review_status')).end().$castTo<EventReviewStatus | null>(),
      domain: v.domain,
      subdomain: v.subdomain,
      polarity: v.polarity,
      confidence: 1,
      explanation: v.explanation,
      classified_by: 'staff',
      overridden_by: v.userId,
      overridden_at: new Date(),
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Events waiting for a staff decision, oldest first, and how many wait in all (credit_events_review_idx). */
export async function reviewQueue(db: DbOrTx, limit: number): Promise<{ rows: CreditEventRow[]; total: number }> {
  const rows = await db.selectFrom('credit_events').selectAll().where('review_status', '=', 'pending').orderBy('created_at').orderBy('id').limit(limit).execute();
  const r = await db.selectFrom('credit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('review_status', '=', 'pending').executeTakeFirstOrThrow();
  return { rows, total: Number(r.n) };
}

/** How many of the given events wait in the review queue. */
export async function countPendingAmong(db: DbOrTx, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const r = await db.selectFrom('credit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('id', 'in', ids).where('review_status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Records one classifier rebuild with its held-out figures. */
export async function insertClassifierBuild(db: DbOrTx, v: Insertable<EventClassifierBuildsTable>): Promise<Selectable<EventClassifierBuildsTable>> {
  return db.insertInto('event_classifier_builds').values(v).returningAll().executeTakeFirstOrThrow();
}

/** The latest classifier rebuild, if any. */
export async function latestClassifierBuild(db: DbOrTx): Promise<Selectable<EventClassifierBuildsTable> | undefined> {
  return db.selectFrom('event_classifier_builds').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

// ---------------------------------------------------------------- labelled examples

/** Keeps a staff correction as a labelled example. */
export async function insertLabel(
  db: DbOrTx,
  v: { title: string; domain: string; subdomain: string; polarity: EventPolarity; eventId: string | null; userId: number | null },
): Promise<void> {
  await db
    .insertInto('event_labels')
    .values({ title: v.title, domain: v.domain, subdomain: v.subdomain, polarity: v.polarity, event_id: v.eventId, user_id: v.userId })
    .execute();
}

/** Identifies the current set of labels: they are only ever appended, so count and last id change together with it. */
export async function labelsStamp(db: DbOrTx): Promise<string> {
  const r = await db
    .selectFrom('event_labels')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('id').as('last')])
    .executeTakeFirstOrThrow();
  return `${r.n}:${r.last ?? 0}`;
}

/** All labelled examples, oldest first (so a later correction of the same title wins). */
export async function listLabels(db: DbOrTx): Promise<{ title: string; subdomain: string; polarity: EventPolarity }[]> {
  return db.selectFrom('event_labels').select(['title', 'subdomain', 'polarity']).orderBy('id').execute();
}

// ---------------------------------------------------------------- institution checklist

/** Number of checklist rows (0 before the first use seeds it). */
export async function countChecklist(db: DbOrTx): Promise<number> {
  const r = await db.selectFrom('checklist_items').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The checklist in its order. */
export async function listChecklist(db: DbOrTx): Promise<ChecklistRow[]> {
  return db.selectFrom('checklist_items').selectAll().orderBy('position').orderBy('id').execute();
}

/** One checklist row; `forUpdate` locks it. */
export async function getChecklistItem(db: DbOrTx, id: string, forUpdate = false): Promise<ChecklistRow | undefined> {
  const q = db.selectFrom('checklist_items').selectAll().where('id', '=', id);
  return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** Inserts checklist rows (ids already present are left alone). */
export async function insertChecklist(db: DbOrTx, rows: Insertable<ChecklistItemsTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db.insertInto('checklist_items').values(rows.slice(i, i + CHUNK)).onConflict((oc) => oc.column('id').doNothing()).execute();
  }
}

/** Removes every checklist row (an import replaces the whole list in the same transaction). */
export async function deleteChecklist(db: DbOrTx): Promise<number> {
  const r = await db.deleteFrom('checklist_items').executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Updates one checklist row. */
export async function updateChecklistItem(db: DbOrTx, id: string, v: Partial<Insertable<ChecklistItemsTable>>): Promise<ChecklistRow> {
  return db.updateTable('checklist_items').set(v).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/**
 * Sets the shipped basis text of each shipped item whose stored basis matches `devNote` (a POSIX regular expression);
 * returns how many rows changed. updated_at and updated_by stay: the text is the installer's, not a change by staff.
 */
export async function replaceChecklistBasis(db: DbOrTx, shipped: readonly { id: string; basis: string }[], devNote: string): Promise<number> {
  const r = await sql`UPDATE checklist_items c SET basis = v.basis
    FROM unnest(${shipped.map((s) => s.id)}::text[], ${shipped.map((s) => s.basis)}::text[]) AS v(id, basis)
    WHERE c.id = v.id AND c.basis ~ ${devNote}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Institutions the city has issued itself (市级已出台), newest document first. */
export async function municipalDocuments(db: DbOrTx): Promise<ChecklistRow[]> {
  return db
    .selectFrom('checklist_items')
    .selectAll()
    .where('status', '=', 'municipal')
    .where('doc_title', 'is not', null)
    .orderBy('doc_date', (ob) => ob.desc().nullsLast())
    .orderBy('position')
    .execute();
}

// ---------------------------------------------------------------- indicator trees

export interface TreeRow {
  id: string;
  version: number;
  definition: unknown;
  active: boolean;
  note: string | null;
  created_by: number | null;
  created_at: Date;
}

/** Inserts a tree version; with `ifAbsent`, nothing happens when any version of the tree exists. */
export async function insertTree(
  db: DbOrTx,
  v: { id: string; version: number; definition: unknown; active: boolean; note: string | null; createdBy: number | null },
): Promise<void> {
  await db
    .insertInto('indicator_trees')
    .values({ id: v.id, version: v.version, definition: JSON.stringify(v.definition), active: v.active, note: v.note, created_by: v.createdBy })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Ids of the trees stored so far. */
export async function treeIds(db: DbOrTx): Promise<string[]> {
  return (await db.selectFrom('indicator_trees').select('id').distinct().execute()).map((r) => r.id);
}

/** Every version of every tree, newest version first within a tree. */
export async function listTreeVersions(db: DbOrTx): Promise<TreeRow[]> {
  return db.selectFrom('indicator_trees').selectAll().orderBy('id').orderBy('version', 'desc').execute();
}

/** The active version of a tree. */
export async function activeTreeRow(db: DbOrTx, id: string): Promise<TreeRow | undefined> {
  return db.selectFrom('indicator_trees').selectAll().where('id', '=', id).where('active', '=', true).executeTakeFirst();
}

/** Deactivates the active version of a tree (before a new version becomes active). */
export async function deactivateTree(db: DbOrTx, id: string): Promise<void> {
  await db.updateTable('indicator_trees').set({ active: false }).where('id', '=', id).where('active', '=', true).execute();
}

/** Highest version number of a tree (0 when none). */
export async function maxTreeVersion(db: DbOrTx, id: string): Promise<number> {
  const r = await db.selectFrom('indicator_trees').select((eb) => eb.fn.max('version').as('v')).where('id', '=', id).executeTakeFirst();
  return Number(r?.v ?? 0);
}

// ---------------------------------------------------------------- official scores

/** Records one score import and returns its id. */
export async function insertScoreImport(
  db: DbOrTx,
  v: { fileName: string; sha256: string; treeId: string; treeVersion: number; months: string[]; cities: number; rows: number; createdBy: number | null },
): Promise<string> {
  const r = await db
    .insertInto('score_imports')
    .values({
      file_name: v.fileName,
      file_sha256: v.sha256,
      tree_id: v.treeId,
      tree_version: v.treeVersion,
      months: v.months,
      cities: v.cities,
      rows: v.rows,
      replaced: 0,
      created_by: v.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Sets how many stored scores an import replaced. */
export async function setImportReplaced(db: DbOrTx, importId: string, replaced: number): Promise<void> {
  await db.updateTable('score_imports').set({ replaced }).where('id', '=', importId).execute();
}

/** Deletes the stored scores of the given (month, city) slices of a tree; returns how many went. */
export async function deleteScoreSlices(db: DbOrTx, treeId: string, slices: { month: string; city: string }[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < slices.length; i += CHUNK) {
    const part = slices.slice(i, i + CHUNK);
    const r = await db
      .deleteFrom('official_scores')
      .where('tree_id', '=', treeId)
      .where((eb) => eb.or(part.map((s) => eb.and([eb('month', '=', s.month), eb('city', '=', s.city)]))))
      .executeTakeFirst();
    n += Number(r.numDeletedRows);
  }
  return n;
}

/** Inserts scores (the slices were cleared first). */
export async function insertScores(db: DbOrTx, rows: Insertable<OfficialScoresTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db.insertInto('official_scores').values(rows.slice(i, i + CHUNK)).execute();
  }
}

/** Every stored score of a tree. */
export async function scoresOfTree(db: DbOrTx, treeId: string): Promise<Selectable<OfficialScoresTable>[]> {
  return db.selectFrom('official_scores').selectAll().where('tree_id', '=', treeId).execute();
}

/** The tree with the latest stored month, for a city or (without one) for any city; null when none. */
export async function latestScoreTree(db: DbOrTx, city?: string): Promise<{ treeId: string; month: string } | null> {
  let q = db.selectFrom('official_scores').select(['tree_id', 'month']);
  if (city !== undefined) q = q.where('city', '=', city);
  const r = await q.orderBy('month', 'desc').orderBy('tree_id').limit(1).executeTakeFirst();
  return r ? { treeId: r.tree_id, month: r.month } : null;
}

// ---------------------------------------------------------------- effect rules

/** Stored effect rules of a tree. */
export async function getEffectRules(db: DbOrTx, treeId: string): Promise<unknown | undefined> {
  const r = await db.selectFrom('effect_rules').select('rules').where('tree_id', '=', treeId).executeTakeFirst();
  return r?.rules;
}

/** Stores a tree's effect rules when none are stored yet. */
export async function insertEffectRulesIfAbsent(db: DbOrTx, treeId: string, rules: unknown): Promise<void> {
  await db
    .insertInto('effect_rules')
    .values({ tree_id: treeId, rules: JSON.stringify(rules), updated_by: null })
    .onConflict((oc) => oc.column('tree_id').doNothing())
    .execute();
}
