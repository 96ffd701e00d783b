// Subject creation in bulk (主体库, issue 归集 §7): the path an import takes to link each accepted row to its
// subject, creating the subjects, legacy-code links (subject_identifiers) and name variants (subject_names)
// that are new. Set-based SQL on the caller's connection, inside the caller's transaction, a fixed number of
// statements per chunk of rows (one index probe per code, never a query per row).
//
// Two steps, so that the costly part in Node overlaps PostgreSQL's work on the previous chunk:
//   subjectPreparer  reads what is committed (any connection) and stores on each row that names a subject the
//                    registry does not know yet the columns of that subject (`newSubject`: the masked and sealed
//                    ID number of a person). A guess: the registry may change before the merge.
//   linkSubjects     decides, in the transaction: probes the registry by USCC / ID hash, inserts the missing
//                    subjects (with the prepared columns, or computed now), resolves legacy codes, records the
//                    links and name variants, and returns each row's subject id.
//
// The costly search columns are not written here (issue 18): a new subject is inserted pending (the empty bigram
// marker, pinyin NULL; migration 20261208T0840s) and the background indexer completes it after the batch
// commits. Its normalised name (name_norm, cheap: NFKC, folding, 繁→简 per character) is written at once, so a
// pre-action check or a screening by exact name or by the name without its legal-form suffix (sanctions match.ts,
// through the name_norm index) finds it as soon as the batch commits: a check must never answer 未找到 for a
// subject the registry holds (issue 14 §5). Name search by fragment and 拼音 follows within the indexer's lag.
//
// Both steps run on the thread that serves HTTP, between the chunk's statements; their loops over the chunk's rows
// (normalising 10,000 new subjects' names takes tens of milliseconds) run in slices with turns of the event loop
// (platform/turns.ts, the merge's slice length), so a search waits for one slice at most (issue 18).
import type pg from 'pg';
import type { SubjectsTable } from '../../db/types.ts';
import { eachWithTurns, filterWithTurns, mapWithTurns, Slicer, sortedWithTurns } from '../../platform/turns.ts';
import { maskIdNumber } from '../codes/index.ts';
import { normalizeName } from './search.ts';

/** Runs one statement of the bulk path on the caller's connection (the caller owns the transaction). */
export type BulkQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

export type SubjectKind = SubjectsTable['kind'];

/** A new subject's columns, in the order linkSubjects inserts them (the other search columns come from the indexer). */
export type NewSubjectColumns = [
  kind: string,
  name: string,
  uscc: string | null,
  region: string | null,
  idHash: string | null,
  idMasked: string | null,
  idEnc: string | null,
  nameNorm: string,
];

/** What the bulk path reads of a row that names a subject (an import's staged row is one). */
export interface SubjectRef {
  kind: SubjectKind;
  name: string | null;
  uscc: string | null;
  /** Natural persons without a USCC: the keyed hash of the ID number, and the number itself for a new subject. */
  idHash: string | null;
  idNumber: string | null;
  orgCode: string | null;
  regNo: string | null;
  /** Set by subjectPreparer: the columns of this row's subject, if the subject looks new. */
  newSubject?: NewSubjectColumns;
}

/** Seals a natural person's ID number for `subjects.id_enc` (AES-GCM under the 'pii' key). */
export type Seal = (plaintext: string) => string;

/** The registry's subject kind for a row's 主体类别 (法人及非法人组织 and anything unknown are legal persons). */
export function subjectKindOf(category: string | null): SubjectKind {
  if (category === '自然人') return 'natural_person';
  if (category === '个体工商户') return 'individual_business';
  return 'legal';
}

/** A registry entry as the bulk path sees it: its id and its registered name (for name variants). */
interface KnownSubject {
  id: string;
  name: string;
}

const unique = <T>(values: Iterable<T | null>): T[] => [...new Set(values)].filter((v): v is T => v !== null);

/** Each code's last row (rows come in file order): the row a new subject is made from. Null codes are skipped. */
async function latestBy<R extends SubjectRef>(rows: Iterable<R>, codeOf: (r: R) => string | null, slicer: Slicer): Promise<Map<string, R>> {
  const latest = new Map<string, R>();
  await eachWithTurns(rows, (r) => {
    const c = codeOf(r);
    if (c !== null) latest.set(c, r);
  }, slicer);
  return latest;
}

/**
 * 31-bit FNV-1a of a string. The codes a batch has met are kept as these small integers (no heap object per
 * entry for the garbage collector to trace); a collision only means a subject's columns are not prepared
 * ahead, and linkSubjects computes them itself.
 */
function smallHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

/** The columns of a new subject, from the row that reports it: by USCC, else a natural person by ID number. */
function newSubjectColumns(r: SubjectRef, seal: Seal): NewSubjectColumns {
  if (r.uscc !== null) {
    const name = r.name ?? r.uscc;
    return [r.kind, name, r.uscc, r.uscc.slice(2, 8), null, null, null, normalizeName(name)];
  }
  const masked = maskIdNumber(r.idNumber!);
  const name = r.name ?? masked;
  return ['natural_person', name, null, null, r.idHash, masked, seal(r.idNumber!), normalizeName(name)];
}

/**
 * The preparation step of a batch: returns a function that, for a chunk of rows, computes ahead of the merge
 * the columns of the subjects the chunk will create: those whose code the batch meets for the first time and
 * that are not in the registry (committed) yet, from their latest row, as linkSubjects picks it (for a natural
 * person, the sealing of the ID number is the costly part). `query` may be any connection.
 */
export function subjectPreparer(query: BulkQuery, seal: Seal): (rows: readonly SubjectRef[]) => Promise<void> {
  const seen = new Set<number>();
  return async (chunk) => {
    const slicer = new Slicer();
    // Only natural persons (by ID hash) are worth preparing: a subject by USCC costs nothing to describe now that
    // its search columns come from the indexer, so probing the registry for it would be wasted work.
    const latest = await latestBy(chunk, (r) => {
      const c = r.uscc === null ? r.idHash : null;
      return c !== null && !seen.has(smallHash(c)) ? c : null;
    }, slicer);
    if (!latest.size) return;
    await eachWithTurns(latest.keys(), (c) => seen.add(smallHash(c)), slicer);
    // Only the codes not in the registry come back (on a re-import, none), each by one index probe: a scalar
    // subquery, which the planner cannot turn into a join that reads the whole table.
    const unknown = await query<{ code: string }>(
      `SELECT c AS code FROM unnest($1::text[]) c WHERE (SELECT s.id FROM subjects s WHERE s.id_hash = c) IS NULL`,
      [[...latest.keys()]],
    );
    // Sealing an ID number is the costly part: in slices.
    await eachWithTurns(unknown.rows, ({ code }) => {
      const r = latest.get(code)!;
      r.newSubject = newSubjectColumns(r, seal);
    }, slicer);
  };
}

/**
 * The subjects of the rows by one unique code (USCC or ID hash), given each code's latest row: the known ones
 * by index probe, the rest created from that row (with the columns prepared ahead, if any). Returns code → subject.
 */
async function subjectsBy(query: BulkQuery, seal: Seal, column: 'uscc' | 'id_hash', latest: ReadonlyMap<string, SubjectRef>, slicer: Slicer): Promise<Map<string, KnownSubject>> {
  const found = new Map<string, KnownSubject>();
  if (!latest.size) return found;
  const read = async (list: string[]) => {
    const r = await query<KnownSubject & { code: string }>(`SELECT ${column} AS code, id, name FROM subjects WHERE ${column} = ANY($1::text[])`, [list]);
    for (const x of r.rows) found.set(x.code, x);
  };
  // By ID hash the known subjects are read first: a new natural person's columns need the sealing of the ID
  // number, which is not to be spent on the known ones. By USCC a new subject costs nothing to describe, so the
  // insert comes first (issue 18): its conflict check is the one index probe per code, and only the codes it
  // skipped (known subjects) are read afterwards, instead of probing every code twice when most are new.
  if (column === 'id_hash') await read([...latest.keys()]);
  // In code order, so that concurrent imports insert (and lock) the same codes in the same order.
  const fresh = await sortedWithTurns(await filterWithTurns([...latest.keys()], (c) => !found.has(c), slicer), slicer);
  if (fresh.length) {
    const cols: (string | null)[][] = Array.from({ length: 8 }, () => []);
    // A new subject's columns (its normalised name, a person's sealed number) are the costly part: in slices.
    await eachWithTurns(fresh, (c) => {
      const r = latest.get(c)!;
      (r.newSubject ?? newSubjectColumns(r, seal)).forEach((v, i) => cols[i].push(v));
    }, slicer);
    // Pending for the search indexer: pinyin NULL, name_bigrams the empty marker that skips the row trigger
    // (migration 20261208T0840s); name_norm already final (the indexer writes the same value again). The indexer
    // is woken by the statement trigger's NOTIFY at commit.
    const r = await query<KnownSubject & { code: string }>(
      `INSERT INTO subjects (kind, name, uscc, region_code, id_hash, id_masked, id_enc, name_norm, name_bigrams)
       SELECT k, n, u, r, h, im, ie, nn, ''::tsvector
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS t(k, n, u, r, h, im, ie, nn)
       ON CONFLICT (${column}) DO NOTHING RETURNING ${column} AS code, id, name`,
      cols,
    );
    for (const x of r.rows) found.set(x.code, x);
    // Known already, or created by a concurrent import meanwhile (ON CONFLICT skipped them): read them now.
    const missing = await filterWithTurns(fresh, (c) => !found.has(c), slicer);
    if (missing.length) await read(missing);
  }
  return found;
}

/**
 * Links each row to its subject, creating the subjects that are new, linking reported legacy codes and
 * recording name variants; returns the subject id of each row, in order (null when the row names no
 * identifier at all). Runs on the caller's transaction through `query`; `seal` encrypts a new natural
 * person's ID number.
 */
export async function linkSubjects(query: BulkQuery, rows: readonly SubjectRef[], seal: Seal): Promise<(string | null)[]> {
  const slicer = new Slicer();
  const names = new Map<string, string>();
  const remember = (list: readonly KnownSubject[]) => eachWithTurns(list, (s) => names.set(s.id, s.name), slicer);
  // By USCC, then (natural persons) by the keyed ID hash: look up the known ones with one index probe each,
  // create the rest from the chunk's latest row for each code. ON CONFLICT skips a subject that a concurrent
  // import created meanwhile; it is read again below.
  const byUscc = await subjectsBy(query, seal, 'uscc', await latestBy(rows, (r) => r.uscc, slicer), slicer);
  const byId = await subjectsBy(query, seal, 'id_hash', await latestBy(rows, (r) => (r.uscc === null ? r.idHash : null), slicer), slicer);
  await remember([...byUscc.values(), ...byId.values()]);
  const ids: (string | null)[] = await mapWithTurns(rows, (r) => (r.uscc !== null ? byUscc.get(r.uscc)!.id : r.idHash !== null ? byId.get(r.idHash)!.id : null), slicer);

  // Legacy codes: a known link, else the USCC that embeds the organisation code (GB 32100 positions 9–17).
  const legacy: number[] = [];
  await eachWithTurns(rows.keys(), (i) => {
    if (ids[i] === null && (rows[i].orgCode !== null || rows[i].regNo !== null)) legacy.push(i);
  }, slicer);
  if (legacy.length) {
    const orgs = unique(await mapWithTurns(legacy, (i) => rows[i].orgCode, slicer));
    const regs = unique(await mapWithTurns(legacy, (i) => rows[i].regNo, slicer));
    const lookup = async (text: string, values: readonly string[]) => {
      const map = new Map<string, KnownSubject>();
      if (!values.length) return map;
      await eachWithTurns((await query<KnownSubject & { code: string }>(text, [values])).rows, (x) => map.set(x.code, x), slicer);
      await remember([...map.values()]);
      return map;
    };
    const org = await lookup(`SELECT si.value AS code, s.id, s.name FROM subject_identifiers si JOIN subjects s ON s.id = si.subject_id
      WHERE si.kind = 'org' AND si.value = ANY($1::text[])`, orgs);
    const reg = await lookup(`SELECT si.value AS code, s.id, s.name FROM subject_identifiers si JOIN subjects s ON s.id = si.subject_id
      WHERE si.kind = 'regno' AND si.value = ANY($1::text[])`, regs);
    const embedded = await lookup(`SELECT DISTINCT ON (substr(uscc, 9, 9)) substr(uscc, 9, 9) AS code, id, name FROM subjects
      WHERE substr(uscc, 9, 9) = ANY($1::text[]) AND uscc IS NOT NULL ORDER BY substr(uscc, 9, 9), id`, orgs);
    await eachWithTurns(legacy, (i) => {
      const { orgCode, regNo } = rows[i];
      ids[i] = (orgCode !== null ? org.get(orgCode) : undefined)?.id ?? (regNo !== null ? reg.get(regNo) : undefined)?.id ?? (orgCode !== null ? embedded.get(orgCode) : undefined)?.id ?? null;
    }, slicer);
    // Still unknown legacy-only subjects: one new subject per code (from its latest row), linked for next time.
    const unknown = await latestBy(
      (await filterWithTurns(legacy, (i) => ids[i] === null, slicer)).map((i) => rows[i]),
      (r) => r.orgCode ?? r.regNo,
      slicer,
    );
    const byCode = async (code: (r: SubjectRef) => string | null) => {
      const map = new Map<string, number[]>();
      await eachWithTurns(legacy, (i) => {
        const c = code(rows[i]);
        if (c === null) return;
        const list = map.get(c);
        if (list) list.push(i);
        else map.set(c, [i]);
      }, slicer);
      return map;
    };
    const rowsByOrg = await byCode((r) => r.orgCode);
    const rowsByReg = await byCode((r) => r.regNo);
    for (const code of [...unknown.keys()].sort()) {
      const u = unknown.get(code)!;
      const s = await query<KnownSubject>('INSERT INTO subjects (kind, name) VALUES ($1, $2) RETURNING id, name', [u.kind, u.name ?? code]);
      const created = s.rows[0];
      await remember([created]);
      if (u.orgCode) await query(`INSERT INTO subject_identifiers (kind, value, subject_id) VALUES ('org', $1, $2) ON CONFLICT DO NOTHING`, [u.orgCode, created.id]);
      if (u.regNo) await query(`INSERT INTO subject_identifiers (kind, value, subject_id) VALUES ('regno', $1, $2) ON CONFLICT DO NOTHING`, [u.regNo, created.id]);
      // Every still unlinked row that reports either code.
      for (const i of [...(u.orgCode !== null ? rowsByOrg.get(u.orgCode)! : []), ...(u.regNo !== null ? rowsByReg.get(u.regNo)! : [])]) ids[i] ??= created.id;
    }
  }

  // Every reported legacy code is linked to its row's subject (the first row of each code decides).
  for (const [kind, code] of [['org', (r: SubjectRef) => r.orgCode], ['regno', (r: SubjectRef) => r.regNo]] as const) {
    const links = new Map<string, string>();
    await eachWithTurns(rows.keys(), (i) => {
      const c = code(rows[i]);
      if (c !== null && ids[i] !== null && !links.has(c)) links.set(c, ids[i]!);
    }, slicer);
    if (links.size) {
      await query(`INSERT INTO subject_identifiers (kind, value, subject_id) SELECT $1, v, s FROM unnest($2::text[], $3::bigint[]) AS t(v, s) ON CONFLICT DO NOTHING`,
        [kind, [...links.keys()], [...links.values()]]);
    }
  }
  // 曾用名 / name variants: names reported that differ from the registry's name (the registry's own name is on subjects).
  const variants = new Map<string, [string, string]>();
  await eachWithTurns(rows.keys(), (i) => {
    const id = ids[i];
    const r = rows[i];
    if (id !== null && r.name !== null && r.name !== names.get(id)) variants.set(`${id}\u001f${r.name}`, [id, r.name]);
  }, slicer);
  if (variants.size) {
    const v = [...variants.values()];
    await query(`INSERT INTO subject_names (subject_id, name) SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING`,
      [v.map((x) => x[0]), v.map((x) => x[1])]);
  }
  return ids;
}
