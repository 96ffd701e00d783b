// Subject search and the public subject page (issue 5), and the job that completes the search columns.
//
// Ranking (one page may span tiers; the cursor remembers tier and position, see search.ts):
//   exact code (USCC, organisation code — linked or embedded in a USCC —, old registration number),
//   then the exact name, then names that start with the query, then names that contain it,
//   then names whose 拼音首字母 start with the query (letters-only queries).
// Totals: never counted. A page asks for one row more than it shows; beyond PAGE_SIZE the total is "20+".
//
// Personal data (docs/domain/03-publicity.md §3.5: ID numbers of natural persons must not be on the internet; minimisation):
//   * public search never returns natural persons, by name or by code. A person's name is searchable in
//     the context of a published record (e.g. a 行政处罚 decision), which is the publicity rule's business,
//     not the registry's. The catalogue has no item that publishes a registry of persons.
//   * the public page of a natural person shows only the kind and the name; no ID number, masked or not, no
//     region and no dates. The name is that of the party of a published record, so it follows
//     PUBLIC_PERSON_NAME (full by default, or 刘*) like the record pages do, but only while the person has a
//     record public today; otherwise it is masked.
//   * free text that reaches public JSON (names, legal representatives) is scrubbed of ID, mobile and
//     bank-card numbers (src/domains/codes/pii.ts), in case an upload put one there.
import { sql } from 'kysely';
import type pg from 'pg';
import { executePrepared, type Db, type DbOrTx } from '../../db/index.ts';
import { listenWithReconnect } from '../../platform/listen.ts';
import { lookupRegion, regionFullName } from '../codes/index.ts';
import { publicPersonName, scrubPersonalNumbers, type PublicPersonName } from '../codes/index.ts';
import { hasPublicRecord } from '../publicity/index.ts';
import {
  claimPending,
  findByEmbeddedOrgCode,
  findByLegacyCode,
  findByUscc,
  findSubjectPage,
  hasPending,
  estimatedSubjects,
  nameContainsPage,
  nameContainsWindow,
  namePrefixPage,
  pinyinPrefixPage,
  prefixAndFirstWindow,
  storeSearchColumns,
  usccFirstPage,
  windowExtent,
  type SearchRow,
} from './subjects.repository.ts';
import type { PublicSearchResult, PublicSubject, PublicSubjectItem } from './subjects.schemas.ts';
import { bigramsTsvector, decodeCursor, encodeCursor, PAGE_SIZE, parseQuery, searchColumns, type Cursor, type SearchQuery, type Tier } from './search.ts';

// Tier 2 (contains, in id order) has two ways to find its rows, and neither is good at everything:
//  * scanning subjects in id order through the covering index (well under 1 µs per entry) stops as soon as
//    the page is full: cheap for common fragments (服务有, 族自治 match thousands of names), hopeless for rare ones;
//  * the bigram GIN index finds every candidate, but each costs a heap visit (some 30 µs when its page is not
//    in shared buffers) before they can be sorted by id: cheap for rare fragments, slow for common ones.
// The planner cannot choose between them: it multiplies the frequencies of a query's bigrams as if they were
// independent, and for 服务有 it expected 5 rows where there were 2,214. So the service measures instead: it
// scans a first window, and from the share of matches in it estimates what each way would cost for the rest.
/** The tier-2 policy's constants (bench/search.ts measures them; a test may lower them to exercise every path). */
export const CONTAINS_TUNING = {
  /** Rows scanned first; a fragment in more than about PAGE_SIZE / firstWindow of all names stops here. */
  firstWindow: 4000,
  /** Most rows a second window may scan; past that the index is cheaper whatever the estimate. */
  maxWindow: 50_000,
  /** Cost of one GIN candidate in scanned window rows (about 30 µs against 0.8 µs on a busy 2-core machine). */
  ginCandidateCost: 40,
};


/** 青海省西宁市城东区 for a known division code, else undefined. */
function regionName(code: string | null): string | undefined {
  if (!code) return undefined;
  const r = lookupRegion(code);
  return r ? regionFullName(r) : undefined;
}

function toItem(r: SearchRow): PublicSubjectItem {
  const region = regionName(r.region_code);
  return { id: r.id, name: scrubPersonalNumbers(r.name), uscc: r.uscc, kind: r.kind, ...(region ? { regionName: region } : {}) };
}

/** Tier 0: subjects the query names by code, best first, without repeats. */
async function codeMatches(db: DbOrTx, q: SearchQuery): Promise<SearchRow[]> {
  const out = new Map<string, SearchRow>();
  const add = (rows: SearchRow[]) => rows.forEach((r) => out.has(r.id) || out.set(r.id, r));
  if (q.uscc) add(await findByUscc(db, q.uscc));
  if (q.orgCode) {
    add(await findByLegacyCode(db, 'org', q.orgCode));
    add(await findByEmbeddedOrgCode(db, q.orgCode));
  }
  if (q.regNo) add(await findByLegacyCode(db, 'regno', q.regNo));
  return [...out.values()];
}

const HAN = /\p{Script=Han}/u;

/** The planner's count of subjects, read at most once a minute: an estimate in any case, and a round trip per search. */
let subjectEstimate: { n: number; at: number } | null = null;
async function cachedEstimatedSubjects(db: DbOrTx): Promise<number> {
  if (!subjectEstimate || Date.now() - subjectEstimate.at > 60_000) subjectEstimate = { n: await estimatedSubjects(db), at: Date.now() };
  return subjectEstimate.n;
}

/** Tier 2's first window, when the caller read it already (prefixAndFirstWindow): its matches and, if it did not fill the page, its extent. */
type FirstWindow = { rows: SearchRow[]; extent: { rows: number; lastId: string | null } | null };

/** Tier 2: the first `limit` names after `afterId` (in id order) that contain the query without starting with it. */
async function containsTier(db: DbOrTx, q: SearchQuery, afterId: string | null, exclude: readonly string[], limit: number, read?: FirstWindow): Promise<SearchRow[]> {
  const base = { containsPattern: q.containsPattern, prefixPattern: q.prefixPattern, exclude };
  const viaIndex = (after: string | null, n: number) => nameContainsPage(db, { ...base, tsquery: q.tsquery, afterId: after, limit: n });
  const { firstWindow, maxWindow, ginCandidateCost } = CONTAINS_TUNING;
  // Letters, digits and codes (a USCC, pinyin initials) are rare inside Chinese names: straight to the index.
  if (!HAN.test(q.norm)) return viaIndex(afterId, limit);
  const first = read ? read.rows.slice(0, limit) : await nameContainsWindow(db, { ...base, afterId, limit, window: firstWindow });
  if (first.length === limit) return first;
  const extent = read?.extent ?? (await windowExtent(db, afterId, firstWindow));
  if (extent.rows < firstWindow) return first; // the window reached the last subject: nothing more to find
  const rest = limit - first.length;
  // Matches per scanned row in the first window (zero: rare, the index is cheap).
  const share = first.length / extent.rows;
  const rowsNeeded = share > 0 ? rest / share : Infinity;
  const candidates = share * (await cachedEstimatedSubjects(db));
  if (rowsNeeded > maxWindow || rowsNeeded > candidates * ginCandidateCost) return [...first, ...(await viaIndex(extent.lastId, rest))];
  const window = Math.min(maxWindow, Math.ceil(rowsNeeded * 1.5));
  const second = await nameContainsWindow(db, { ...base, afterId: extent.lastId, limit: rest, window });
  if (second.length === rest) return [...first, ...second];
  const after2 = await windowExtent(db, extent.lastId, window);
  if (after2.rows < window) return [...first, ...second];
  return [...first, ...second, ...(await viaIndex(after2.lastId, rest - second.length))];
}

/**
 * Whether the first page of a USCC-shaped query, and tiers 1–2 (first window) of a Chinese query's first page, are
 * read in one statement (a test turns them off to compare with the tier-by-tier path; bench/search.ts times both).
 */
export const SEARCH_PATHS = { usccFirstPage: true, hanFirstPage: true };

type Hit = { tier: Tier; key: string; row: SearchRow };

/** Public search by name fragment, code or pinyin initials; one page of PAGE_SIZE after the cursor (`pool`: prepared statements where there are any). */
export async function searchSubjects(db: DbOrTx, rawQuery: string, rawCursor: string | null = null, pool?: pg.Pool): Promise<PublicSearchResult> {
  const q = parseQuery(rawQuery);
  const cursor = rawCursor ? decodeCursor(q.norm, rawCursor) : null;
  const want = PAGE_SIZE + 1;
  // The first page of a USCC (the portal's most common look-up) in one statement; see usccFirstPage.
  const hits = q.uscc && !cursor && SEARCH_PATHS.usccFirstPage ? await usccHits(db, q, q.uscc, want, pool) : await tieredHits(db, q, cursor, want);
  const page = hits.slice(0, PAGE_SIZE);
  const more = hits.length > PAGE_SIZE;
  const last = page[page.length - 1];
  return {
    items: page.map((h) => toItem(h.row)),
    // A later page exists only when more than PAGE_SIZE matched, so its total is "20+" as well.
    total: more || cursor ? '20+' : page.length,
    nextCursor: more && last ? encodeCursor(q.norm, { tier: last.tier, key: last.key, id: last.row.id }) : null,
  };
}

/** The hits of the first page of a USCC query, keyed as tieredHits keys them (so the cursor is the same). */
async function usccHits(db: DbOrTx, q: SearchQuery, uscc: string, want: number, pool?: pg.Pool): Promise<Hit[]> {
  const query = usccFirstPage(db, { uscc, tsquery: q.tsquery, containsPattern: q.containsPattern, prefixPattern: q.prefixPattern, limit: want });
  const rows = pool ? await executePrepared(pool, query) : (await db.executeQuery(query)).rows;
  return rows.map(({ tier, ...row }, i) => ({ tier, key: tier === 0 ? String(i + 1) : tier === 1 ? row.name_norm : '', row }));
}

/** Up to `want` hits after the cursor, tier by tier. */
async function tieredHits(db: DbOrTx, q: SearchQuery, cursor: Cursor | null, want: number): Promise<Hit[]> {
  const from: Tier = cursor?.tier ?? 0;
  const hits: Hit[] = [];
  const need = () => want - hits.length;

  const codes = await codeMatches(db, q);
  const exclude = codes.map((r) => r.id);
  if (from === 0) {
    const shown = cursor ? Number(cursor.key) : 0;
    codes.slice(shown, shown + want).forEach((row, i) => hits.push({ tier: 0, key: String(shown + i + 1), row }));
  }
  let read: FirstWindow | undefined;
  if (need() > 0 && !cursor && !exclude.length && SEARCH_PATHS.hanFirstPage && HAN.test(q.norm)) {
    // The first page of a Chinese query: tier 1 and tier 2's first window in one statement (same rows).
    const r = await prefixAndFirstWindow(db, { containsPattern: q.containsPattern, prefixPattern: q.prefixPattern, limit: need(), window: CONTAINS_TUNING.firstWindow });
    for (const row of r.prefix) hits.push({ tier: 1, key: row.name_norm, row });
    read = { rows: r.window, extent: r.extent };
  } else if (need() > 0 && from <= 1) {
    const after = cursor?.tier === 1 ? { key: cursor.key, id: cursor.id } : null;
    for (const row of await namePrefixPage(db, { pattern: q.prefixPattern, after, exclude, limit: need() })) {
      hits.push({ tier: 1, key: row.name_norm, row });
    }
  }
  if (need() > 0 && from <= 2) {
    for (const row of await containsTier(db, q, cursor?.tier === 2 ? cursor.id : null, exclude, need(), read)) hits.push({ tier: 2, key: '', row });
  }
  if (need() > 0 && q.pinyinPattern) {
    const after = cursor?.tier === 3 ? { key: cursor.key, id: cursor.id } : null;
    const rows = await pinyinPrefixPage(db, { pattern: q.pinyinPattern, containsPattern: q.containsPattern, after, exclude, limit: need() });
    for (const row of rows) hits.push({ tier: 3, key: row.pinyin_initials ?? '', row });
  }
  return hits;
}

/**
 * The public page of one subject, or undefined when there is none (`pool`: run as a prepared statement;
 * `personName`: PUBLIC_PERSON_NAME).
 */
export async function getPublicSubject(db: DbOrTx, id: string, pool?: pg.Pool, personName: PublicPersonName = 'full'): Promise<PublicSubject | undefined> {
  const r = await findSubjectPage(db, id, pool);
  if (!r) return undefined;
  if (r.kind === 'natural_person') {
    const shown = personName === 'full' && (await hasPublicRecord(db, r.id)) ? 'full' : 'masked';
    return { id: r.id, kind: r.kind, name: publicPersonName(r.name, shown), uscc: null };
  }
  const region = regionName(r.region_code);
  return {
    id: r.id,
    kind: r.kind,
    name: scrubPersonalNumbers(r.name),
    uscc: r.uscc,
    // 法定代表人 is public for legal persons (企业信用信息公示); an individual business's operator is a person.
    ...(r.kind === 'legal' ? { legalRepresentative: r.legal_representative === null ? null : scrubPersonalNumbers(r.legal_representative) } : {}),
    ...(region ? { regionName: region } : {}),
    registeredOn: r.registered_on,
  };
}

// ── Search columns job ───────────────────────────────────────────────────────────────────────────────

export interface BackfillOptions {
  /** Rows per transaction (default 500: about 10 ms of pinyin work between two event-loop turns). */
  batchSize?: number;
  /**
   * Batches in flight at once (default 2): while one computes pinyin in Node, the other's UPDATE runs in
   * PostgreSQL, so the two cores both work after a large import (SKIP LOCKED keeps their rows apart).
   */
  workers?: number;
  /** When the rest is locked by another backfill, wait up to this long for it to finish (default 30 s; 0: return). */
  waitForOthersMs?: number;
  /** Set stopped to end after the current batch. */
  signal?: { stopped: boolean };
  /** Called after each batch with the running total. */
  onProgress?: (done: number) => void;
  /** Called when a batch has committed, with the ids it completed: from now on they are searchable by name. */
  onBatch?: (ids: readonly string[]) => void;
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Completes the search columns of every pending row (pinyin_initials IS NULL): name_norm with traditional →
 * simplified, pinyin_initials, and the bigram tsvector, for subjects an import inserted without them
 * (subjects.bulk.ts) and for rows the trigger filled only in part. Idempotent and safe to run from several
 * processes at once (rows are claimed with SKIP LOCKED, one transaction per batch, so a crash loses at most the
 * batch in hand, which stays pending). Returns the number of rows completed by this call.
 */
export async function backfillSearchColumns(db: Db, o: BackfillOptions = {}): Promise<number> {
  const batchSize = o.batchSize ?? 500;
  const waitMs = o.waitForOthersMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  let done = 0;
  const oneBatch = () =>
    db.transaction().execute(async (trx) => {
      // Right after a large import the statistics may still describe a small table; a sequential scan per
      // batch would make the backfill quadratic, so the look-ups by id are pinned to the indexes. The columns are
      // derived data: a batch lost with the last WAL before a crash is simply still pending at the next start, so
      // its commit need not wait for the disk (one flush per 500 subjects otherwise).
      await sql`SELECT set_config('enable_seqscan', 'off', true), set_config('synchronous_commit', 'off', true)`.execute(trx);
      const rows = await claimPending(trx, batchSize);
      if (!rows.length) return [];
      await storeSearchColumns(
        trx,
        rows.map((r) => {
          const c = searchColumns(r.name);
          return { id: r.id, name: r.name, nameNorm: c.nameNorm, bigrams: bigramsTsvector(c.nameNorm), pinyinInitials: c.pinyinInitials };
        }),
      );
      return rows.map((r) => r.id);
    });
  let failed = false;
  const worker = async () => {
    while (!o.signal?.stopped && !failed) {
      const ids = await oneBatch().catch((e: unknown) => {
        failed = true; // the other worker stops after its batch too
        throw e;
      });
      if (!ids.length) return;
      done += ids.length;
      o.onBatch?.(ids);
      o.onProgress?.(done);
      await new Promise<void>((r) => setImmediate(r));
    }
  };
  while (!o.signal?.stopped) {
    await Promise.all(Array.from({ length: Math.max(1, o.workers ?? 2) }, worker));
    // Nothing left to claim: finished, unless another backfill still holds some rows.
    if (o.signal?.stopped || waitMs <= 0 || Date.now() > deadline || !(await hasPending(db))) break;
    await pause(50);
  }
  return done;
}

export interface SearchIndexer {
  /** Resolves when no backfill pass is running or queued. */
  idle(): Promise<void>;
  /** Stops listening and waits for the current batch. */
  stop(): Promise<void>;
}

export interface IndexerLog {
  info?: (msg: string) => void;
  warn?: (msg: string) => void;
}

/** The LISTEN channel the subjects_search_notify trigger signals on. */
export const PENDING_CHANNEL = 'subjects_search_pending';

/** How often the indexer looks for pending subjects without being woken (a lost notification, another server's writes). */
export const INDEXER_POLL_MS = 5_000;

/**
 * Runs the backfill now, and again whenever subjects are inserted or renamed by any process on this
 * database (LISTEN on a connection of its own, reconnecting after a failure; the NOTIFY arrives when the
 * writing transaction commits), and every INDEXER_POLL_MS in case a notification was missed. An import's new
 * subjects are therefore searchable by name within seconds of its commit (bench/searchlag.ts measures it), and
 * rows left pending by a crash are completed by the next start.
 */
export function startSearchIndexer(db: Db, pool: pg.Pool, log: IndexerLog = {}, o: Pick<BackfillOptions, 'onBatch'> = {}): SearchIndexer {
  const signal = { stopped: false };
  let running: Promise<void> | null = null;
  let again = false;

  const pass = (): void => {
    if (signal.stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        const t0 = Date.now();
        try {
          const n = await backfillSearchColumns(db, { waitForOthersMs: 0, signal, onBatch: o.onBatch });
          if (n) log.info?.(`主体检索：已补全 ${n} 个主体的检索字段（${Date.now() - t0} ms）`);
        } catch (e) {
          if (!signal.stopped) log.warn?.(`主体检索字段补全失败，稍后重试：${(e as Error).message}`);
        }
      } while (again && !signal.stopped);
    })().finally(() => {
      running = null;
    });
  };

  // Whatever was written while nobody listened is caught up after every connection attempt.
  const listener = listenWithReconnect(pool, PENDING_CHANNEL, { onNotify: () => pass(), onAttempt: pass, label: '主体检索', log });
  const poll = setInterval(pass, INDEXER_POLL_MS);
  poll.unref();
  return {
    idle: async () => {
      while (running) await running;
    },
    stop: async () => {
      signal.stopped = true;
      clearInterval(poll);
      await listener.stop();
      while (running) await running;
    },
  };
}
