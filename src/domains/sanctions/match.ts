// Finding the subjects a check or a screening file names (issue 14 §5): by USCC, by ID number (through the
// hash ingest stores) or by name — exact normalised name, then the name with its legal-form suffix removed
// (繁简 and full-width already folded by normalizeName); anything looser is only a candidate for human review,
// never a hit. A fixed number of statements per batch of queries, never one per subject.
import type { DbOrTx } from '../../db/index.ts';
import { hmacSha256With } from '../../platform/crypto.ts';
import { checkIdNumber, checkUscc, isValidUscc, maskIdNumber } from '../codes/index.ts';
import { normalizeName, subjectsByKeys, subjectsByNamePrefixes, type LookedUpSubject } from '../subjects/index.ts';

/** One subject a caller asks about: at least one of the three keys. */
export interface SubjectQuery {
  uscc?: string | null;
  idNumber?: string | null;
  name?: string | null;
}

export type MatchedBy = 'uscc' | 'id_number' | 'name' | 'name_normalised';

/** What a query resolved to. `invalid` carries the reason; `not_found` is never "clean". */
export type Resolution =
  | { status: 'found'; subject: LookedUpSubject; matchedBy: MatchedBy }
  | { status: 'not_found'; candidates: LookedUpSubject[] }
  | { status: 'invalid'; message: string };

// Legal-form suffixes (组织形式), longest first; removed once from the end of a normalised name.
const SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '(普通合伙)', '(有限合伙)', '(特殊普通合伙)', '个人独资企业', '合伙企业', '分公司', '公司'];
// Fuzzy candidates share this many leading characters of the stripped name.
const FUZZY_PREFIX = 4;
const MAX_CANDIDATES = 5;

/** The normalised name without its legal-form suffix (e.g. 某某食品有限责任公司 → 某某食品). */
export function stripLegalForm(norm: string): string {
  for (const s of SUFFIXES) if (norm.length > s.length && norm.endsWith(s)) return norm.slice(0, -s.length);
  return norm;
}

/** The query as it may be stored and shown: ID numbers masked. */
export function publicQuery(q: SubjectQuery): { uscc?: string; idNumber?: string; name?: string } {
  const out: { uscc?: string; idNumber?: string; name?: string } = {};
  if (q.uscc?.trim()) out.uscc = q.uscc.trim();
  if (q.idNumber?.trim()) out.idNumber = maskIdNumber(q.idNumber.trim());
  if (q.name?.trim()) out.name = q.name.trim();
  return out;
}

type Planned = { kind: 'uscc'; value: string } | { kind: 'id'; value: string } | { kind: 'name'; norm: string; stripped: string } | { kind: 'invalid'; message: string };

function plan(q: SubjectQuery, idHash: (s: string) => string): Planned {
  const uscc = q.uscc?.trim();
  const id = q.idNumber?.trim();
  const name = q.name?.trim();
  if (uscc) {
    // Most codes in a screening file are valid and already normal: isValidUscc says so without checkUscc's
    // explanations (codes/properties.test.ts pins that the two agree).
    if (isValidUscc(uscc)) return { kind: 'uscc', value: uscc };
    const r = checkUscc(uscc);
    if (r.verdict === 'invalid') return { kind: 'invalid', message: `“${uscc}”不是有效的统一社会信用代码` };
    return { kind: 'uscc', value: r.normalized };
  }
  if (id) {
    const r = checkIdNumber(id);
    if (r.verdict === 'invalid') return { kind: 'invalid', message: `“${maskIdNumber(id)}”不是有效的身份证号码` };
    // The same key ingest stores (staging.ts): HMAC of "id:" + the normalised number.
    return { kind: 'id', value: idHash(`id:${r.normalized}`) };
  }
  if (name) {
    const norm = normalizeName(name);
    if (!norm) return { kind: 'invalid', message: '名称为空' };
    return { kind: 'name', norm, stripped: stripLegalForm(norm) };
  }
  return { kind: 'invalid', message: '须提供统一社会信用代码、身份证号码或名称之一' };
}

// A natural person is matched only by ID number: a name alone never identifies a person, and listing people's
// names as candidates would disclose them.
const byName = (s: LookedUpSubject) => s.kind !== 'natural_person';

/** Resolves a batch of queries to subjects in a fixed number of statements (secret: the platform's HMAC key). */
export async function resolveSubjects(db: DbOrTx, secret: string, queries: readonly SubjectQuery[]): Promise<Resolution[]> {
  const planned = planQueries(secret, queries);
  return resolvePlanned(db, planned, await subjectsByKeys(db, planned.keys));
}

/** Each query's plan and the keys (USCCs, ID hashes, normalised names) to look the batch's subjects up by. */
export interface PlannedQueries {
  plans: Planned[];
  keys: { usccs: string[]; idHashes: string[]; nameNorms: string[] };
}

/** Validates and normalises a batch of queries, without touching the database. */
export function planQueries(secret: string, queries: readonly SubjectQuery[]): PlannedQueries {
  const idHash = hmacSha256With(secret);
  const plans = queries.map((q) => plan(q, idHash));
  const usccs: string[] = [];
  const hashes: string[] = [];
  const norms: string[] = [];
  for (const p of plans) {
    if (p.kind === 'uscc') usccs.push(p.value);
    else if (p.kind === 'id') hashes.push(p.value);
    else if (p.kind === 'name') norms.push(p.norm);
  }
  return { plans, keys: { usccs, idHashes: hashes, nameNorms: norms } };
}

/**
 * Resolves planned queries given the subjects their keys found (subjectsByKeys, or the same statement read
 * within a larger one): names without a single exact match take one or two prefix statements more.
 */
export async function resolvePlanned(db: DbOrTx, { plans }: PlannedQueries, found: readonly LookedUpSubject[]): Promise<Resolution[]> {
  const byUscc = new Map<string, LookedUpSubject>();
  const byHash = new Map<string, LookedUpSubject>();
  const byNorm = new Map<string, LookedUpSubject[]>();
  for (const s of found) {
    if (s.uscc) byUscc.set(s.uscc, s);
    if (s.idHash) byHash.set(s.idHash, s);
    if (s.nameNorm && byName(s)) byNorm.set(s.nameNorm, [...(byNorm.get(s.nameNorm) ?? []), s]);
  }
  // Names without an exact match: the stripped name as a prefix, then the fuzzy prefix, in one statement each.
  const unmatched = plans.filter((p): p is Extract<Planned, { kind: 'name' }> => p.kind === 'name' && (byNorm.get(p.norm)?.length ?? 0) !== 1);
  const strippedHits = new Map<string, LookedUpSubject[]>();
  for (const s of await subjectsByNamePrefixes(db, unmatched.map((p) => p.stripped))) {
    if (!byName(s)) continue;
    strippedHits.set(s.prefix, [...(strippedHits.get(s.prefix) ?? []), s]);
  }
  const fuzzyNeeded = unmatched.filter((p) => (strippedHits.get(p.stripped) ?? []).filter((s) => stripLegalForm(s.nameNorm ?? '') === p.stripped).length !== 1);
  const fuzzyHits = new Map<string, LookedUpSubject[]>();
  for (const s of await subjectsByNamePrefixes(db, fuzzyNeeded.map((p) => [...p.stripped].slice(0, FUZZY_PREFIX).join('')), MAX_CANDIDATES * 2)) {
    if (!byName(s)) continue;
    fuzzyHits.set(s.prefix, [...(fuzzyHits.get(s.prefix) ?? []), s]);
  }
  return plans.map((p): Resolution => {
    switch (p.kind) {
      case 'invalid':
        return { status: 'invalid', message: p.message };
      case 'uscc': {
        const s = byUscc.get(p.value);
        return s ? { status: 'found', subject: s, matchedBy: 'uscc' } : { status: 'not_found', candidates: [] };
      }
      case 'id': {
        const s = byHash.get(p.value);
        return s ? { status: 'found', subject: s, matchedBy: 'id_number' } : { status: 'not_found', candidates: [] };
      }
      case 'name': {
        const exact = byNorm.get(p.norm) ?? [];
        if (exact.length === 1) return { status: 'found', subject: exact[0]!, matchedBy: 'name' };
        const stripped = (strippedHits.get(p.stripped) ?? []).filter((s) => stripLegalForm(s.nameNorm ?? '') === p.stripped);
        if (exact.length === 0 && stripped.length === 1) return { status: 'found', subject: stripped[0]!, matchedBy: 'name_normalised' };
        // Several subjects share the name, or only similar names exist: candidates for review, never a hit.
        const pool = [...exact, ...stripped, ...(fuzzyHits.get([...p.stripped].slice(0, FUZZY_PREFIX).join('')) ?? [])];
        const seen = new Set<string>();
        const candidates = pool.filter((s) => !seen.has(s.id) && seen.add(s.id)).slice(0, MAX_CANDIDATES);
        return { status: 'not_found', candidates };
      }
    }
  });
}
