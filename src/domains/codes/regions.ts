// GB/T 2260 administrative division codes, current and historical, from tables/regions.tsv.
// Loaded lazily on first use so that the fast USCC path never pays for it.
import { readFileSync } from 'node:fs';

export interface RegionInfo {
  code: string;
  name: string;
  province?: string;
  city?: string;
  county?: string;
  historical: boolean;
}

interface Row {
  name: string;
  historical: boolean;
}

let table: Map<string, Row> | undefined;

// City-level placeholders that are not places a person would name ("北京市市辖区").
const PLACEHOLDER_CITY = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/** Parses the shipped TSV once; '#' lines are the provenance header. */
function load(): Map<string, Row> {
  if (table) return table;
  const text = readFileSync(new URL('./tables/regions.tsv', import.meta.url), 'utf8');
  const map = new Map<string, Row>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [code, name, status] = line.split('\t');
    map.set(code, { name, historical: status === 'h' });
  }
  table = map;
  return map;
}

/** True for a six-digit string; region look-ups accept nothing else. */
function isCode6(s: string): boolean {
  if (s.length !== 6) return false;
  for (let i = 0; i < 6; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Looks up a six-digit division code (current or historical) with its province/city/county names. */
export function lookupRegion(code6: string): RegionInfo | undefined {
  if (!isCode6(code6)) return undefined;
  const t = load();
  const row = t.get(code6);
  if (!row) return undefined;
  const info: RegionInfo = { code: code6, name: row.name, historical: row.historical };
  if (code6 === '100000') return info;
  const provinceCode = code6.slice(0, 2) + '0000';
  const cityCode = code6.slice(0, 4) + '00';
  info.province = t.get(provinceCode)?.name;
  if (code6 !== provinceCode) {
    const city = t.get(cityCode)?.name;
    if (city && !PLACEHOLDER_CITY.has(city)) info.city = city;
    if (code6 !== cityCode) info.county = row.name;
  }
  return info;
}

/** Joins province, city and county into the display form "青海省西宁市城东区". */
export function regionFullName(r: RegionInfo): string {
  if (!r.province) return r.name;
  return [r.province, r.city, r.county].filter(Boolean).join('') || r.name;
}

/** True when the first two digits name a province-level unit (including 71 Taiwan, 81/82 HK/Macao). */
export function isProvinceCode(p2: string): boolean {
  const row = load().get(p2 + '0000');
  return row !== undefined && p2 !== '10';
}

/**
 * Lists the direct children of a province (its prefecture-level units) or of a prefecture
 * (its county-level units), current ones only unless asked, e.g. the seven districts of 630100.
 */
export function regionChildren(
  code6: string,
  opts: { includeHistorical?: boolean } = {},
): Array<{ code: string; name: string }> {
  if (!isCode6(code6) || code6.endsWith('00') === false) return [];
  const t = load();
  const out: Array<{ code: string; name: string }> = [];
  const isProvince = code6.endsWith('0000');
  const prefix = isProvince ? code6.slice(0, 2) : code6.slice(0, 4);
  for (const [code, row] of t) {
    if (!code.startsWith(prefix) || code === code6) continue;
    if (row.historical && !opts.includeHistorical) continue;
    const isChild = isProvince ? code.endsWith('00') : !code.endsWith('00');
    // "市辖区" rows (xx01) are bookkeeping entries of the code list, not districts.
    if (isChild && row.name !== '市辖区') out.push({ code, name: row.name });
  }
  return out.sort((a, b) => (a.code < b.code ? -1 : 1));
}

/** All current county-level codes (used by the generators so test data looks real). */
export function currentCountyCodes(): string[] {
  const out: string[] = [];
  for (const [code, row] of load()) {
    if (!row.historical && !code.endsWith('00') && row.name !== '市辖区') out.push(code);
  }
  return out;
}

export type ParsedRegion = (RegionInfo & { fullName: string; known: true }) | { code: string; known: false };
// Frozen per-code answers for known codes only (at most the size of the table): a bulk check of
// one city's codes looks up the same few regions again and again.
const parsedCache = new Map<string, Readonly<ParsedRegion>>();

/** The region part of a parse result: names plus fullName for a known code, else known: false. */
export function parsedRegion(code: string): Readonly<ParsedRegion> {
  const cached = parsedCache.get(code);
  if (cached) return cached;
  const info = lookupRegion(code);
  if (!info) return { code, known: false };
  const r = Object.freeze({ ...info, fullName: regionFullName(info), known: true as const });
  parsedCache.set(code, r);
  return r;
}
