// Credit-event domains and sub-domains for filters and staff corrections. The server has no
// taxonomy endpoint, so the names come from the same shipped file the server classifies with
// (src/domains/monitoring/defaults/taxonomy.json) — one source, never a copy that drifts.
import taxonomy from '../../../domains/monitoring/defaults/taxonomy.json';

export interface DomainOption {
  name: string;
  subdomains: string[];
}

export const EVENT_DOMAINS: DomainOption[] = taxonomy.domains.map((d) => ({ name: d.name, subdomains: d.subdomains.map((s) => s.name) }));

const DOMAIN_OF = new Map(EVENT_DOMAINS.flatMap((d) => d.subdomains.map((s) => [s, d.name] as const)));

/** The domain a sub-domain belongs to (undefined for unknown names). */
export function domainOf(subdomain: string): string | undefined {
  return DOMAIN_OF.get(subdomain);
}
