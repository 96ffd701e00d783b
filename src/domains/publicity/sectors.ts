// Sector (领域) of a record: it decides the 2023 one-year minimum (特种设备/安全生产/消防, DOMAIN
// §3.2), 2019 特定严重失信 (docs/domain/03-publicity.md §3.1) and sector overrides. Departments rarely send it, so it is
// derived from the conduct text (narrow sectors such as 特种设备 hide inside 市场监管) and then the
// deciding authority's name. Keyword tables are data: defaults/sectors.json.
import sectorTable from './defaults/sectors.json' with { type: 'json' };
import type { SpecificSeriousRule } from './publicity.schemas.ts';

export interface SectorRule {
  sector: string;
  patterns: string[];
}

export interface SectorTable {
  byConduct: SectorRule[];
  /** Laws named in 处罚依据 (CF_YJ): a 市场监管 fine under 食品安全法 is a 食品 case (issue 13). */
  byBasis?: SectorRule[];
  byAuthority: SectorRule[];
}

export interface SectorMatch {
  sector: string;
  via: 'field' | 'conduct' | 'basis' | 'authority';
  /** The text that matched (the field value itself for 'field'). */
  matched: string;
}

/** The shipped table (defaults/sectors.json). */
export const DEFAULT_SECTOR_TABLE: SectorTable = { byConduct: sectorTable.byConduct, byBasis: sectorTable.byBasis, byAuthority: sectorTable.byAuthority };

/** Spellings that name the same sector as the tables (docs/domain/03-publicity.md §3.1 says 消防安全, §3.2 消防). */
const SECTOR_ALIASES: Record<string, string> = {
  消防安全: '消防',
  食品安全: '食品药品',
  药品安全: '食品药品',
  环境保护: '生态环境',
  环保: '生态环境',
  特种设备安全: '特种设备',
  建设工程质量: '工程质量',
  '3C认证': '强制性产品认证',
};

/** Canonical sector name for a value sent by a department. */
export function normaliseSector(s: string): string {
  const t = s.trim();
  return SECTOR_ALIASES[t] ?? t;
}

type Compiled = { sector: string; re: RegExp }[];
const compiled = new WeakMap<SectorRule[], Compiled>();

function compile(rules: SectorRule[]): Compiled {
  let c = compiled.get(rules);
  if (!c) {
    c = rules.map((r) => ({ sector: r.sector, re: new RegExp(r.patterns.join('|'), 'u') }));
    compiled.set(rules, c);
  }
  return c;
}

function firstMatch(rules: SectorRule[], text: string | null | undefined): { sector: string; matched: string } | null {
  if (!text) return null;
  for (const { sector, re } of compile(rules)) {
    const m = re.exec(text);
    if (m) return { sector, matched: m[0] };
  }
  return null;
}

/**
 * The sector of a record: an explicit field wins, then the conduct text (违法行为类型), then the
 * legal basis (处罚依据) and the content (处罚内容), then the deciding authority (处罚机关).
 * Null when none says anything.
 */
export function deriveSector(
  src: { sector?: string | null; conduct?: string | null; basis?: string | null; content?: string | null; authority?: string | null },
  table: SectorTable = DEFAULT_SECTOR_TABLE,
): SectorMatch | null {
  if (src.sector && src.sector.trim()) return { sector: normaliseSector(src.sector), via: 'field', matched: src.sector.trim() };
  const c = firstMatch(table.byConduct, src.conduct);
  if (c) return { ...c, via: 'conduct' };
  const b = firstMatch(table.byBasis ?? [], src.basis) ?? firstMatch(table.byBasis ?? [], src.content);
  if (b) return { ...b, via: 'basis' };
  const a = firstMatch(table.byAuthority, src.authority);
  if (a) return { ...a, via: 'authority' };
  return null;
}

/** Sector of a deciding authority or department name alone, e.g. 西宁市应急管理局 → 安全生产. */
export function sectorOfAuthority(authority: string, table: SectorTable = DEFAULT_SECTOR_TABLE): string | null {
  return firstMatch(table.byAuthority, authority)?.sector ?? null;
}

const conductRes = new WeakMap<SpecificSeriousRule, { label: string; re: RegExp }[]>();

/** The 特定严重失信 conduct type (docs/domain/03-publicity.md §3.1) the text names, e.g. 非法集资; null when none. */
export function matchSeriousConduct(rule: SpecificSeriousRule, text: string): string | null {
  let list = conductRes.get(rule);
  if (!list) {
    list = rule.conducts.map((c) => ({ label: c.label, re: new RegExp(c.patterns.join('|'), 'u') }));
    conductRes.set(rule, list);
  }
  for (const c of list) if (c.re.test(text)) return c.label;
  return null;
}
