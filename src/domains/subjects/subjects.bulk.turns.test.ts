// Issue 18: the subjects bulk path (subjects.bulk.ts) runs its loops over a chunk's rows in slices with turns of the
// event loop (platform/turns.ts), on the thread that serves HTTP. Two things are checked on real databases:
//   - the event loop turns between the chunk's statements, not only while a statement is on the wire (the former
//     code ran every loop of a 10,000-row chunk, with the normalisation of each new subject's name, in one go);
//   - the result is the former code's (`former…` below, kept verbatim): the same ids, subjects, legacy links and name
//     variants, for a table of inputs run on two fresh databases, one per implementation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as onNextTurn } from 'node:timers';
import { setImmediate } from 'node:timers/promises';
import type pg from 'pg';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { maskIdNumber } from '../codes/index.ts';
import { generateSubjects } from './demo.ts';
import { normalizeName } from './search.ts';
import { linkSubjects, subjectPreparer, type BulkQuery, type NewSubjectColumns, type Seal, type SubjectRef } from './index.ts';

let current: TestDb;
let former: TestDb;
before(async () => {
  current = await createTestDb();
  former = await createTestDb();
});
after(async () => {
  await current?.close();
  await former?.close();
});

const DISTRICTS = [{ code: '630102', name: '城东区' }];
const seal: Seal = (s) => `sealed:${[...s].reverse().join('')}`;
const legal = (name: string, uscc: string): SubjectRef => ({ kind: 'legal', name, uscc, idHash: null, idNumber: null, orgCode: null, regNo: null });
const person = (n: number, name: string | null): SubjectRef => {
  const id = `63010219800101${String(n).padStart(3, '0')}X`;
  return { kind: 'natural_person', name, uscc: null, idHash: `hash-${n}`, idNumber: id, orgCode: null, regNo: null };
};
const legacy = (name: string, orgCode: string | null, regNo: string | null): SubjectRef => ({ kind: 'legal', name, uscc: null, idHash: null, idNumber: null, orgCode, regNo });

/** While the code under test runs (`running`), whether one of its statements is on the wire (`inStatement`). */
interface Track {
  running: boolean;
  inStatement: boolean;
}

/** Runs `fn` in a transaction on one pooled client of `db`, tracking `fn`'s statements. */
async function inTransaction<T>(db: TestDb, fn: (query: BulkQuery) => Promise<T>, track?: Track): Promise<T> {
  const client: pg.PoolClient = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const query: BulkQuery = async (text, values) => {
      if (track) track.inStatement = true;
      try {
        return await client.query(text, values);
      } finally {
        if (track) track.inStatement = false;
      }
    };
    if (track) track.running = true;
    let result: T;
    try {
      result = await fn(query);
    } finally {
      if (track) track.running = false;
    }
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

/** What the registry holds, in a stable order (ids included: both databases hand them out from a fresh sequence). */
async function registry(db: TestDb): Promise<unknown> {
  const q = (text: string) => db.pool.query(text).then((r) => r.rows);
  return {
    subjects: await q(`SELECT id, kind, name, uscc, region_code, id_hash, id_masked, id_enc, name_norm, pinyin_initials, name_bigrams::text AS bigrams FROM subjects ORDER BY id`),
    identifiers: await q(`SELECT kind, value, subject_id FROM subject_identifiers ORDER BY kind, value`),
    names: await q(`SELECT subject_id, name FROM subject_names ORDER BY subject_id, name`),
  };
}

const S = generateSubjects(3200, { seed: 18, cityShort: '西宁', districts: DISTRICTS });
const orgOf = (uscc: string) => uscc.slice(8, 17);

// Run in order on both databases; each step sees what the steps before it wrote.
const STEPS: { name: string; rows: () => SubjectRef[]; prepare?: boolean }[] = [
  { name: 'new legal subjects, some repeated in the chunk under another name', rows: () => [...S.slice(0, 30).map((s) => legal(s.name, s.uscc)), ...S.slice(0, 5).map((s) => legal(`${s.name}（分店）`, s.uscc))] },
  { name: 'known subjects again with name variants, and new ones', rows: () => [...S.slice(20, 50).map((s, i) => legal(i % 3 ? s.name : `${s.name}有限公司`, s.uscc))] },
  { name: 'natural persons by ID hash, one repeated, none prepared', rows: () => [person(1, '张三'), person(2, null), person(1, '张三丰'), person(3, '李四')] },
  { name: 'natural persons prepared ahead, and known ones', rows: () => [person(3, '李四'), person(4, '王五'), person(5, '赵六'), person(4, '王五')], prepare: true },
  {
    name: 'legacy codes: an org code embedded in a known USCC, a new org code and reg no, a repeat, and a row with nothing',
    rows: () => [legacy('旧名称甲', orgOf(S[0].uscc), null), legacy('老字号', 'MA0000001', '630100000000001'), legacy('老字号分号', null, '630100000000001'), legacy('无代码', null, null), legacy('另一家', 'MA0000002', null)],
  },
  { name: 'legacy codes known from the step before, with a USCC row reporting one', rows: () => [legacy('老字号', 'MA0000001', null), { ...legal(S[60].name, S[60].uscc), orgCode: 'MA0000002' }] },
  { name: 'a large chunk: 3,000 rows, new and repeated subjects', rows: () => [...S.slice(100, 3100).map((s, i) => legal(i % 10 === 0 ? `${s.name}分公司` : s.name, i % 7 === 0 ? S[100].uscc : s.uscc))], prepare: true },
];

test('linkSubjects and subjectPreparer give the former code\'s ids and registry, step by step', async () => {
  for (const step of STEPS) {
    const mine = step.rows();
    const theirs = step.rows();
    if (step.prepare) {
      await subjectPreparer((text, values) => current.pool.query(text, values), seal)(mine);
      await formerSubjectPreparer((text, values) => former.pool.query(text, values), seal)(theirs);
      assert.deepEqual(mine.map((r) => r.newSubject ?? null), theirs.map((r) => r.newSubject ?? null), `${step.name}: prepared columns`);
    }
    const ids = await inTransaction(current, (q) => linkSubjects(q, mine, seal));
    const formerIds = await inTransaction(former, (q) => formerLinkSubjects(q, theirs, seal));
    assert.deepEqual(ids, formerIds, `${step.name}: ids`);
    assert.deepEqual(await registry(current), await registry(former), `${step.name}: registry`);
  }
});

/** Counts the turns the event loop takes while the code under test runs, outside its statements. */
async function turnsOutsideStatements(run: (track: Track) => Promise<unknown>): Promise<number> {
  const track: Track = { running: false, inStatement: false };
  let done = false;
  let turns = 0;
  const tick = () => {
    if (done) return;
    if (track.running && !track.inStatement) turns++;
    onNextTurn(tick);
  };
  onNextTurn(tick);
  try {
    await run(track);
  } finally {
    done = true;
  }
  return turns;
}

test('linkSubjects gives the event loop turns between its statements on a large chunk', async () => {
  // 10,000 new subjects: normalising their names alone is many slices of work on any machine.
  const rows = generateSubjects(10_000, { seed: 1818, cityShort: '海东', districts: [{ code: '630202', name: '乐都区' }] }).map((s) => legal(s.name, s.uscc));
  const turns = await turnsOutsideStatements((track) => inTransaction(current, (q) => linkSubjects(q, rows, seal), track));
  assert.ok(turns > 0, `the loop turned ${turns} times outside statements`);
});

test('subjectPreparer gives the event loop turns between its statements on a large chunk', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => person(10_000 + i, `自然人${i}`));
  const turns = await turnsOutsideStatements(async (track) => {
    const prepare = subjectPreparer(async (text, values) => {
      track.inStatement = true;
      try {
        return await current.pool.query(text, values);
      } finally {
        track.inStatement = false;
      }
    }, seal);
    track.running = true;
    await prepare(rows);
    track.running = false;
  });
  assert.ok(turns > 0, `the loop turned ${turns} times outside statements`);
  assert.ok(rows.every((r) => r.newSubject), 'every unknown person prepared');
});

// ---- The former code (before issue 18's slicing), verbatim but for its names: the reference for the table above.
interface KnownSubject {
  id: string;
  name: string;
}
const unique = <T>(values: Iterable<T | null>): T[] => [...new Set(values)].filter((v): v is T => v !== null);

/** Each code's last row (rows come in file order): the row a new subject is made from. Null codes are skipped. */
function latestBy<R extends SubjectRef>(rows: Iterable<R>, codeOf: (r: R) => string | null): Map<string, R> {
  const latest = new Map<string, R>();
  for (const r of rows) {
    const c = codeOf(r);
    if (c !== null) latest.set(c, r);
  }
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
function formerSubjectPreparer(query: BulkQuery, seal: Seal): (rows: readonly SubjectRef[]) => Promise<void> {
  const seen = new Set<number>();
  return async (chunk) => {
    // Only natural persons (by ID hash) are worth preparing: a subject by USCC costs nothing to describe now that
    // its search columns come from the indexer, so probing the registry for it would be wasted work.
    const latest = latestBy(chunk, (r) => {
      const c = r.uscc === null ? r.idHash : null;
      return c !== null && !seen.has(smallHash(c)) ? c : null;
    });
    if (!latest.size) return;
    for (const c of latest.keys()) seen.add(smallHash(c));
    // Only the codes not in the registry come back (on a re-import, none), each by one index probe: a scalar
    // subquery, which the planner cannot turn into a join that reads the whole table.
    const unknown = await query<{ code: string }>(
      `SELECT c AS code FROM unnest($1::text[]) c WHERE (SELECT s.id FROM subjects s WHERE s.id_hash = c) IS NULL`,
      [[...latest.keys()]],
    );
    // Give the event loop a turn every 64 subjects, as the reader does while reading.
    let n = 0;
    for (const { code } of unknown.rows) {
      const r = latest.get(code)!;
      r.newSubject = newSubjectColumns(r, seal);
      if (++n % 64 === 0) await setImmediate();
    }
  };
}

/**
 * The subjects of the rows by one unique code (USCC or ID hash), given each code's latest row: the known ones
 * by index probe, the rest created from that row (with the columns prepared ahead, if any). Returns code → subject.
 */
async function subjectsBy(query: BulkQuery, seal: Seal, column: 'uscc' | 'id_hash', latest: ReadonlyMap<string, SubjectRef>): Promise<Map<string, KnownSubject>> {
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
  const fresh = [...latest.keys()].filter((c) => !found.has(c)).sort();
  if (fresh.length) {
    const cols: (string | null)[][] = Array.from({ length: 8 }, () => []);
    for (const c of fresh) {
      const r = latest.get(c)!;
      (r.newSubject ?? newSubjectColumns(r, seal)).forEach((v, i) => cols[i].push(v));
    }
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
    const missing = fresh.filter((c) => !found.has(c));
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
async function formerLinkSubjects(query: BulkQuery, rows: readonly SubjectRef[], seal: Seal): Promise<(string | null)[]> {
  const names = new Map<string, string>();
  const remember = (list: readonly KnownSubject[]) => {
    for (const s of list) names.set(s.id, s.name);
  };
  // By USCC, then (natural persons) by the keyed ID hash: look up the known ones with one index probe each,
  // create the rest from the chunk's latest row for each code. ON CONFLICT skips a subject that a concurrent
  // import created meanwhile; it is read again below.
  const byUscc = await subjectsBy(query, seal, 'uscc', latestBy(rows, (r) => r.uscc));
  const byId = await subjectsBy(query, seal, 'id_hash', latestBy(rows, (r) => (r.uscc === null ? r.idHash : null)));
  remember([...byUscc.values(), ...byId.values()]);
  const ids: (string | null)[] = rows.map((r) => (r.uscc !== null ? byUscc.get(r.uscc)!.id : r.idHash !== null ? byId.get(r.idHash)!.id : null));

  // Legacy codes: a known link, else the USCC that embeds the organisation code (GB 32100 positions 9–17).
  const legacy = rows.map((_, i) => i).filter((i) => ids[i] === null && (rows[i].orgCode !== null || rows[i].regNo !== null));
  if (legacy.length) {
    const orgs = unique(legacy.map((i) => rows[i].orgCode));
    const regs = unique(legacy.map((i) => rows[i].regNo));
    const lookup = async (text: string, values: readonly string[]) => {
      const map = new Map<string, KnownSubject>();
      if (!values.length) return map;
      for (const x of (await query<KnownSubject & { code: string }>(text, [values])).rows) map.set(x.code, x);
      remember([...map.values()]);
      return map;
    };
    const org = await lookup(`SELECT si.value AS code, s.id, s.name FROM subject_identifiers si JOIN subjects s ON s.id = si.subject_id
      WHERE si.kind = 'org' AND si.value = ANY($1::text[])`, orgs);
    const reg = await lookup(`SELECT si.value AS code, s.id, s.name FROM subject_identifiers si JOIN subjects s ON s.id = si.subject_id
      WHERE si.kind = 'regno' AND si.value = ANY($1::text[])`, regs);
    const embedded = await lookup(`SELECT DISTINCT ON (substr(uscc, 9, 9)) substr(uscc, 9, 9) AS code, id, name FROM subjects
      WHERE substr(uscc, 9, 9) = ANY($1::text[]) AND uscc IS NOT NULL ORDER BY substr(uscc, 9, 9), id`, orgs);
    for (const i of legacy) {
      const { orgCode, regNo } = rows[i];
      ids[i] = (orgCode !== null ? org.get(orgCode) : undefined)?.id ?? (regNo !== null ? reg.get(regNo) : undefined)?.id ?? (orgCode !== null ? embedded.get(orgCode) : undefined)?.id ?? null;
    }
    // Still unknown legacy-only subjects: one new subject per code (from its latest row), linked for next time.
    const unknown = latestBy(
      legacy.filter((i) => ids[i] === null).map((i) => rows[i]),
      (r) => r.orgCode ?? r.regNo,
    );
    const byCode = (code: (r: SubjectRef) => string | null) => {
      const map = new Map<string, number[]>();
      for (const i of legacy) {
        const c = code(rows[i]);
        if (c === null) continue;
        const list = map.get(c);
        if (list) list.push(i);
        else map.set(c, [i]);
      }
      return map;
    };
    const rowsByOrg = byCode((r) => r.orgCode);
    const rowsByReg = byCode((r) => r.regNo);
    for (const code of [...unknown.keys()].sort()) {
      const u = unknown.get(code)!;
      const s = await query<KnownSubject>('INSERT INTO subjects (kind, name) VALUES ($1, $2) RETURNING id, name', [u.kind, u.name ?? code]);
      const created = s.rows[0];
      remember([created]);
      if (u.orgCode) await query(`INSERT INTO subject_identifiers (kind, value, subject_id) VALUES ('org', $1, $2) ON CONFLICT DO NOTHING`, [u.orgCode, created.id]);
      if (u.regNo) await query(`INSERT INTO subject_identifiers (kind, value, subject_id) VALUES ('regno', $1, $2) ON CONFLICT DO NOTHING`, [u.regNo, created.id]);
      // Every still unlinked row that reports either code.
      for (const i of [...(u.orgCode !== null ? rowsByOrg.get(u.orgCode)! : []), ...(u.regNo !== null ? rowsByReg.get(u.regNo)! : [])]) ids[i] ??= created.id;
    }
  }

  // Every reported legacy code is linked to its row's subject (the first row of each code decides).
  for (const [kind, code] of [['org', (r: SubjectRef) => r.orgCode], ['regno', (r: SubjectRef) => r.regNo]] as const) {
    const links = new Map<string, string>();
    rows.forEach((r, i) => {
      const c = code(r);
      if (c !== null && ids[i] !== null && !links.has(c)) links.set(c, ids[i]!);
    });
    if (links.size) {
      await query(`INSERT INTO subject_identifiers (kind, value, subject_id) SELECT $1, v, s FROM unnest($2::text[], $3::bigint[]) AS t(v, s) ON CONFLICT DO NOTHING`,
        [kind, [...links.keys()], [...links.values()]]);
    }
  }
  // 曾用名 / name variants: names reported that differ from the registry's name (the registry's own name is on subjects).
  const variants = new Map<string, [string, string]>();
  rows.forEach((r, i) => {
    const id = ids[i];
    if (id !== null && r.name !== null && r.name !== names.get(id)) variants.set(`${id}\u001f${r.name}`, [id, r.name]);
  });
  if (variants.size) {
    const v = [...variants.values()];
    await query(`INSERT INTO subject_names (subject_id, name) SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING`,
      [v.map((x) => x[0]), v.map((x) => x[1])]);
  }
  return ids;
}
