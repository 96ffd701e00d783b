// Pre-action checks batched as PostgreSQL batches its commits (issue 14 "Performance": group commit). A check is
// two statements, a read (its subjects, their entries and penalties, the measures when stale, and a signed
// request's nonce) and a write (the check, its hits and its audit entry). Each of the two is a stage with at most
// one statement in flight per pool: a check that arrives while the stage's statement runs waits in the queue, and
// when the statement returns the whole queue goes as the next statement. No timer: a lone check goes at once,
// alone, and under load the checks share statements, round trips and — for the write — commits, so PostgreSQL's
// CPU per check falls. Every check still gets its own answer and check id, and is answered only once its write
// has committed. A database error fails the checks of that statement only, with a clear error.
import { sql, type RawBuilder } from 'kysely';
import type pg from 'pg';
import { executePrepared, type Db, type DbOrTx } from '../../db/index.ts';
import { auditInsertEachSql, type AuditContext, type AuditEvent } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import { nonceClaimsSql, type NonceClaimRow, type NonceClaimsRow, type PendingNonce } from '../auth/index.ts';
import { activeEntriesJson, type ActiveListEntry } from '../lists/index.ts';
import { seriousPublicPenaltiesJson, type SeriousPenalty } from '../publicity/index.ts';
import { subjectsByKeysSql, type LookedUpSubject } from '../subjects/index.ts';
import type { MatchedBy, PlannedQueries, SubjectQuery } from './match.ts';
import { measuresFrom, measuresRead } from './measures.cache.ts';
import type { Measure } from './measures.ts';

/** What a check is asked (runCheck); declared here, below check.service.ts, which hands it on. */
export interface CheckInput {
  secret: string;
  departmentId: number;
  channel: 'api' | 'console' | 'screening';
  userId?: number | null;
  apiKeyId?: number | null;
  scenario: string;
  subjects: readonly SubjectQuery[];
}

/** A measure as a check answers it: what it is, where it comes from, and which of the subject's lists brought it in. */
export interface MeasureAnswer {
  id: string;
  code: string;
  name: string;
  class: number;
  kind: 'punishment' | 'incentive';
  legalBasis: string;
  basisDocNo: string | null;
  implementingDept: string;
  listTypes: string[];
}

export interface EntryAnswer {
  entryId: string;
  listType: string;
  listName: string;
  decisionNo: string;
  listedOn: string | null;
  expiresOn: string | null;
}

/** The answer for one queried subject. */
export interface SubjectAnswer {
  index: number;
  query: { uscc?: string; idNumber?: string; name?: string };
  status: 'found' | 'not_found' | 'invalid';
  message: string;
  matchedBy: MatchedBy | null;
  subject: { id: string; name: string; kind: string; uscc: string | null } | null;
  candidates: Array<{ id: string; name: string; uscc: string | null }>;
  black: EntryAnswer[];
  red: EntryAnswer[];
  seriousPenalties: Array<{ recordId: string; docNo: string; decisionDate: string | null; publicUntil: string | null }>;
  measures: MeasureAnswer[];
  incentives: MeasureAnswer[];
}

/**
 * A queue in front of an async step that takes many items at once, with one call in flight: items submitted
 * while it runs go together as the next call ("natural batching"). `run` answers each item (a value, or an Error
 * for that item alone); if it throws, every item of that call fails with `failed(error)`.
 */
export class NaturalBatcher<I, O> {
  readonly #queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  #running = false;
  /** Statements run and items they carried, for the bench and the tests. */
  readonly stats = { calls: 0, items: 0, largest: 0 };
  /** When set (bench lists --tail): each call's start and end (performance.now(), ms) and its item count. */
  trace: Array<[start: number, end: number, items: number]> | null = null;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<O | Error>>,
    private readonly failed: (e: unknown) => unknown,
    private readonly maxItems = 128,
  ) {}

  /** Items waiting for the call in flight to return. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Submits one item; settles with its own answer. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      // Nothing in flight: go now, in this tick (the statement is sent before submit returns).
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#queue.length) {
        const batch = this.#queue.splice(0, this.maxItems);
        this.stats.calls++;
        this.stats.items += batch.length;
        this.stats.largest = Math.max(this.stats.largest, batch.length);
        let out: Array<O | Error>;
        const t0 = this.trace ? performance.now() : 0;
        try {
          out = await this.run(batch.map((b) => b.item));
          this.trace?.push([t0, performance.now(), batch.length]);
        } catch (e) {
          this.trace?.push([t0, performance.now(), batch.length]);
          const err = this.failed(e);
          for (const b of batch) b.reject(err);
          continue;
        }
        batch.forEach((b, i) => {
          const o = out[i]!;
          if (o instanceof Error) b.reject(o);
          else b.resolve(o);
        });
      }
    } finally {
      this.#running = false;
    }
  }
}

/** One check's part of the batched read: its planned queries and, for a signed request, its nonce to record. */
export interface ReadItem {
  planned: PlannedQueries;
  pending?: PendingNonce;
}

/**
 * What the read returned, for one check: the subjects its own keys found, their entries and penalties, the active
 * measures, and the nonce claim to settle. The statement read the whole batch's subjects; readChecks hands each
 * check only its own, so the work after the read (resolvePlanned's maps, answersFrom's grouping) is per check,
 * not per check × batch: with the batch's subjects every check of a batch of n went over all n (n² per statement;
 * KiB allocated per check grew with the batch, and batches grow with the load).
 */
export interface ReadResult {
  subjects: LookedUpSubject[];
  entries: ActiveListEntry[];
  penalties: SeriousPenalty[];
  measures: Measure[];
  claim: NonceClaimRow | null;
}

/**
 * The first statement of one or more checks: the subjects by all their keys, their entries and penalties, the
 * measures if stale, and the signed requests' nonces recorded while the API keys did not change (auth's
 * nonceClaimsSql). A nonce repeated within the batch is recorded once, for its first request; the others are
 * answered as not fresh, so they are refused as replays.
 */
export async function readChecks(db: DbOrTx, items: readonly ReadItem[], pool?: pg.Pool): Promise<ReadResult[]> {
  const { q, m, claimOf } = readChecksSql(items);
  const row = (await rowsOf(db, q, pool))[0]!;
  const measures = measuresFrom(m, row);
  const fresh = new Set(row.nonces_fresh ?? []);
  const own = items.length === 1 ? [{ subjects: row.subjects, entries: row.entries, penalties: row.penalties }] : ownParts(items, row);
  return claimOf.map((p, i) => ({
    ...own[i]!,
    measures,
    claim: p === null ? null : { key_gen: row.key_gen!, nonce_fresh: p >= 0 && fresh.has(p) },
  }));
}

/** Each check's own subjects (by the exact keys the statement compared), entries and penalties, in one pass over the batch's rows. */
function ownParts(items: readonly ReadItem[], row: { subjects: LookedUpSubject[]; entries: ActiveListEntry[]; penalties: SeriousPenalty[] }) {
  const byUscc = new Map<string, LookedUpSubject>();
  const byHash = new Map<string, LookedUpSubject>();
  const byNorm = new Map<string, LookedUpSubject[]>();
  for (const s of row.subjects) {
    if (s.uscc) byUscc.set(s.uscc, s);
    if (s.idHash) byHash.set(s.idHash, s);
    if (s.nameNorm) {
      const l = byNorm.get(s.nameNorm);
      if (l) l.push(s);
      else byNorm.set(s.nameNorm, [s]);
    }
  }
  const entriesOf = groupBy(row.entries, (e) => e.subjectId);
  const penaltiesOf = groupBy(row.penalties, (p) => p.subjectId);
  return items.map(({ planned: { keys } }) => {
    const mine = new Map<string, LookedUpSubject>();
    for (const k of keys.usccs) {
      const s = byUscc.get(k);
      if (s) mine.set(s.id, s);
    }
    for (const k of keys.idHashes) {
      const s = byHash.get(k);
      if (s) mine.set(s.id, s);
    }
    for (const k of keys.nameNorms) for (const s of byNorm.get(k) ?? []) mine.set(s.id, s);
    const subjects = [...mine.values()];
    return {
      subjects,
      entries: subjects.flatMap((s) => entriesOf.get(s.id) ?? []),
      penalties: subjects.flatMap((s) => penaltiesOf.get(s.id) ?? []),
    };
  });
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/**
 * The statement readChecks runs for these checks (bench/checkbuffers.ts counts its buffers), with the measures
 * read it was built with and each check's place among the nonces claimed (null: unsigned; -1: a repeat within
 * the batch).
 */
export function readChecksSql(items: readonly ReadItem[]) {
  const m = measuresRead();
  const claims: PendingNonce[] = [];
  const position = new Map<string, number>();
  const claimOf = items.map((it) => {
    if (!it.pending) return null;
    const k = `${it.pending.appKey}\n${it.pending.nonce}`;
    if (position.has(k)) return -1; // a repeat within the batch
    position.set(k, claims.length);
    claims.push(it.pending);
    return claims.length - 1;
  });
  const keys = {
    usccs: items.flatMap((it) => it.planned.keys.usccs),
    idHashes: items.flatMap((it) => it.planned.keys.idHashes),
    nameNorms: items.flatMap((it) => it.planned.keys.nameNorms),
  };
  const c = claims.length ? nonceClaimsSql(claims) : null;
  const q = sql<{ subjects: LookedUpSubject[]; entries: ActiveListEntry[]; penalties: SeriousPenalty[]; measures_gen: string; measures: Measure[] | null } & Partial<NonceClaimsRow>>`
    WITH ${c ? sql`${c.ctes},` : sql``} s AS MATERIALIZED (${subjectsByKeysSql(keys)})
    SELECT (SELECT coalesce(json_agg(json_build_object('id', s.id::text, 'kind', s.kind, 'name', s.name, 'uscc', s.uscc, 'idHash', s.id_hash, 'nameNorm', s.name_norm)), '[]'::json) FROM s) AS subjects,
           ${activeEntriesJson(sql`SELECT s.id FROM s`)} AS entries,
           ${seriousPublicPenaltiesJson(sql`SELECT s.id FROM s`)} AS penalties,
           ${m.columns}${c ? sql`, ${c.columns}` : sql``}
      FROM sanction_measures_generation g`;
  return { q, m, claimOf };
}

/**
 * One check to store: who checked, what was answered (`stored`: what the check row keeps, by default the
 * answers), and its audit entry's context and detail.
 */
export interface StoreItem {
  input: Omit<CheckInput, 'secret' | 'subjects'>;
  answers: readonly SubjectAnswer[];
  stored?: unknown;
  ctx: AuditContext;
  event: Omit<AuditEvent, 'target'>;
}

export interface Stored {
  checkId: string;
  caseNo: string;
  checkedAt: string;
}

/**
 * The case number (核查编号) of the check row `id`: HC, the day in China, and the id padded to at least 8 digits.
 * The day has a fixed width and ids are unique, so case numbers are unique past 99,999,999 too (lpad alone would
 * cut a 9-digit id to 8 and repeat numbers); those below keep their format.
 */
export const caseNoSql = (id: RawBuilder<unknown>) =>
  sql<string>`'HC' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(${id}::text, greatest(8, length(${id}::text)), '0')`;

/**
 * The second statement of one or more checks: every check row, its hits and its audit entry (target
 * sanction_check:<id>) in one statement, so one commit; the checks' own ids, case numbers and times, in order.
 */
export async function storeChecks(db: DbOrTx, items: readonly StoreItem[], pool?: pg.Pool): Promise<Stored[]> {
  const rows = await rowsOf(db, storeChecksSql(items), pool);
  return rows.map((r) => ({ checkId: String(r.id), caseNo: r.case_no, checkedAt: r.checked_at }));
}

/**
 * The statement storeChecks runs (bench/checkbuffers.ts counts its buffers); without `audited`, no audit entries
 * (a screening's check, which its job audits itself).
 */
export function storeChecksSql(items: readonly Omit<StoreItem, 'ctx' | 'event'>[] | readonly StoreItem[], audited = true) {
  const withAudit = audited ? (items as readonly StoreItem[]) : null;
  const col = <T>(f: (it: Omit<StoreItem, 'ctx' | 'event'>) => T) => items.map(f);
  const hitRows = items.flatMap((it, i) =>
    it.answers.flatMap((a) =>
      a.subject ? [...a.black.map((e) => ({ e, color: 'black' })), ...a.red.map((e) => ({ e, color: 'red' }))].map(({ e, color }) => ({ ord: i + 1, subjectId: a.subject!.id, e, color })) : [],
    ),
  );
  // Ids are drawn first (n), so each check's hits and audit entry find their check by its position (ord). This
  // statement is the only writer of hits, always with the ids it has just drawn, so the hits need no foreign key
  // (migration 20261214T1010c: a guard on sanction_checks refuses orphaning them instead). n holds only the
  // position and the id: with the answers in it, every hit and audit row joined a copy of the whole answer (a
  // 100,000-subject screening's store took 68 s instead of well under one).
  return sql<{ ord: number; id: string; case_no: string; checked_at: string }>`
    WITH u AS (
      SELECT * FROM unnest(${col((it) => it.input.departmentId)}::integer[], ${col((it) => it.input.channel)}::text[], ${col((it) => it.input.scenario)}::text[],
                           ${col((it) => it.input.userId ?? null)}::integer[], ${col((it) => it.input.apiKeyId ?? null)}::integer[], ${col((it) => it.answers.length)}::integer[],
                           ${col((it) => it.answers.filter((a) => a.black.length || a.red.length).length)}::integer[],
                           ${col((it) => it.answers.reduce((n, a) => n + a.measures.length + a.incentives.length, 0))}::integer[])
        WITH ORDINALITY AS u(department_id, channel, scenario, user_id, api_key_id, subjects, hits, feedback_due, ord)),
    ans AS (SELECT * FROM jsonb_array_elements(${answersJson(items)}::jsonb) WITH ORDINALITY AS ans(answer, ord)),
    n AS MATERIALIZED (SELECT u.ord, nextval('sanction_checks_id_seq') AS id FROM u),
    c AS (
      INSERT INTO sanction_checks (id, case_no, department_id, channel, scenario, user_id, api_key_id, subjects, hits, feedback_due, answer)
      SELECT n.id, ${caseNoSql(sql`n.id`)}, u.department_id, u.channel, u.scenario, u.user_id, u.api_key_id, u.subjects, u.hits, u.feedback_due, ans.answer
        FROM n JOIN u ON u.ord = n.ord JOIN ans ON ans.ord = n.ord
      RETURNING id, case_no, to_char(checked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS+08:00') AS checked_at),
    h AS (
      INSERT INTO sanction_check_hits (check_id, subject_id, entry_id, list_type, color)
      SELECT n.id, x.subject_id, x.entry_id, x.list_type, x.color
        FROM unnest(${hitRows.map((x) => x.ord)}::integer[], ${hitRows.map((x) => x.subjectId)}::bigint[], ${hitRows.map((x) => x.e.entryId)}::bigint[],
                    ${hitRows.map((x) => x.e.listType)}::text[], ${hitRows.map((x) => x.color)}::text[]) AS x(ord, subject_id, entry_id, list_type, color)
        JOIN n ON n.ord = x.ord
      ON CONFLICT DO NOTHING)
    ${withAudit ? sql`, a AS (${auditInsertEachSql(withAudit.map((it) => ({ ctx: it.ctx, event: it.event })), sql`n`, sql`'sanction_check:' || n.id`)})` : sql``}
    SELECT n.ord::integer AS ord, c.id, c.case_no, c.checked_at FROM c JOIN n ON n.id = c.id ORDER BY n.ord`;
}

/**
 * Every check's stored answer as one JSON array, one parameter: as a text[] each answer went through node-postgres's
 * array escaping (two replace() copies and a concatenation of every answer, some KiB per check and 2× a screening's
 * whole answer), which a JSON string skips.
 */
const answersJson = (items: readonly Omit<StoreItem, 'ctx' | 'event'>[]) => JSON.stringify(items.map((it) => it.stored ?? { subjects: it.answers }));

/**
 * Runs a statement on `db`, or — given the pool, outside a transaction — as a named prepared statement: a check's
 * statements are the same text every time (arrays, whatever the batch's size), and planning them cost PostgreSQL
 * more than running them.
 */
export async function rowsOf<R>(db: DbOrTx, q: RawBuilder<R>, pool?: pg.Pool): Promise<R[]> {
  return pool ? executePrepared(pool, q.compile(db)) : (await q.execute(db)).rows;
}

/** A batch's statement failed: its checks are refused with a clear error (nothing of them was stored). */
const batchFailed = (e: unknown) => (e instanceof AppError ? e : Object.assign(new AppError('sanction_check_failed'), { cause: e }));

/** The two stages of a pool's checks. */
export interface CheckStages {
  read: NaturalBatcher<ReadItem, ReadResult>;
  write: NaturalBatcher<StoreItem, Stored>;
}

const stages = new WeakMap<pg.Pool, CheckStages>();

/** The read and write stages of the checks on this pool (one of each per pool: the batching is per database). */
export function checkStages(db: Db, pool: pg.Pool): CheckStages {
  let s = stages.get(pool);
  if (!s) {
    s = {
      // A batch's subjects are bounded by its checks (at most 100 queries each, the schema's limit).
      read: new NaturalBatcher((items) => readChecks(db, items, pool), batchFailed, 64),
      write: new NaturalBatcher((items) => storeChecks(db, items, pool), batchFailed, 64),
    };
    stages.set(pool, s);
  }
  return s;
}

/**
 * Starts recording each statement of this pool's two stages (start, end, checks; bench lists --tail) and returns the
 * records, which fill until `stop()`.
 */
export function traceCheckBatches(db: Db, pool: pg.Pool): { read: Array<[number, number, number]>; write: Array<[number, number, number]>; stop: () => void } {
  const s = checkStages(db, pool);
  const read: Array<[number, number, number]> = (s.read.trace = []);
  const write: Array<[number, number, number]> = (s.write.trace = []);
  return { read, write, stop: () => void (s.read.trace = s.write.trace = null) };
}

/** How the checks on this pool were batched so far: statements, checks and the largest batch, per stage. */
export function checkBatchStats(pool: pg.Pool): { read: NaturalBatcher<ReadItem, ReadResult>['stats'] & { queued: number }; write: NaturalBatcher<StoreItem, Stored>['stats'] & { queued: number } } {
  const s = stages.get(pool);
  const of = (b?: NaturalBatcher<never, unknown>) => ({ ...(b?.stats ?? { calls: 0, items: 0, largest: 0 }), queued: b?.queued ?? 0 });
  return { read: of(s?.read as NaturalBatcher<never, unknown> | undefined), write: of(s?.write as NaturalBatcher<never, unknown> | undefined) };
}
