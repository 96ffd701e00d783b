// Credit-event domain taxonomy (信用事件领域分类) as data: four domains (商务诚信, 社会诚信,
// 政务诚信, 司法公信) with sub-domains and keyword rules — docs/domain/05-monitoring.md §5.1. The default ships in
// defaults/taxonomy.json; callers may pass their own (e.g. from the DB) through validateTaxonomy.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MonitoringError } from './errors.ts';

const SubdomainSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  keywords: Type.Array(Type.String({ minLength: 1 })),
});

const DomainSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  subdomains: Type.Array(SubdomainSchema, { minItems: 1 }),
});

export const TaxonomySchema = Type.Object({
  version: Type.String({ minLength: 1 }),
  source: Type.Optional(Type.String()),
  domains: Type.Array(DomainSchema, { minItems: 1 }),
  // Keyword cues for 优良 (good) and 不良 (bad) events.
  polarity: Type.Object({ good: Type.Array(Type.String({ minLength: 1 })), bad: Type.Array(Type.String({ minLength: 1 })) }),
});

export type Taxonomy = Static<typeof TaxonomySchema>;
export type Polarity = 'good' | 'bad';

export const POLARITY_LABELS: Record<Polarity, string> = { good: '优良', bad: '不良' };

/** Checks a taxonomy's shape and that sub-domain names are unique, since labels name only the sub-domain. */
export function validateTaxonomy(value: unknown): Taxonomy {
  if (!Value.Check(TaxonomySchema, value)) {
    const first = [...Value.Errors(TaxonomySchema, value)][0];
    throw new MonitoringError('invalid_taxonomy', `领域分类格式错误：${first?.path ?? ''} ${first?.message ?? ''}`.trim());
  }
  const seen = new Set<string>();
  for (const d of value.domains) {
    for (const s of d.subdomains) {
      if (seen.has(s.name)) throw new MonitoringError('invalid_taxonomy', `领域分类中子领域「${s.name}」重复`);
      seen.add(s.name);
    }
  }
  return value;
}

let cached: Taxonomy | undefined;

/** The shipped default taxonomy (defaults/taxonomy.json). */
export function defaultTaxonomy(): Taxonomy {
  cached ??= validateTaxonomy(JSON.parse(readFileSync(new URL('./defaults/taxonomy.json', import.meta.url), 'utf8')));
  return cached;
}

/** Map from sub-domain name to its domain name. */
export function subdomainToDomain(taxonomy: Taxonomy): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of taxonomy.domains) for (const s of d.subdomains) map.set(s.name, d.name);
  return map;
}

/** All sub-domain names in taxonomy order. */
export function subdomainNames(taxonomy: Taxonomy): string[] {
  return taxonomy.domains.flatMap((d) => d.subdomains.map((s) => s.name));
}
